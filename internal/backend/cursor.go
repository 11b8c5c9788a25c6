package backend

import (
	"strconv"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// MessageCursor returns the list name a cursor of a conversation's
// messages carries (the conversation, the order and whether replies are
// left out: a cursor of another list is ErrInvalid) and the cursor of f's
// page decoded against it, the zero Cursor for a first page or page
// numbers.
func MessageCursor(conversationID int64, f store.MessageFilter) (list string, cursor store.Cursor, err error) {
	list = "messages:" + strconv.FormatInt(conversationID, 10) + ":" + orderName(f.Order)
	if f.TopLevel {
		list += ":top"
	}
	if f.ContactSide {
		list += ":contact"
	}
	return list, cursor, decodeMessageCursor(list, f, &cursor)
}

// UntilCursor decodes f.Until against list: the zero Cursor when unset.
func UntilCursor(list string, f store.MessageFilter) (store.Cursor, error) {
	if f.Until == "" {
		return store.Cursor{}, nil
	}
	c, err := store.DecodeCursor(f.Until, list, 1)
	if err != nil {
		return c, convo.Invalid("until", convo.CodeInvalid, "is not a cursor of the list")
	}
	return c, nil
}

// ReplyCursor is MessageCursor for the replies to message parentID.
func ReplyCursor(parentID int64, f store.MessageFilter) (list string, cursor store.Cursor, err error) {
	list = "replies:" + strconv.FormatInt(parentID, 10) + ":" + orderName(f.Order)
	if f.ContactSide {
		list += ":contact"
	}
	return list, cursor, decodeMessageCursor(list, f, &cursor)
}

func orderName(o store.MessageOrder) string {
	if o == store.NewestFirst {
		return "newest"
	}
	return "oldest"
}

func decodeMessageCursor(list string, f store.MessageFilter, c *store.Cursor) (err error) {
	if f.Page.Keyset() && f.Page.Cursor() != "" {
		*c, err = store.DecodeCursor(f.Page.Cursor(), list, 1)
	}
	return err
}

// ReactionCursor returns the list name of message messageID's reactions
// (one reaction's, when f names it) and the cursor of f's page decoded
// against it: Text is the reaction, Keys the reaction's row id, the order
// of the list within a reaction.
func ReactionCursor(messageID int64, f store.ReactionFilter) (list string, cursor store.Cursor, err error) {
	list = "reactions:" + strconv.FormatInt(messageID, 10) + ":" + f.Reaction
	if f.Page.Keyset() && f.Page.Cursor() != "" {
		cursor, err = store.DecodeCursor(f.Page.Cursor(), list, 1)
	}
	return list, cursor, err
}
