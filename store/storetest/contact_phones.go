package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// badPhones are numbers a store refuses: not E.164 after dropping spaces,
// dashes, dots and parentheses.
var badPhones = map[string]string{
	"NoPlus":     "123456789",
	"Letters":    "abc+12312312321",
	"FirstZero":  "+0 20 7946 0000",
	"TooLong":    "+1234 5678 9012 3456",
	"PlusAlone":  "+",
	"PlusInside": "44+2079460000",
}

// testContactPhones checks that phone numbers are stored in E.164 form and
// unique per account (as Chatwoot's contacts), and found by ContactFilter.Phone.
func testContactPhones(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("CreateContact/PhoneNormalized", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		for in, want := range map[string]string{
			"+44 20 7946 0000":  "+442079460000",
			"+1 (555) 010-0100": "+15550100100",
			"+33.1.23.45.67.89": "+33123456789",
			"+4930123456":       "+4930123456",
		} {
			c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada", Phone: in})
			is.NoErr(err)
			is.Equal(c.Phone, want) // returned in E.164 form
			got, err := s.GetContact(ctx, 1, c.ID)
			is.NoErr(err)
			is.Equal(got.Phone, want) // and stored so
		}
	})

	t.Run("CreateContact/PhoneBadFormIsNamed", func(t *testing.T) {
		s := newStore(t, fixed)
		for name, phone := range badPhones {
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				_, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada", Phone: phone})
				wantInvalid(t, err, "phone")
				var ve *convo.ValidationError
				errors.As(err, &ve)
				fe, _ := ve.Field("phone")
				is.True(strings.Contains(fe.Message, "E.164")) // the message says the form
			})
		}
		is := is.New(t)
		page, err := s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 0) // nothing written
	})

	t.Run("CreateContact/PhoneUniquePerAccount", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		ada := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada", Phone: "+442079460000"})
		_, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Bob", Phone: "+44 20 7946-0000"})
		is.True(isConflict(err))                                // the same number, spelt otherwise
		is.True(strings.Contains(err.Error(), "phone number"))  // named
		is.True(strings.Contains(err.Error(), "+442079460000")) // in its stored form
		is.True(strings.Contains(err.Error(), "taken"))         // as taken
		_, err = s.CreateContact(ctx, 2, convo.NewContact{FirstName: "Bob", Phone: "+442079460000"})
		is.NoErr(err) // another account may use it
		for range 3 {
			mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Nobody's phone"}) // blank, many times
		}
		page, err := s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 4) // the refused contact was not written
		got, err := s.GetContact(ctx, 1, ada.ID)
		is.NoErr(err)
		is.Equal(got, ada) // the holder unchanged
	})

	t.Run("UpdateContact/PhoneNormalized", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada", Phone: "+1 555 0100"})
		phone := "+44 (20) 7946.0000"
		got, err := s.UpdateContact(ctx, 1, c.ID, convo.ContactUpdate{Phone: &phone})
		is.NoErr(err)
		is.Equal(got.Phone, "+442079460000") // returned in E.164 form
		again, err := s.GetContact(ctx, 1, c.ID)
		is.NoErr(err)
		is.Equal(again, got) // stored as returned
		same := "+442079460000"
		_, err = s.UpdateContact(ctx, 1, c.ID, convo.ContactUpdate{Phone: &same})
		is.NoErr(err) // its own number is not taken
		for name, bad := range badPhones {
			_, err := s.UpdateContact(ctx, 1, c.ID, convo.ContactUpdate{Phone: &bad})
			if !errors.Is(err, convo.ErrInvalid) {
				t.Fatalf("%s: %q: want ErrInvalid, got %v", name, bad, err)
			}
			wantInvalid(t, err, "phone")
		}
		again, err = s.GetContact(ctx, 1, c.ID)
		is.NoErr(err)
		is.Equal(again.Phone, "+442079460000") // the refused updates wrote nothing
	})

	t.Run("UpdateContact/PhoneTakenIsConflict", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada", Phone: "+442079460000"})
		bob := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Bob", Phone: "+15550100100"})
		name, taken := "Robert", "+44 20 7946 0000"
		_, err := s.UpdateContact(ctx, 1, bob.ID, convo.ContactUpdate{FirstName: &name, Phone: &taken})
		is.True(isConflict(err))                               // Ada's number
		is.True(strings.Contains(err.Error(), "phone number")) // named
		got, err := s.GetContact(ctx, 1, bob.ID)
		is.NoErr(err)
		is.Equal(got, bob) // nothing written, not even the name
		other := mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Cy", Phone: "+15550100100"})
		_, err = s.UpdateContact(ctx, 2, other.ID, convo.ContactUpdate{Phone: &taken})
		is.NoErr(err) // taken in account 1, free in account 2
		empty := ""
		_, err = s.UpdateContact(ctx, 1, bob.ID, convo.ContactUpdate{Phone: &empty})
		is.NoErr(err) // cleared
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Dee"})
		_, err = s.UpdateContact(ctx, 1, c.ID, convo.ContactUpdate{Phone: &empty})
		is.NoErr(err) // blank, held by Bob and Dee both
	})

	t.Run("ListContacts/Phone", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		ada := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada", Phone: "+44 20 7946 0000", Email: "Ada@Example.org"})
		mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Bob", Phone: "+15550100100", Email: "bob@example.org"})
		mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Cy"})
		mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Ada", Phone: "+442079460000", Email: "ada@example.org"})
		for _, f := range []store.ContactFilter{
			{Phone: "+442079460000"},
			{Phone: "+44 20 7946 0000"},
			{Phone: "+44 (20) 7946-0000"},
			{Email: "ada@example.org"},
			{Email: "ADA@EXAMPLE.ORG"},
			{Phone: "+442079460000", Email: "ada@example.org"},
			{Phone: "+442079460000", Query: "ada"},
		} {
			page, err := s.ListContacts(ctx, 1, f)
			is.NoErr(err)
			is.Equal(len(page.Items), 1) // one contact, of this account
			is.Equal(page.Items[0], ada) // Ada
			is.Equal(page.Meta.Total, 1) // counted alone
		}
		for _, f := range []store.ContactFilter{
			{Phone: "+4420794600"},
			{Phone: "+442079460000", Email: "bob@example.org"},
			{Phone: "+442079460000", Query: "bob"},
			{Email: "nobody@example.org"},
		} {
			page, err := s.ListContacts(ctx, 1, f)
			is.NoErr(err)
			is.Equal(len(page.Items), 0) // exact, and every field narrows
		}
		_, err := s.ListContacts(ctx, 1, store.ContactFilter{Phone: "0044 20 7946 0000"})
		wantInvalid(t, err, "phone") // a number that could never be stored
	})

	t.Run("Import/Phone", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		records := func(phones ...string) func(func(store.Record, error) bool) {
			return func(yield func(store.Record, error) bool) {
				for i, phone := range phones {
					c := convo.Contact{ID: int64(i + 1), FirstName: "Ada", Phone: phone, CreatedAt: fixedTime, UpdatedAt: fixedTime}
					if !yield(store.Record{Contact: &c}, nil) {
						return
					}
				}
			}
		}
		_, err := s.Import(ctx, 1, records("+1 555 0100", "123456789"), store.ImportOptions{})
		wantInvalid(t, err, "line 2: contacts.phone") // a bad number names its line, as any bad record
		_, err = s.Import(ctx, 1, records("+1 555 0100", "+15550100"), store.ImportOptions{})
		is.True(isConflict(err)) // two contacts of one number
		page, err := s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 0) // nothing written by either
		_, err = s.Import(ctx, 1, records("+1 555 0100", ""), store.ImportOptions{})
		is.NoErr(err)
		got, err := s.GetContact(ctx, 1, 1)
		is.NoErr(err)
		is.Equal(got.Phone, "+15550100") // imported in E.164 form
		_, err = s.Import(ctx, 1, records("+15550100", ""), store.ImportOptions{})
		is.NoErr(err) // the same records again, spelt as stored: unchanged
	})
}
