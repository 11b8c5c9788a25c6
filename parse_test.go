package convo_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
)

func TestParseEnums(t *testing.T) {
	for _, tc := range []struct {
		field string
		parse func(string) (string, error)
		good  []string
	}{
		{"status", parser(convo.ParseStatus), []string{"open", "resolved", "pending", "snoozed"}},
		{"priority", parser(convo.ParsePriority), []string{"", "low", "medium", "high", "urgent"}},
		{"message_type", parser(convo.ParseMessageType), []string{"incoming", "outgoing", "activity", "template"}},
		{"status", parser(convo.ParseMessageStatus), []string{"sent", "delivered", "read", "failed"}},
		{"content_type", parser(convo.ParseContentType), []string{"text", "input_select", "cards", "sticker"}},
		{"sender_type", parser(convo.ParseSenderType), []string{"contact", "user", "system"}},
		{"channel", parser(convo.ParseChannel), []string{"email", "whatsapp", "matrix", "line_2"}},
	} {
		t.Run(tc.field, func(t *testing.T) {
			is := is.New(t)
			for _, s := range tc.good {
				got, err := tc.parse(s)
				is.NoErr(err)    // a value of the enum parses
				is.Equal(got, s) // as itself
			}
			for _, s := range []string{"Open", "no pe", " open", "\xff"} {
				_, err := tc.parse(s)
				var ve *convo.ValidationError
				is.True(errors.As(err, &ve)) // anything else is a ValidationError
				fe, ok := ve.Field(tc.field)
				is.True(ok)                          // naming the field
				is.Equal(fe.Code, convo.CodeUnknown) // as unknown
			}
		})
	}
}

// parser makes a Parse function comparable across enum types.
func parser[E ~string](parse func(string) (E, error)) func(string) (string, error) {
	return func(s string) (string, error) {
		e, err := parse(s)
		return string(e), err
	}
}

// Text from outside (a form, a URL) is checked by the enum's Parse
// function: a bad value is a ValidationError naming the field.
func ExampleParseStatus() {
	s, err := convo.ParseStatus("snoozed")
	fmt.Println(s, err)
	_, err = convo.ParseStatus("closed")
	fmt.Println(err)
	// Output:
	// snoozed <nil>
	// convo: invalid input: status: unknown value "closed": want open, resolved, pending or snoozed
}
