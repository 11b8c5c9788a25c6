package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func testMerge(t *testing.T, cfg config) {
	ctx := context.Background()
	newStore := cfg.newStore

	// listByContact is every conversation of a contact, through the list.
	listByContact := func(t *testing.T, s store.Store, contactID int64) []convo.Conversation {
		t.Helper()
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{ContactID: contactID, Page: store.After("", store.MaxPerPage)})
		if err != nil {
			t.Fatalf("list by contact: %v", err)
		}
		return page.Items
	}

	t.Run("MergeContacts/MovesConversations", func(t *testing.T) {
		is := is.New(t)
		s, keep, kept := seeded(t, newStore)
		gone := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Johnny", Email: "johnny@example.com"})
		moved := mustCreateConversation(t, s, 1, gone.ID)
		mustAddMessage(t, s, 1, moved.ID, text("hello from my other address"))
		// Read the rows once, so that a store that caches them holds them.
		before, err := s.ListConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(len(before.Items), 2) // both conversations listed

		got, err := s.MergeContacts(ctx, 1, keep.ID, gone.ID)
		is.NoErr(err)
		is.Equal(got.ID, keep.ID) // the first contact is returned

		list := listByContact(t, s, keep.ID)
		is.Equal(len(list), 2) // the second's conversation is the first's now
		after, err := s.ListConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		for _, c := range after.Items {
			is.Equal(c.ContactID, keep.ID)        // every cached row has the new contact
			is.Equal(c.Contact.Email, keep.Email) // as it is now
			is.Equal(c.Contact.Nickname, "")      // nothing to take
			is.Equal(c.Contact.FirstName, "John") // the first's name
			is.True(c.ID == kept.ID || c.ID == moved.ID)
		}
		conv, err := s.GetConversation(ctx, 1, moved.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(conv.ContactID, keep.ID)             // moved
		is.Equal(countMessages(t, s, 1, moved.ID), 1) // with its message
		msgs, err := s.ListMessages(ctx, 1, moved.ID, store.MessageFilter{})
		is.NoErr(err)
		is.Equal(msgs.Items[0].ContactID, keep.ID) // whose contact follows
	})

	t.Run("MergeContacts/FirstKeepsItsFields", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		active := fixedTime.Add(-time.Hour).Truncate(time.Microsecond)
		keep := mustCreateContact(t, s, 1, convo.NewContact{
			FirstName: "Ada", LastName: "Lovelace", Nickname: "ada", Email: "ada@example.com", Phone: "+442079460000",
			Identifier: "crm-1", AvatarURL: "https://example.com/ada.png", LastActivityAt: active,
		})
		gone := mustCreateContact(t, s, 1, convo.NewContact{
			FirstName: "Augusta", LastName: "King", Nickname: "countess", Email: "augusta@example.com",
			Phone: "+442079460001", Identifier: "crm-2", AvatarURL: "https://example.com/augusta.png",
			LastActivityAt: active.Add(-time.Minute),
		})
		got, err := s.MergeContacts(ctx, 1, keep.ID, gone.ID)
		is.NoErr(err)
		want := keep
		want.UpdatedAt = got.UpdatedAt
		is.Equal(got, want)   // every field the first had, unchanged
		is.True(!got.Blocked) // not blocked: neither was
		again, err := s.GetContact(ctx, 1, keep.ID)
		is.NoErr(err)
		is.Equal(again, got) // stored as returned
	})

	t.Run("MergeContacts/TakesMissingFields", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		keep := mustCreateContact(t, s, 1, convo.NewContact{Email: "ada@example.com",
			LastActivityAt: fixedTime.Add(-2 * time.Hour)})
		later := fixedTime.Add(-time.Hour).Truncate(time.Microsecond)
		gone := mustCreateContact(t, s, 1, convo.NewContact{
			FirstName: "Ada", LastName: "Lovelace", Nickname: "ada", Email: "countess@example.com",
			Phone: "+44 20 7946 0000", Identifier: "crm-2", AvatarURL: "https://example.com/ada.png", Blocked: true,
			LastActivityAt: later,
		})
		got, err := s.MergeContacts(ctx, 1, keep.ID, gone.ID)
		is.NoErr(err)
		is.Equal(got.CompleteName(), "Ada Lovelace")                       // the names, together
		is.Equal(got.Nickname, "ada")                                      // the nickname
		is.Equal(got.Email, "ada@example.com")                             // its own email
		is.Equal(got.Phone, "+442079460000")                               // the phone
		is.Equal(got.Identifier, "crm-2")                                  // the identifier
		is.Equal(got.AvatarURL, "https://example.com/ada.png")             // the avatar
		is.True(got.Blocked)                                               // blocked when either was
		is.True(got.LastActivityAt.Equal(later))                           // the later activity
		is.True(got.UpdatedAt.Equal(fixedTime.Truncate(time.Microsecond))) // the call's time
		again, err := s.GetContact(ctx, 1, keep.ID)
		is.NoErr(err)
		is.Equal(again, got) // stored as returned
		found, err := s.ListContacts(ctx, 1, store.ContactFilter{Query: "lovelace"})
		is.NoErr(err)
		is.Equal(len(found.Items), 1)        // found by the name it took
		is.Equal(found.Items[0].ID, keep.ID) // the first contact
	})

	t.Run("MergeContacts/NamesTogether", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		keep := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada"})
		gone := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Bob", LastName: "Smith"})
		got, err := s.MergeContacts(ctx, 1, keep.ID, gone.ID)
		is.NoErr(err)
		is.Equal(got.CompleteName(), "Ada") // a name is kept whole, never half of each
	})

	t.Run("MergeContacts/AttributesFirstWinsKeyByKey", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		keep := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada",
			CustomAttributes:     convo.Attributes{"plan": "pro", "seats": 3.0},
			AdditionalAttributes: convo.Attributes{"city": "London"},
		})
		gone := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada",
			CustomAttributes:     convo.Attributes{"plan": "free", "region": "eu"},
			AdditionalAttributes: convo.Attributes{"city": "Paris", "browser": "firefox"},
		})
		got, err := s.MergeContacts(ctx, 1, keep.ID, gone.ID)
		is.NoErr(err)
		is.Equal(got.CustomAttributes, convo.Attributes{"plan": "pro", "seats": 3.0, "region": "eu"}) // first wins, second adds
		is.Equal(got.AdditionalAttributes, convo.Attributes{"city": "London", "browser": "firefox"})  // likewise
		again, err := s.GetContact(ctx, 1, keep.ID)
		is.NoErr(err)
		is.Equal(again, got) // stored as returned
	})

	t.Run("MergeContacts/UniqueFieldsHoldAfter", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		keep := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada", Email: "ada@example.com"})
		gone := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada", Email: "countess@example.com",
			Phone: "+442079460000", Identifier: "crm-2"})
		got, err := s.MergeContacts(ctx, 1, keep.ID, gone.ID)
		is.NoErr(err)
		is.Equal(got.Identifier, "crm-2") // taken from the second
		_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "X", Email: "ADA@example.com"})
		is.True(isConflict(err)) // the first's email is still the first's
		_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "X", Phone: "+442079460000"})
		is.True(isConflict(err)) // the phone it took is its own now
		_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "X", Identifier: "crm-2"})
		is.True(isConflict(err)) // and the identifier
		freed := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Y", Email: "countess@example.com"})
		is.True(freed.ID > gone.ID) // the second's email, not taken, is free again

		// A first contact with no email takes the second's: no one else may use it.
		keep2 := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Grace"})
		gone2 := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Grace", Email: "grace@example.com"})
		got, err = s.MergeContacts(ctx, 1, keep2.ID, gone2.ID)
		is.NoErr(err)
		is.Equal(got.Email, "grace@example.com") // taken
		_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Z", Email: "Grace@example.com"})
		is.True(isConflict(err)) // held by the first
		found, err := s.ListContacts(ctx, 1, store.ContactFilter{Email: "grace@example.com"})
		is.NoErr(err)
		is.Equal(len(found.Items), 1)         // one holder
		is.Equal(found.Items[0].ID, keep2.ID) // the first
	})

	t.Run("MergeContacts/SecondIsGone", func(t *testing.T) {
		is := is.New(t)
		s, keep, _ := seeded(t, newStore)
		gone := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Johnny"})
		mustCreateConversation(t, s, 1, gone.ID)
		_, err := s.MergeContacts(ctx, 1, keep.ID, gone.ID)
		is.NoErr(err)
		_, err = s.GetContact(ctx, 1, gone.ID)
		is.True(isNotFound(err)) // deleted
		_, err = s.ListConversations(ctx, 1, store.ConversationFilter{ContactID: gone.ID})
		is.True(isNotFound(err)) // not a contact any more
		page, err := s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 1) // only the first is left
		found, err := s.ListContacts(ctx, 1, store.ContactFilter{Query: "johnny"})
		is.NoErr(err)
		is.Equal(len(found.Items), 0) // nor found by search
		_, err = s.MergeContacts(ctx, 1, keep.ID, gone.ID)
		is.True(isNotFound(err)) // merging it again
	})

	t.Run("MergeContacts/CountsAndUnreadExact", func(t *testing.T) {
		is := is.New(t)
		s, keep, kept := seeded(t, newStore)
		agent := uuid.New()
		gone := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Johnny"})
		moved := mustCreateConversation(t, s, 1, gone.ID)
		resolved := mustCreateConversation(t, s, 1, gone.ID)
		for _, id := range []int64{kept.ID, moved.ID} {
			_, err := s.Assign(ctx, 1, id, convo.Assignment{AssigneeID: agent, Quiet: true})
			is.NoErr(err)
			mustAddMessage(t, s, 1, id, text("hello"))
		}
		_, err := s.ChangeLabels(ctx, 1, moved.ID, convo.LabelChange{Add: []string{"billing"}, Quiet: true})
		is.NoErr(err)
		_, err = s.ChangeStatus(ctx, 1, resolved.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
		is.NoErr(err)
		_, err = s.MarkRead(ctx, 1, kept.ID, agent)
		is.NoErr(err)

		counts := func() (store.Counts, store.Counts, store.Counts, int) {
			all, err := s.CountConversations(ctx, 1, store.ConversationFilter{Agent: agent})
			is.NoErr(err)
			done, err := s.CountConversations(ctx, 1, store.ConversationFilter{Statuses: []convo.Status{convo.StatusResolved}})
			is.NoErr(err)
			billing, err := s.CountConversations(ctx, 1, store.ConversationFilter{Agent: agent, Labels: []string{"billing"}})
			is.NoErr(err)
			unread, err := s.CountUnread(ctx, 1, agent)
			is.NoErr(err)
			return all, done, billing, unread
		}
		all, done, billing, unread := counts()
		is.Equal(all, store.Counts{Mine: 2, Assigned: 2, All: 2}) // two open, assigned
		is.Equal(done.All, 1)                                     // one resolved
		is.Equal(billing.Mine, 1)                                 // one labelled
		is.Equal(unread, 1)                                       // one unread

		_, err = s.MergeContacts(ctx, 1, keep.ID, gone.ID)
		is.NoErr(err)
		all2, done2, billing2, unread2 := counts()
		is.Equal(all2, all)         // status counts unchanged
		is.Equal(done2, done)       // in every status
		is.Equal(billing2, billing) // label counts unchanged
		is.Equal(unread2, unread)   // unread unchanged

		list := listByContact(t, s, keep.ID)
		is.Equal(len(list), 3) // every status, one contact
		byID := map[int64]convo.Conversation{}
		for _, c := range list {
			byID[c.ID] = c
		}
		is.Equal(byID[kept.ID].UnreadCount, int64(0))            // read stays read
		is.Equal(byID[moved.ID].UnreadCount, int64(1))           // unread stays unread
		is.Equal(byID[moved.ID].Labels, []string{"billing"})     // labels stay
		is.Equal(byID[resolved.ID].Status, convo.StatusResolved) // status stays
		cfg.checkInvariants(t, s)                                // every kept count equals a recount
	})

	t.Run("MergeContacts/AllOrNothing", func(t *testing.T) {
		is := is.New(t)
		s, keep, _ := seeded(t, newStore)
		big := strings.Repeat("x", convo.MaxAttributesLength*2/3)
		_, err := s.UpdateContact(ctx, 1, keep.ID, convo.ContactUpdate{CustomAttributes: &convo.Attributes{"a": big}})
		is.NoErr(err)
		keep, err = s.GetContact(ctx, 1, keep.ID)
		is.NoErr(err)
		gone := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Johnny", Phone: "+442079460000",
			CustomAttributes: convo.Attributes{"b": big}})
		moved := mustCreateConversation(t, s, 1, gone.ID)

		_, err = s.MergeContacts(ctx, 1, keep.ID, gone.ID)
		wantInvalid(t, err, "custom_attributes") // together over the limit
		again, err := s.GetContact(ctx, 1, keep.ID)
		is.NoErr(err)
		is.Equal(again, keep) // the first unchanged
		still, err := s.GetContact(ctx, 1, gone.ID)
		is.NoErr(err)
		is.Equal(still, gone) // the second still there
		conv, err := s.GetConversation(ctx, 1, moved.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(conv.ContactID, gone.ID) // its conversation not moved
		is.Equal(conv.UpdatedAt, moved.UpdatedAt)
	})

	t.Run("MergeContacts/OtherAccountIsNotFound", func(t *testing.T) {
		is := is.New(t)
		s, keep, conv := seeded(t, newStore)
		other := mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Johnny", Email: "johnny@example.com"})
		_, err := s.MergeContacts(ctx, 1, keep.ID, other.ID)
		is.True(isNotFound(err)) // the second in another account
		_, err = s.MergeContacts(ctx, 2, keep.ID, other.ID)
		is.True(isNotFound(err)) // the first in another account
		_, err = s.MergeContacts(ctx, 1, keep.ID, keep.ID+100)
		is.True(isNotFound(err)) // missing
		still, err := s.GetContact(ctx, 2, other.ID)
		is.NoErr(err)
		is.Equal(still, other) // untouched
		again, err := s.GetContact(ctx, 1, keep.ID)
		is.NoErr(err)
		is.Equal(again, keep) // untouched
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got.ContactID, keep.ID) // not moved
	})

	t.Run("MergeContacts/SameIDIsInvalid", func(t *testing.T) {
		is := is.New(t)
		s, keep, _ := seeded(t, newStore)
		_, err := s.MergeContacts(ctx, 1, keep.ID, keep.ID)
		wantInvalid(t, err, "merge_id")
		again, err := s.GetContact(ctx, 1, keep.ID)
		is.NoErr(err)
		is.Equal(again, keep) // untouched
	})
}
