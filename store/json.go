package store

import "encoding/json"

// MarshalJSON writes the page's JSON form: {"data": [...], "next_cursor":
// "...", "meta": {...}}, each item in its own JSON form (convo's
// snake_case, see convo.Conversation.MarshalJSON). data is [] when the
// page is empty; next_cursor is left out on the last page, prev_cursor
// (message lists) on the first.
func (p Page[T]) MarshalJSON() ([]byte, error) {
	type plain Page[T]
	w := plain(p)
	if w.Items == nil {
		w.Items = []T{}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the JSON form; an empty data list is nil, as a
// store returns it.
func (p *Page[T]) UnmarshalJSON(b []byte) error {
	type plain Page[T]
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	if len(p.Items) == 0 {
		p.Items = nil
	}
	return nil
}

// MarshalJSON writes Monica's meta, leaving out what is zero: a keyset
// page's meta is {"per_page": n}, and from and to are left out on an
// empty page (Monica's null). The total of a page-number page is always
// written, 0 included.
func (m PageMeta) MarshalJSON() ([]byte, error) {
	type plain PageMeta
	if m.CurrentPage == 0 {
		return json.Marshal(plain(m))
	}
	return json.Marshal(struct {
		plain
		Total int `json:"total"`
	}{plain(m), m.Total})
}
