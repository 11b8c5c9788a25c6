package store

import "github.com/convokit/convo"

// Page sizes: one default and one maximum for every list.
const (
	DefaultPerPage = 15
	MaxPerPage     = 100
)

// Paging picks a page of a list, by page number or by keyset cursor. The
// zero value is the first page of DefaultPerPage items. Build other values
// with PageNumber or After; a bad number or size is reported by the list
// call as a *convo.ValidationError.
type Paging struct {
	number  int
	perPage int
	cursor  string
	keyset  bool
	sized   bool
}

// PageNumber asks for page number (from 1) of perPage items (1 to
// MaxPerPage), with Monica's paging meta: current page, from, to, last page,
// total.
func PageNumber(number, perPage int) Paging {
	return Paging{number: number, perPage: perPage, sized: true}
}

// After asks for the perPage items that follow cursor, a Page.Next of an
// earlier page of the same list; an empty cursor asks for the first page.
// Keyset pages never skip or repeat an item while others are added, and
// cost the same at any depth; their Meta holds PerPage only.
func After(cursor string, perPage int) Paging {
	return Paging{cursor: cursor, perPage: perPage, keyset: true, sized: true}
}

// Number is the page number asked for (1 for keyset paging).
func (p Paging) Number() int {
	if p.number == 0 && !p.sized || p.keyset {
		return 1
	}
	return p.number
}

// PerPage is the page size asked for.
func (p Paging) PerPage() int {
	if !p.sized {
		return DefaultPerPage
	}
	return p.perPage
}

// Keyset reports whether p pages by cursor.
func (p Paging) Keyset() bool { return p.keyset }

// Cursor is the cursor given to After.
func (p Paging) Cursor() string { return p.cursor }

// Offset is how many items come before the page in page-number paging.
func (p Paging) Offset() int { return (p.Number() - 1) * p.PerPage() }

// Validate reports a bad page number or size as a *convo.ValidationError.
func (p Paging) Validate() error {
	var errs []convo.FieldError
	if !p.keyset && p.Number() < 1 {
		errs = append(errs, convo.FieldError{Field: "page", Code: convo.CodeOutOfRange, Message: "must be 1 or more"})
	} else if !p.keyset && p.Number() > maxPageNumber {
		errs = append(errs, convo.FieldError{Field: "page", Code: convo.CodeOutOfRange, Message: "is too large"})
	}
	if n := p.PerPage(); n < 1 || n > MaxPerPage {
		errs = append(errs, convo.FieldError{Field: "per_page", Code: convo.CodeOutOfRange, Message: "must be between 1 and 100"})
	}
	if len(errs) > 0 {
		return &convo.ValidationError{Errors: errs}
	}
	return nil
}

// maxPageNumber keeps Offset far from overflowing.
const maxPageNumber = 1 << 30 / MaxPerPage

// Page is one page of a list. Its JSON form is Monica's: the items as
// data, always a list, the paging meta as meta, and the cursor of the
// following page as next_cursor (see MarshalJSON).
type Page[T any] struct {
	Items []T `json:"data"`
	// Next is the cursor of the following page (pass it to After), or ""
	// on the last page. Set in both paging modes.
	Next string `json:"next_cursor,omitzero"`
	// Prev is the cursor of the page before (pass it to After), or "" on
	// the first page: set by the message lists' keyset pages only
	// (ListMessages, ListReplies), which may start anywhere (see
	// MessageFilter.Around).
	Prev string   `json:"prev_cursor,omitzero"`
	Meta PageMeta `json:"meta"`
}

// PageMeta is the paging meta of Monica's API. In keyset paging only
// PerPage is set, and its JSON form holds per_page alone.
type PageMeta struct {
	CurrentPage int `json:"current_page,omitzero"`
	From        int `json:"from,omitzero"` // position of the first item, from 1; 0 on an empty page
	To          int `json:"to,omitzero"`   // position of the last item; 0 on an empty page
	LastPage    int `json:"last_page,omitzero"`
	PerPage     int `json:"per_page"`
	Total       int `json:"total,omitzero"`
}

// NewPageMeta computes the meta of a page-number page of a list of total items.
func NewPageMeta(p Paging, total, items int) PageMeta {
	m := PageMeta{CurrentPage: p.Number(), PerPage: p.PerPage(), Total: total}
	m.LastPage = max(1, (total+m.PerPage-1)/m.PerPage)
	if items > 0 {
		m.From = p.Offset() + 1
		m.To = p.Offset() + items
	}
	return m
}
