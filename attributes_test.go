package convo_test

import (
	"errors"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
)

func TestAttributesRejectInvalidUTF8(t *testing.T) {
	is := is.New(t)
	for name, attrs := range map[string]convo.Attributes{
		"key":    {"\xff": 1},
		"value":  {"k": "\xfe"},
		"nested": {"k": map[string]any{"inner": []any{"ok", "\xff"}}},
	} {
		err := convo.NewContact{FirstName: "A", CustomAttributes: attrs}.Validate()
		is.True(errors.Is(err, convo.ErrInvalid)) // rejected, not silently replaced
		var ve *convo.ValidationError
		is.True(errors.As(err, &ve))
		_, ok := ve.Field("custom_attributes")
		is.True(ok) // naming the field
		_ = name
	}
	is.NoErr(convo.NewContact{FirstName: "A", CustomAttributes: convo.Attributes{"k": []any{"é", 1.5, nil}}}.Validate())
}

func TestMessageStatusTransitions(t *testing.T) {
	is := is.New(t)
	for _, tc := range []struct {
		from, to convo.MessageStatus
		ok       bool
	}{
		{convo.StatusSent, convo.StatusDelivered, true},
		{convo.StatusDelivered, convo.StatusRead, true},
		{convo.StatusSent, convo.StatusRead, true},
		{convo.StatusRead, convo.StatusDelivered, false},
		{convo.StatusRead, convo.StatusSent, false},
		{convo.StatusDelivered, convo.StatusSent, false},
		{convo.StatusSent, convo.StatusFailed, true},
		{convo.StatusRead, convo.StatusFailed, false},
		{convo.StatusFailed, convo.StatusDelivered, true},
		{convo.StatusRead, convo.StatusRead, true},
	} {
		is.Equal(tc.from.CanMoveTo(tc.to), tc.ok) // the delivery status moves forward only
	}
}

func TestContactNames(t *testing.T) {
	is := is.New(t)
	is.Equal(convo.Contact{FirstName: "John", LastName: "Doe"}.CompleteName(), "John Doe")
	is.Equal(convo.Contact{FirstName: "John", LastName: "Doe"}.Initials(), "JD")
	is.Equal(convo.Contact{FirstName: "Soledad"}.CompleteName(), "Soledad")
	is.Equal(convo.Contact{FirstName: "Soledad"}.Initials(), "S")
	is.Equal(convo.Contact{Nickname: "zed"}.CompleteName(), "zed")
	is.Equal(convo.Contact{Nickname: "zed"}.Initials(), "Z")
	is.Equal(convo.Contact{FirstName: "élodie", LastName: "ñu"}.Initials(), "ÉÑ")
	is.Equal(convo.Contact{Email: "x@y.z"}.Initials(), "")
}

func TestMessageTypeMapping(t *testing.T) {
	is := is.New(t)
	for code, typ := range []convo.MessageType{convo.MessageIncoming, convo.MessageOutgoing, convo.MessageActivity, convo.MessageTemplate} {
		is.Equal(typ.Code(), code)                     // Chatwoot's numeric message_type
		is.Equal(convo.MessageTypeFromCode(code), typ) // and back
	}
	is.Equal(convo.MessageTypeFromCode(9), convo.MessageType(""))
	is.Equal(convo.MessageTypeFromWrittenByMe(true), convo.MessageOutgoing) // Monica's written_by_me
	is.Equal(convo.MessageTypeFromWrittenByMe(false), convo.MessageIncoming)
	is.True(convo.Message{Type: convo.MessageTemplate}.WrittenByMe())
	is.True(!convo.Message{Type: convo.MessageActivity}.WrittenByMe())
}
