package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func testContacts(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("CreateContact/OK", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		c, err := s.CreateContact(ctx, 1, convo.NewContact{
			FirstName: "John", LastName: "Doe", Nickname: "jd", Email: "John@Example.com", Phone: "+1 555",
			Identifier: "crm-1", AvatarURL: "https://example.com/a.png", Blocked: true,
			CustomAttributes: convo.Attributes{"plan": "pro", "seats": 3.0},
		})
		is.NoErr(err)
		is.True(c.ID > 0)                      // an id is given
		is.Equal(c.AccountID, int64(1))        // in the account
		is.Equal(c.CompleteName(), "John Doe") // Monica's complete_name
		is.Equal(c.Initials(), "JD")           // and initials
		is.True(c.CreatedAt.Equal(fixedTime.Truncate(time.Microsecond)))
		got, err := s.GetContact(ctx, 1, c.ID)
		is.NoErr(err)
		is.Equal(got, c) // what Get returns equals what Create returned
		is.Equal(got.CustomAttributes["seats"], 3.0)
	})

	t.Run("CreateContact/EmailUniqueWithoutCase", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		mustCreateContact(t, s, 1, convo.NewContact{FirstName: "A", Email: "ada@example.com"})
		_, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "B", Email: "ADA@example.com"})
		is.True(isConflict(err)) // the same email in another case
		_, err = s.CreateContact(ctx, 2, convo.NewContact{FirstName: "B", Email: "ada@example.com"})
		is.NoErr(err) // another account may use it
		mustCreateContact(t, s, 1, convo.NewContact{FirstName: "C", Identifier: "x-1"})
		_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "D", Identifier: "x-1"})
		is.True(isConflict(err)) // the same identifier
		page, err := s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 2) // the refused contacts were not written
	})

	t.Run("UpdateContact/Partial", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "John", LastName: "Doe", Email: "j@example.com", Phone: "+1"})
		last, empty := "Smith", ""
		got, err := s.UpdateContact(ctx, 1, c.ID, convo.ContactUpdate{LastName: &last, Phone: &empty})
		is.NoErr(err)
		is.Equal(got.FirstName, "John")      // unset fields unchanged
		is.Equal(got.LastName, "Smith")      // set fields changed
		is.Equal(got.Phone, "")              // an empty string clears
		is.Equal(got.Email, "j@example.com") // unchanged
		again, err := s.GetContact(ctx, 1, c.ID)
		is.NoErr(err)
		is.Equal(again, got) // stored as returned
		other := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Other", Email: "o@example.com"})
		taken := "J@EXAMPLE.COM"
		_, err = s.UpdateContact(ctx, 1, other.ID, convo.ContactUpdate{Email: &taken})
		is.True(isConflict(err)) // another contact's email
		blank := " "
		noName := convo.ContactUpdate{FirstName: &empty, LastName: &empty, Email: &empty, Phone: &blank}
		_, err = s.UpdateContact(ctx, 1, other.ID, noName)
		is.True(err != nil) // a contact with nothing to know it by
		_, err = s.UpdateContact(ctx, 1, c.ID+100, convo.ContactUpdate{LastName: &last})
		is.True(isNotFound(err)) // missing
	})

	t.Run("DeleteContact/RefusedWithConversationsUnlessCascade", func(t *testing.T) {
		is := is.New(t)
		s, c, conv := seeded(t, newStore)
		m := mustAddMessage(t, s, 1, conv.ID, text("hello"))
		err := s.DeleteContact(ctx, 1, c.ID, store.DeleteContactOptions{})
		is.True(isConflict(err)) // the contact has conversations
		_, err = s.GetMessage(ctx, 1, m.ID)
		is.NoErr(err) // nothing was deleted
		is.NoErr(s.DeleteContact(ctx, 1, c.ID, store.DeleteContactOptions{Cascade: true}))
		_, err = s.GetContact(ctx, 1, c.ID)
		is.True(isNotFound(err)) // the contact is gone
		_, err = s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.True(isNotFound(err)) // with its conversations
		_, err = s.GetMessage(ctx, 1, m.ID)
		is.True(isNotFound(err)) // and their messages
		err = s.DeleteContact(ctx, 1, c.ID, store.DeleteContactOptions{})
		is.True(isNotFound(err)) // deleting twice
	})

	t.Run("DeleteContact/WithoutConversations", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		c := mustCreateContact(t, s, 1, convo.NewContact{Nickname: "zed"})
		is.NoErr(s.DeleteContact(ctx, 1, c.ID, store.DeleteContactOptions{}))
		_, err := s.GetContact(ctx, 1, c.ID)
		is.True(isNotFound(err))
	})

	t.Run("ListContacts/Query", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		ada := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada", LastName: "Lovelace"})
		bob := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Bob", Email: "bob@Example.org"})
		cy := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Cy", Phone: "+44 20 7946"}) // stored +44207946
		dee := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Dee", Identifier: "CRM-77"})
		mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Ada", LastName: "Elsewhere"})
		for q, want := range map[string][]int64{
			"":        {ada.ID, bob.ID, cy.ID, dee.ID},
			"LOVE":    {ada.ID},
			"example": {bob.ID},
			"4420":    {cy.ID}, // a phone number is one word, from its country code
			"crm-77":  {dee.ID},
			"nobody":  {},
			"%":       {},
			"_":       {},
		} {
			page, err := s.ListContacts(ctx, 1, store.ContactFilter{Query: q})
			is.NoErr(err)
			got := []int64{}
			for _, c := range page.Items {
				got = append(got, c.ID)
			}
			is.Equal(got, want) // by name, then id; case-insensitive; another account never
			is.Equal(page.Meta.Total, len(want))
		}
	})

	t.Run("ListContacts/Keyset", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		var want []int64
		for _, n := range []string{"a", "b", "b", "c", "d", "e", "e"} {
			want = append(want, mustCreateContact(t, s, 1, convo.NewContact{FirstName: n}).ID)
		}
		var got []int64
		cursor := ""
		for {
			page, err := s.ListContacts(ctx, 1, store.ContactFilter{Page: store.After(cursor, 2)})
			is.NoErr(err)
			for _, c := range page.Items {
				got = append(got, c.ID)
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		is.Equal(got, want) // equal names keep their id order, no repeats
	})
	testContactPhones(t, newStore)
}
