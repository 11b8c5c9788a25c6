package backend

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/convokit/convo"
)

// JSON columns hold attributes, attachments and external ids as text.

// JSONText encodes v; an empty value is stored as empty as its kind allows.
func JSONText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("convo: encode JSON column: %w", err)
	}
	if string(b) == "null" {
		return "{}", nil
	}
	return string(b), nil
}

// AttributesJSON encodes the custom and additional attributes of a
// contact or a conversation.
func AttributesJSON(custom, additional convo.Attributes) (string, string, error) {
	c, err1 := JSONText(custom)
	a, err2 := JSONText(additional)
	return c, a, errors.Join(err1, err2)
}

// FromJSON decodes a JSON column, giving the zero value when the column is
// an empty object or array. It returns the value, rather than filling in a
// field, so that the struct holding the field can stay on the stack.
func FromJSON[T any](text string) (T, error) {
	var v T
	if text == "" || text == "{}" || text == "[]" || text == "null" {
		return v, nil
	}
	p := new(T)
	if err := json.Unmarshal([]byte(text), p); err != nil {
		return v, fmt.Errorf("convo: decode JSON column: %w", err)
	}
	return *p, nil
}

// MessageJSON holds the stored forms of a message's JSON columns.
type MessageJSON struct{ ContentAttributes, Attachments, ExternalIDs, Additional string }

// EncodeMessageJSON encodes a message's JSON columns.
func EncodeMessageJSON(m convo.Message) (MessageJSON, error) {
	var j MessageJSON
	var errs [4]error
	j.ContentAttributes, errs[0] = JSONText(m.ContentAttributes)
	j.Attachments, errs[1] = JSONText(m.Attachments)
	j.ExternalIDs, errs[2] = JSONText(m.ExternalSourceIDs)
	j.Additional, errs[3] = JSONText(m.AdditionalAttributes)
	return j, errors.Join(errs[:]...)
}

// Decode sets m's JSON fields from their stored forms.
func (j MessageJSON) Decode(m *convo.Message) error {
	var errs [4]error
	m.ContentAttributes, errs[0] = FromJSON[convo.Attributes](j.ContentAttributes)
	m.Attachments, errs[1] = FromJSON[[]convo.Attachment](j.Attachments)
	m.ExternalSourceIDs, errs[2] = FromJSON[map[string]string](j.ExternalIDs)
	m.AdditionalAttributes, errs[3] = FromJSON[convo.Attributes](j.Additional)
	return errors.Join(errs[:]...)
}
