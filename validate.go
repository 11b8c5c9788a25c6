package convo

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on stored values, enforced by the Validate methods.
const (
	MaxNameLength       = 255        // bytes in a name, email, phone, identifier, source id
	MaxURLLength        = 2048       // bytes in a URL
	MaxContentLength    = 256 * 1024 // bytes in a message's content
	MaxAttributesLength = 64 * 1024  // bytes of an attributes object, as JSON
	MaxLabelLength      = 64         // bytes in a label
	MaxLabels           = 64         // labels on one conversation
	MaxAttachments      = 32         // attachments on one message
	MaxReactionLength   = 64         // bytes in a reaction
	MaxReactionKinds    = 50         // different reactions on one message
	MaxEdits            = 100        // edits of one message's content (its kept versions)
	MaxErrorLength      = 1024       // bytes in a message's external error

	// MaxAttributesDepth is how deep objects and arrays may nest in an
	// attributes object, the object itself being level 1: {"a": [1]} is 2
	// deep. Custom attributes are flat or nearly so (Chatwoot's are a key to
	// a scalar); 32 leaves room for an integration's nested payload while
	// staying far below what a reader decodes (encoding/json refuses more
	// than 10000 levels), so that a stored record can always be read back,
	// and it bounds the walk of validation, which also makes an attributes
	// value that contains itself an error rather than endless recursion.
	MaxAttributesDepth = 32
)

// problems collects the FieldErrors of one input.
type problems struct{ list []FieldError }

func (p *problems) add(field, code, format string, args ...any) {
	p.list = append(p.list, FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// err returns nil, or a *ValidationError with everything collected.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &ValidationError{Errors: p.list}
}

// text checks that s is valid UTF-8 with no NUL byte and at most max bytes.
// It reports false when it added a problem.
func (p *problems) text(field, s string, max int) bool {
	switch {
	case !utf8.ValidString(s):
		p.add(field, CodeInvalidUTF8, "must be valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		p.add(field, CodeNULByte, "must not contain a NUL byte")
	case len(s) > max:
		p.add(field, CodeTooLong, "must be at most %d bytes", max)
	default:
		return true
	}
	return false
}

// required is text that must not be blank.
func (p *problems) required(field, s string, max int) {
	if strings.TrimSpace(s) == "" {
		p.add(field, CodeRequired, "is required")
		return
	}
	p.text(field, s, max)
}

func (p *problems) email(field, s string) {
	if s == "" || !p.text(field, s, MaxNameLength) {
		return
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>") {
		p.add(field, CodeInvalid, "must be an email address")
	}
}

// phone reports a phone number NormalizePhone refuses.
func (p *problems) phone(field, s string) {
	if _, err := NormalizePhone(s); err != nil {
		p.add(field, CodeInvalid, "%s", err.(*ValidationError).Errors[0].Message)
	}
}

func (p *problems) url(field, s string) {
	if s == "" || !p.text(field, s, MaxURLLength) {
		return
	}
	if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
		p.add(field, CodeInvalid, "must be an http or https URL")
	}
}

func (p *problems) id(field string, id int64) {
	if id < 0 {
		p.add(field, CodeOutOfRange, "must not be negative")
	}
}

func (p *problems) requiredID(field string, id int64) {
	if id == 0 {
		p.add(field, CodeRequired, "is required")
	} else {
		p.id(field, id)
	}
}

// Times must fit the stores' fixed-width form: years 1 to 9999.
func (p *problems) time(field string, t time.Time) {
	if t.IsZero() {
		return
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		p.add(field, CodeOutOfRange, "must be between years 1 and 9999")
	}
}

func (p *problems) requiredTime(field string, t time.Time) {
	if t.IsZero() {
		p.add(field, CodeRequired, "is required")
		return
	}
	p.time(field, t)
}

func (p *problems) attributes(field string, a Attributes) {
	if err := a.check(); err != nil {
		code := CodeInvalid
		if errors.Is(err, errTooDeep) {
			code = CodeOutOfRange
		}
		p.add(field, code, "%v", err)
	}
}

// channel reports a channel that is not a token. Any token is a channel,
// so the message says what one may hold rather than "unknown value".
func (p *problems) channel(field string, c Channel) {
	if !c.Valid() {
		p.add(field, CodeInvalid, "must be 1 to 32 of a-z, 0-9 and '_', starting with a letter; got %q", string(c))
	}
}

// enum reports an unknown value of a type with a Valid method.
func (p *problems) enum(field string, v interface{ Valid() bool }, value string) {
	if !v.Valid() {
		p.add(field, CodeUnknown, "unknown value %q", value)
	}
}

// ValidateText checks free text given outside a record (a filter's query, a
// search term): valid UTF-8, no NUL byte, at most max bytes. It returns nil
// or a *ValidationError on field.
func ValidateText(field, s string, max int) error {
	var p problems
	p.text(field, s, max)
	return p.err()
}

// ValidateTime checks a time given outside a record's Validate (an
// imported record's timestamps): required when asked, and within years 1
// to 9999. It returns nil or a *ValidationError on field.
func ValidateTime(field string, t time.Time, required bool) error {
	var p problems
	if required {
		p.requiredTime(field, t)
	} else {
		p.time(field, t)
	}
	return p.err()
}

// ValidateAccountID checks an account id: every call of a store takes one,
// and it must be positive, so that a forgotten id (zero) never becomes an
// account of its own.
func ValidateAccountID(id int64) error {
	if id <= 0 {
		return Invalid("account_id", CodeOutOfRange, "must be positive")
	}
	return nil
}
