package convo_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
)

func TestNormalizePhone(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},                           // blank: no phone
		{"   ", "", true},                        // spaces only: blank too
		{"+442079460000", "+442079460000", true}, // already E.164
		{"+44 20 7946 0000", "+442079460000", true},
		{"+1 (555) 010-0100", "+15550100100", true},
		{"+33.1.23.45.67.89", "+33123456789", true},
		{" +49 30-1234 ", "+49301234", true},
		{"+1", "+1", true},                             // one digit
		{"+123456789012345", "+123456789012345", true}, // fifteen digits
		{"+1234567890123456", "", false},               // sixteen
		{"123456789", "", false},                       // no '+'
		{"abc+12312312321", "", false},                 // letters
		{"+1 555 CALL NOW", "", false},
		{"+0 20 7946", "", false}, // first digit 0
		{"+", "", false},          // no digits
		{"++44 20", "", false},
		{"44+20", "", false},
		{"+44\t20", "", false}, // only spaces, dashes, dots, parentheses
		{"+44/20", "", false},
		{"+٤٤", "", false}, // digits of other scripts
	} {
		t.Run(tt.in, func(t *testing.T) {
			is := is.New(t)
			got, err := convo.NormalizePhone(tt.in)
			if tt.ok {
				is.NoErr(err)
				is.Equal(got, tt.want) // the stored form
				return
			}
			var ve *convo.ValidationError
			is.True(errors.As(err, &ve))              // a *ValidationError
			is.True(errors.Is(err, convo.ErrInvalid)) // so ErrInvalid
			fe, ok := ve.Field("phone")
			is.True(ok)                                    // named phone
			is.Equal(fe.Code, convo.CodeInvalid)           // its code
			is.True(strings.Contains(fe.Message, "E.164")) // says the form
			is.Equal(got, "")                              // nothing to store
		})
	}
}

func TestContactPhoneValidation(t *testing.T) {
	is := is.New(t)
	err := convo.NewContact{FirstName: "Ada", Phone: "123456789"}.Validate()
	var ve *convo.ValidationError
	is.True(errors.As(err, &ve))
	fe, ok := ve.Field("phone")
	is.True(ok)                                    // a new contact's phone is checked
	is.True(strings.Contains(fe.Message, "E.164")) // with the form in the message
	is.NoErr(convo.NewContact{FirstName: "Ada", Phone: "+44 20 7946 0000"}.Validate())

	// A number stored before the rule: an update that leaves it passes, one
	// that sets a bad number does not.
	old := convo.Contact{FirstName: "Ada", Phone: "123456789"}
	name, same, bad, good := "Ada L.", "123456789", "0044 20", "+44 20"
	is.NoErr(convo.ContactUpdate{FirstName: &name}.Validate(old)) // phone untouched
	is.NoErr(convo.ContactUpdate{Phone: &same}.Validate(old))     // given back as read
	is.True(errors.Is(convo.ContactUpdate{Phone: &bad}.Validate(old), convo.ErrInvalid))
	is.NoErr(convo.ContactUpdate{Phone: &good}.Validate(old))
}
