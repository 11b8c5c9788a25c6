package backend

import (
	"strconv"

	"github.com/convokit/convo/store"
)

// MessageCursor returns the list name a cursor of a conversation's
// messages carries (the conversation and the order: a cursor of another
// list is ErrInvalid) and the cursor of f's page decoded against it, the
// zero Cursor for a first page or page numbers.
func MessageCursor(conversationID int64, f store.MessageFilter) (list string, cursor store.Cursor, err error) {
	order := "oldest"
	if f.Order == store.NewestFirst {
		order = "newest"
	}
	list = "messages:" + strconv.FormatInt(conversationID, 10) + ":" + order
	if f.Page.Keyset() && f.Page.Cursor() != "" {
		cursor, err = store.DecodeCursor(f.Page.Cursor(), list, 1)
	}
	return list, cursor, err
}
