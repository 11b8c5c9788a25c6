package store

import (
	"encoding/base64"
	"encoding/json"

	"github.com/convokit/convo"
)

// Cursor is the position a keyset page ends at. Backends build one from the
// last item of a page and hand it out encoded (Page.Next); callers treat
// the encoded form as opaque.
type Cursor struct {
	// List names the list the cursor belongs to, with what scopes it, e.g.
	// "messages:42:newest" for a conversation's messages newest first.
	List string `json:"l"`
	// Keys are the sort keys of the last item, the id last.
	Keys []int64 `json:"k"`
	// Text is a sort key that is text (a contact's name), if any.
	Text string `json:"t,omitempty"`
	// Back marks a cursor read backwards (a Page.Prev): its page is the
	// items just before Keys, in the list's order.
	Back bool `json:"b,omitempty"`
}

// Encode returns the opaque form of c.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // a string and integers always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses the opaque form of a cursor and checks that it
// belongs to list and carries keys sort keys. Anything else, including a
// cursor of another list, is a *convo.ValidationError on field "cursor".
func DecodeCursor(s, list string, keys int) (Cursor, error) {
	bad := func(msg string) (Cursor, error) {
		return Cursor{}, convo.Invalid("cursor", convo.CodeInvalid, msg)
	}
	if len(s) > 512 {
		return bad("is malformed")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bad("is malformed")
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return bad("is malformed")
	}
	if c.List != list {
		// Before the keys: another list's cursor has other keys too.
		return bad("belongs to another list, order or conversation")
	}
	if len(c.Keys) != keys {
		return bad("is malformed")
	}
	return c, nil
}
