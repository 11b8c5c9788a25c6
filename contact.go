package convo

import (
	"maps"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Contact is the outside person a conversation is with (Monica's contact,
// Chatwoot's sender). Contacts belong to one account.
type Contact struct {
	ID        int64 `json:"id"`
	AccountID int64 `json:"account_id"`

	FirstName string `json:"first_name,omitzero"`
	LastName  string `json:"last_name,omitzero"`
	Nickname  string `json:"nickname,omitzero"`

	// Email is unique per account, compared without regard to case.
	Email string `json:"email,omitzero"`
	// Phone is in E.164 form (+442079460000, see NormalizePhone) and
	// unique per account when set. A number stored before that rule keeps
	// its form until it is changed.
	Phone string `json:"phone,omitzero"`
	// Identifier is the host's external id; unique per account when set.
	Identifier string `json:"identifier,omitzero"`
	AvatarURL  string `json:"avatar_url,omitzero"`
	Blocked    bool   `json:"blocked"`

	CustomAttributes     Attributes `json:"custom_attributes"`
	AdditionalAttributes Attributes `json:"additional_attributes"`

	LastActivityAt time.Time `json:"last_activity_at,omitzero"` // zero when never active
	CreatedAt      time.Time `json:"created_at,omitzero"`
	UpdatedAt      time.Time `json:"updated_at,omitzero"`
}

// CompleteName is "First Last", or the nickname when there is no name, as
// Monica's complete_name.
func (c Contact) CompleteName() string {
	name := strings.TrimSpace(strings.TrimSpace(c.FirstName) + " " + strings.TrimSpace(c.LastName))
	if name == "" {
		name = strings.TrimSpace(c.Nickname)
	}
	return name
}

// Initials are the upper-cased first letters of the first and last names
// ("John Doe" gives "JD"), or of the nickname when there is no name.
func (c Contact) Initials() string {
	var b strings.Builder
	for _, part := range []string{c.FirstName, c.LastName} {
		if r, _ := utf8.DecodeRuneInString(strings.TrimSpace(part)); r != utf8.RuneError {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	if b.Len() == 0 {
		if r, _ := utf8.DecodeRuneInString(strings.TrimSpace(c.Nickname)); r != utf8.RuneError {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// NewContact is the input to create a contact. A contact needs at least one
// of a name, nickname, email, phone or identifier. The phone is a number
// NormalizePhone accepts; stores keep its normalised form.
type NewContact struct {
	FirstName  string
	LastName   string
	Nickname   string
	Email      string
	Phone      string
	Identifier string
	AvatarURL  string
	Blocked    bool

	CustomAttributes     Attributes
	AdditionalAttributes Attributes
	LastActivityAt       time.Time
}

// Validate reports every problem of the input as a *ValidationError.
func (c NewContact) Validate() error { return c.validate(true) }

// validate checks the phone's form only when asked: an update that leaves
// a phone as stored does not check it again.
func (c NewContact) validate(phoneForm bool) error {
	var p problems
	if strings.TrimSpace(c.FirstName+c.LastName+c.Nickname+c.Email+c.Phone+c.Identifier) == "" {
		p.add("first_name", CodeRequired, "a contact needs a name, nickname, email, phone or identifier")
	}
	p.text("first_name", c.FirstName, MaxNameLength)
	p.text("last_name", c.LastName, MaxNameLength)
	p.text("nickname", c.Nickname, MaxNameLength)
	p.email("email", c.Email)
	if p.text("phone", c.Phone, MaxNameLength) && phoneForm {
		p.phone("phone", c.Phone)
	}
	p.text("identifier", c.Identifier, MaxNameLength)
	p.url("avatar_url", c.AvatarURL)
	p.attributes("custom_attributes", c.CustomAttributes)
	p.attributes("additional_attributes", c.AdditionalAttributes)
	p.time("last_activity_at", c.LastActivityAt)
	return p.err()
}

// ContactUpdate changes the fields that are not nil; an empty string clears
// an optional field.
type ContactUpdate struct {
	FirstName  *string
	LastName   *string
	Nickname   *string
	Email      *string
	Phone      *string
	Identifier *string
	AvatarURL  *string
	Blocked    *bool

	CustomAttributes     *Attributes
	AdditionalAttributes *Attributes
	LastActivityAt       *time.Time
}

// Apply returns c with the update's fields set. It does not validate.
func (u ContactUpdate) Apply(c Contact) Contact {
	set(&c.FirstName, u.FirstName)
	set(&c.LastName, u.LastName)
	set(&c.Nickname, u.Nickname)
	set(&c.Email, u.Email)
	set(&c.Phone, u.Phone)
	set(&c.Identifier, u.Identifier)
	set(&c.AvatarURL, u.AvatarURL)
	set(&c.Blocked, u.Blocked)
	set(&c.CustomAttributes, u.CustomAttributes)
	set(&c.AdditionalAttributes, u.AdditionalAttributes)
	set(&c.LastActivityAt, u.LastActivityAt)
	return c
}

// Validate reports, as a *ValidationError, every problem of the contact
// the update makes of old (Apply), by the rules of NewContact. A phone the
// update leaves as it was is not checked again: a number stored before
// phones had to be E.164 stays, and the contact can still be updated.
func (u ContactUpdate) Validate(old Contact) error {
	changed := u.Phone != nil && *u.Phone != old.Phone
	return u.Apply(old).AsNew().validate(changed)
}

// AsNew returns the contact's writable fields as a NewContact, so that an
// updated contact is validated by the same rules as a new one.
func (c Contact) AsNew() NewContact {
	return NewContact{
		FirstName: c.FirstName, LastName: c.LastName, Nickname: c.Nickname,
		Email: c.Email, Phone: c.Phone, Identifier: c.Identifier,
		AvatarURL: c.AvatarURL, Blocked: c.Blocked,
		CustomAttributes: c.CustomAttributes, AdditionalAttributes: c.AdditionalAttributes,
		LastActivityAt: c.LastActivityAt,
	}
}

// set assigns *v to *dst when v is not nil: the one rule of every partial update.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Merge is c with other's fields where c has none: the rule of merging two
// contacts of one person (store.Store's MergeContacts). c's names are kept
// as a pair unless it has neither; its nickname, email, phone, identifier
// and avatar each unless empty; it is blocked if either is; its custom and
// additional attributes win key by key, other's other keys are added; its
// last activity is the later of the two.
func (c Contact) Merge(other Contact) Contact {
	if c.FirstName == "" && c.LastName == "" {
		c.FirstName, c.LastName = other.FirstName, other.LastName
	}
	for _, f := range []struct{ dst, src *string }{
		{&c.Nickname, &other.Nickname}, {&c.Email, &other.Email}, {&c.Phone, &other.Phone},
		{&c.Identifier, &other.Identifier}, {&c.AvatarURL, &other.AvatarURL},
	} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	c.Blocked = c.Blocked || other.Blocked
	c.CustomAttributes = mergedAttributes(c.CustomAttributes, other.CustomAttributes)
	c.AdditionalAttributes = mergedAttributes(c.AdditionalAttributes, other.AdditionalAttributes)
	if other.LastActivityAt.After(c.LastActivityAt) {
		c.LastActivityAt = other.LastActivityAt
	}
	return c
}

// mergedAttributes is first with second's other keys added.
func mergedAttributes(first, second Attributes) Attributes {
	if len(second) == 0 {
		return first
	}
	out := make(Attributes, len(first)+len(second))
	maps.Copy(out, second)
	maps.Copy(out, first)
	return out
}
