package backend

import (
	"errors"
	"slices"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// MessageRows reads up to n messages of a list of one conversation's
// messages, in the list's order or reversed, strictly past the message at
// sequence number key when past is set, skipping offset, and reports
// whether more follow. A backend gives it to MessageWindow.
type MessageRows func(reverse, past bool, key int64, n, offset int) ([]convo.Message, bool, error)

// MessageWindow reads the messages of f's page of a message list with
// read: after a cursor, before one (a Page.Prev), around a message
// (f.Around; seqOf finds its sequence number in the list, convo.ErrNotFound
// when the list does not hold it), or by page number. It reports whether
// the list holds messages before the page and after it.
func MessageWindow(f store.MessageFilter, cursor store.Cursor, read MessageRows, seqOf func(id int64) (int64, error)) (items []convo.Message, before, after bool, err error) {
	n := f.Page.PerPage()
	switch {
	case f.Around != 0:
		seq, err := seqOf(f.Around)
		if errors.Is(err, convo.ErrNotFound) {
			return nil, false, false, convo.Invalid("around", convo.CodeInvalid, "is not a message of the list")
		} else if err != nil {
			return nil, false, false, err
		}
		earlier, before, err := read(true, true, seq, n/2, 0)
		if err != nil {
			return nil, false, false, err
		}
		// The message and what follows: past is strict, so start one
		// before it in the list's order.
		start := seq - 1
		if f.Order == store.NewestFirst {
			start = seq + 1
		}
		later, after, err := read(false, true, start, n-len(earlier), 0)
		if err != nil {
			return nil, false, false, err
		}
		slices.Reverse(earlier)
		return append(earlier, later...), before, after, nil
	case cursor.Back:
		items, before, err = read(true, true, cursor.Keys[0], n, 0)
		slices.Reverse(items)
		return items, before, true, err
	case cursor.Keys != nil:
		items, after, err = read(false, true, cursor.Keys[0], n, 0)
		return items, true, after, err
	case !f.Page.Keyset():
		items, after, err = read(false, false, 0, n, f.Page.Offset())
		return items, false, after, err
	}
	items, after, err = read(false, false, 0, n, 0)
	return items, false, after, err
}

// MessagePage is the page of list (total messages, for page numbers)
// that holds items, read by MessageWindow: Next and Prev cursors on the
// page's last and first message when more come after or before it.
func MessagePage(f store.MessageFilter, list string, total int, items []convo.Message, before, after bool) store.Page[convo.Message] {
	page := store.Page[convo.Message]{Items: items}
	if after && len(items) > 0 {
		page.Next = store.Cursor{List: list, Keys: []int64{items[len(items)-1].Seq}}.Encode()
	}
	if !f.Page.Keyset() {
		page.Meta = store.NewPageMeta(f.Page, total, len(items))
		return page
	}
	if before && len(items) > 0 {
		page.Prev = store.Cursor{List: list, Keys: []int64{items[0].Seq}, Back: true}.Encode()
	}
	page.Meta = store.PageMeta{PerPage: f.Page.PerPage()}
	return page
}
