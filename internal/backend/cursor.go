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
	*c, err = PageCursor(f.Page, list, 1)
	return err
}

// ReactionCursor returns the list name of message messageID's reactions
// (one reaction's, when f names it) and the cursor of f's page decoded
// against it: Text is the reaction, Keys the reaction's row id, the order
// of the list within a reaction.
func ReactionCursor(messageID int64, f store.ReactionFilter) (list string, cursor store.Cursor, err error) {
	list = "reactions:" + strconv.FormatInt(messageID, 10) + ":" + f.Reaction
	cursor, err = PageCursor(f.Page, list, 1)
	return list, cursor, err
}

// PageCursor decodes the keyset cursor of page p against list, which
// names the list and keys the number of its keys: the zero Cursor for a
// first page or page numbers.
func PageCursor(p store.Paging, list string, keys int) (store.Cursor, error) {
	if !p.Keyset() || p.Cursor() == "" {
		return store.Cursor{}, nil
	}
	return store.DecodeCursor(p.Cursor(), list, keys)
}

// SearchList names the lists of a search of conversations by last
// activity in their cursors, whose keys are the latest match and the
// conversation.
const SearchList = "conversations:search"

// Streams reports whether a list of conversations is a search by last
// activity: listed by each conversation's latest matching message.
func Streams(f store.ConversationFilter) bool {
	return f.Searching() && f.Sort == store.SortLastActivityDesc
}

// ListName names a list of conversations in its cursors, so that a cursor
// of another list or sort is refused.
func ListName(f store.ConversationFilter) string {
	if Streams(f) {
		return SearchList
	}
	return "conversations:" + f.Sort.String()
}

// ListCursor decodes f's keyset cursor, if it has one, against
// ListName(f); sortKeys counts the keys of a cursor of f's sort.
func ListCursor(f store.ConversationFilter, sortKeys func() int) (store.Cursor, error) {
	if !f.Page.Keyset() || f.Page.Cursor() == "" {
		return store.Cursor{}, nil
	}
	keys := 2 // a stream's: the latest match and the conversation
	if !Streams(f) {
		keys = sortKeys()
	}
	return store.DecodeCursor(f.Page.Cursor(), ListName(f), keys)
}
