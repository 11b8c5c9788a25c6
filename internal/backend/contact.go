package backend

import (
	"fmt"
	"time"

	"github.com/convokit/convo"
)

// NewContact is the contact that in, validated, describes in account
// accountID, created at now, before it is stored.
func NewContact(accountID int64, in convo.NewContact, now time.Time) convo.Contact {
	phone, _ := convo.NormalizePhone(in.Phone) // validated
	return convo.Contact{
		AccountID: accountID, FirstName: in.FirstName, LastName: in.LastName, Nickname: in.Nickname,
		Email: in.Email, Phone: phone, Identifier: in.Identifier, AvatarURL: in.AvatarURL, Blocked: in.Blocked,
		CustomAttributes: in.CustomAttributes, AdditionalAttributes: in.AdditionalAttributes,
		LastActivityAt: StoredTime(in.LastActivityAt), CreatedAt: now, UpdatedAt: now,
	}
}

// UpdatedContact is old with up applied at now, before it is stored, or
// why up does not apply to it.
func UpdatedContact(old convo.Contact, up convo.ContactUpdate, now time.Time) (convo.Contact, error) {
	if err := up.Validate(old); err != nil {
		return convo.Contact{}, err
	}
	c := up.Apply(old)
	if up.Phone != nil && *up.Phone != old.Phone {
		c.Phone, _ = convo.NormalizePhone(c.Phone) // validated
	}
	c.LastActivityAt = StoredTime(c.LastActivityAt)
	c.UpdatedAt = now
	return c, nil
}

// ContactClash is the error of contact c meeting contact id of the same
// account on its email, else its phone, else its identifier.
func ContactClash(c convo.Contact, id int64, email, phone bool) error {
	switch {
	case email:
		return fmt.Errorf("%w: email %q is used by contact %d", convo.ErrConflict, c.Email, id)
	case phone:
		return fmt.Errorf("%w: phone number %q is taken by contact %d", convo.ErrConflict, c.Phone, id)
	default:
		return fmt.Errorf("%w: identifier %q is used by contact %d", convo.ErrConflict, c.Identifier, id)
	}
}

// CheckContactCascade refuses to delete a contact with conversations
// (n of them) unless the call asks for a cascade.
func CheckContactCascade(contactID int64, n int, cascade bool) error {
	if n > 0 && !cascade {
		return fmt.Errorf("%w: contact %d has %d conversations; delete them first or ask for a cascade", convo.ErrConflict, contactID, n)
	}
	return nil
}
