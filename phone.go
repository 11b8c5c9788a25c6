package convo

import (
	"fmt"
	"strings"
)

// MaxPhoneDigits is the most digits of an E.164 phone number, the country
// code included.
const MaxPhoneDigits = 15

// phoneSeparators may stand anywhere in a phone number as given, and are
// dropped from the stored form.
const phoneSeparators = " -.()"

// NormalizePhone returns a phone number in the form stores keep: E.164, as
// Chatwoot requires, a '+' then 1 to 15 digits, the first not 0. The input
// may carry spaces, dashes, dots and parentheses, which are dropped:
// "+44 20 7946 0000" and "+1 (555) 010-0100" give "+442079460000" and
// "+15550100100". A blank number is "" (a contact need not have one).
// Anything else, letters, a missing '+', a first digit 0, too many digits,
// is a *ValidationError on field "phone".
//
// Stores apply it to every phone number they write, and match
// store.ContactFilter.Phone in its result, so that one number has one
// spelling per account.
func NormalizePhone(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		if !strings.ContainsRune(phoneSeparators, r) {
			b.WriteRune(r)
		}
	}
	n := b.String()
	if n == "" {
		return "", nil
	}
	if !isE164(n) {
		return "", Invalid("phone", CodeInvalid, fmt.Sprintf(
			"must be a phone number in E.164 form: '+', then 1 to %d digits, the first not 0, such as +442079460000 (spaces, dashes, dots and parentheses allowed)",
			MaxPhoneDigits))
	}
	return n, nil
}

// isE164 reports whether s is '+' and 1 to MaxPhoneDigits digits, the first
// not 0.
func isE164(s string) bool {
	digits, ok := strings.CutPrefix(s, "+")
	if !ok || len(digits) == 0 || len(digits) > MaxPhoneDigits || digits[0] == '0' {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}
