package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func testConversations(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("CreateConversation/OK", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Soledad"})
		id, author, assignee := uuid.New(), uuid.New(), uuid.New()
		happened := time.Date(1977, 6, 9, 2, 0, 51, 0, time.FixedZone("X", 3600))
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{
			ContactID: c.ID, Channel: convo.ChannelTwitter, HappenedAt: happened, UUID: id,
			InboxID: 3, TeamID: 4, AssigneeID: assignee, AuthorID: author, Priority: convo.PriorityHigh,
			Labels: []string{"b", "A"}, Muted: true,
			CustomAttributes: convo.Attributes{"k": "v"}, AdditionalAttributes: convo.Attributes{"browser": "x"},
		})
		is.NoErr(err)
		is.Equal(conv.UUID, id)                          // the caller's uuid
		is.Equal(conv.Status, convo.StatusOpen)          // open by default
		is.True(conv.HappenedAt.Equal(happened))         // happened_at kept
		is.Equal(conv.HappenedAt.Location(), time.UTC)   // returned in UTC
		is.Equal(conv.Labels, []string{"a", "b"})        // normalised labels
		is.Equal(conv.Contact.CompleteName(), "Soledad") // the contact comes along
		is.Equal(conv.AssigneeID, assignee)
		is.Equal(conv.AuthorID, author)
		is.Equal(conv.InboxID, int64(3))
		is.Equal(conv.TeamID, int64(4))
		is.True(conv.Muted)
		is.Equal(conv.MessagesCount, int64(0))
		is.True(conv.LastActivityAt.Equal(conv.CreatedAt)) // activity starts at creation
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got, conv) // Get returns what Create returned
	})

	t.Run("CreateConversation/BlockedContactStartsResolved", func(t *testing.T) {
		is := is.New(t)
		now := fixedTime
		s := newStore(t, func() time.Time { return now })
		blocked := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Blocked", Blocked: true})
		agent := uuid.New()
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: blocked.ID, Channel: convo.ChannelEmail,
			HappenedAt: now, AssigneeID: agent, Status: convo.StatusSnoozed, SnoozedUntil: now.Add(time.Hour)})
		is.NoErr(err)
		is.Equal(conv.Status, convo.StatusResolved) // resolved, whatever was asked
		is.True(conv.SnoozedUntil.IsZero())         // with no snooze
		is.True(conv.Muted)                         // and muted, as the contact is blocked
		is.Equal(conv.MessagesCount, int64(0))      // no activity message at creation
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got, conv) // as stored
		now = now.Add(time.Minute)
		mustAddMessage(t, s, 1, conv.ID, text("let me in"))
		got, err = s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got.Status, convo.StatusResolved) // its incoming messages do not reopen it
		is.Equal(got.UnreadCount, int64(1))
		for status, want := range map[convo.Status]int{convo.StatusOpen: 0, convo.StatusResolved: 1, convo.StatusSnoozed: 0} {
			counts, err := s.CountConversations(ctx, 1, store.ConversationFilter{Statuses: []convo.Status{status}})
			is.NoErr(err)
			is.Equal(counts.All, want) // counted as resolved
		}
		n, err := s.CountUnread(ctx, 1, agent)
		is.NoErr(err)
		is.Equal(n, 1) // its unread message counts
		free := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Free"})
		open := mustCreateConversation(t, s, 1, free.ID)
		is.Equal(open.Status, convo.StatusOpen) // a contact not blocked starts open
		is.True(!open.Muted)
	})

	t.Run("CreateConversation/UUIDConflict", func(t *testing.T) {
		is := is.New(t)
		s, c, conv := seeded(t, newStore)
		_, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelSMS, HappenedAt: fixedTime, UUID: conv.UUID})
		is.True(isConflict(err)) // a uuid in use
	})

	t.Run("CreateConversation/MissingContact", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		_, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: 99, Channel: convo.ChannelSMS, HappenedAt: fixedTime})
		is.True(isNotFound(err)) // no such contact
	})

	t.Run("GetConversation/WithMessages", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		var ids []int64
		for _, c := range []string{"one", "two", "three"} {
			ids = append(ids, mustAddMessage(t, s, 1, conv.ID, text(c)).ID)
		}
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)
		is.Equal(len(got.Messages), 3)
		is.Equal([]int64{got.Messages[0].ID, got.Messages[1].ID, got.Messages[2].ID}, ids) // oldest first
		got, err = s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: 2})
		is.NoErr(err)
		is.Equal([]int64{got.Messages[0].ID, got.Messages[1].ID}, ids[1:]) // the newest two, oldest first
		got, err = s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(len(got.Messages), 0) // none unless asked
		_, err = s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: -2})
		is.True(errors.Is(err, convo.ErrInvalid)) // a bad count
	})

	t.Run("GetConversation/LastMessageWithMessages", func(t *testing.T) {
		// A get that reads messages may find the last non-activity message
		// among them; it must be the same as a get without messages.
		is := is.New(t)
		s := newStore(t, nil)
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "L"})
		conv := mustCreateConversation(t, s, 1, c.ID)
		none, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: 50})
		is.NoErr(err)
		is.True(none.LastNonActivityMessage == nil) // no messages yet
		mustAddMessage(t, s, 1, conv.ID, text("hi"))
		last := mustAddMessage(t, s, 1, conv.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "hello",
			ContentAttributes: convo.Attributes{"in_reply_to": "x"}})
		mustAddMessage(t, s, 1, conv.ID, convo.NewMessage{Type: convo.MessageActivity, Content: "assigned"})
		mustAddMessage(t, s, 1, conv.ID, convo.NewMessage{Type: convo.MessageActivity, Content: "labelled"})
		want, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(want.LastNonActivityMessage.ID, last.ID)
		for _, n := range []int{1, 2, 3, 4, 50} { // 1 and 2: it is older than the messages read
			got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: n})
			is.NoErr(err)
			is.Equal(len(got.Messages), min(n, 4))
			is.Equal(got.LastNonActivityMessage, want.LastNonActivityMessage) // with n messages
			if n >= 3 {
				got.Messages[len(got.Messages)-3].ContentAttributes["in_reply_to"] = "changed"
				is.Equal(got.LastNonActivityMessage.ContentAttributes["in_reply_to"], "x") // shares nothing with Messages
			}
		}
		activities := mustCreateConversation(t, s, 1, c.ID)
		mustAddMessage(t, s, 1, activities.ID, convo.NewMessage{Type: convo.MessageActivity, Content: "assigned"})
		got, err := s.GetConversation(ctx, 1, activities.ID, store.GetConversationOptions{Messages: 50})
		is.NoErr(err)
		is.True(got.LastNonActivityMessage == nil) // activities only
	})

	t.Run("GetConversation/Derived", func(t *testing.T) {
		is := is.New(t)
		now := fixedTime
		s := newStore(t, func() time.Time { return now })
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "W"})
		wa, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelWhatsApp, HappenedAt: now})
		is.NoErr(err)
		is.True(!wa.CanReply) // a WhatsApp window opens with an incoming message
		mustAddMessage(t, s, 1, wa.ID, text("hi"))
		last := mustAddMessage(t, s, 1, wa.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "hello"})
		mustAddMessage(t, s, 1, wa.ID, convo.NewMessage{Type: convo.MessageActivity, Content: "assigned"})
		got, err := s.GetConversation(ctx, 1, wa.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.True(got.CanReply)                            // within 24 hours of the last incoming message
		is.Equal(got.LastNonActivityMessage.ID, last.ID) // the newest message that is not an activity
		is.Equal(got.UnreadCount, int64(1))              // incoming messages since the agent last looked
		is.Equal(got.MessagesCount, int64(3))
		is.Equal(got.LastSeq, int64(3))
		now = now.Add(25 * time.Hour)
		got, err = s.GetConversation(ctx, 1, wa.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.True(!got.CanReply) // the window has closed
		email := mustCreateConversation(t, s, 1, c.ID)
		is.True(email.CanReply) // email has no window
		blocked := true
		_, err = s.UpdateContact(ctx, 1, c.ID, convo.ContactUpdate{Blocked: &blocked})
		is.NoErr(err)
		got, err = s.GetConversation(ctx, 1, email.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.True(!got.CanReply) // nobody replies to a blocked contact
	})

	t.Run("UpdateConversation/Partial", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		happened := time.Date(2019, 10, 29, 0, 0, 0, 0, time.UTC)
		muted := true
		got, err := s.UpdateConversation(ctx, 1, conv.ID, convo.ConversationUpdate{HappenedAt: &happened, Muted: &muted})
		is.NoErr(err)
		is.True(got.HappenedAt.Equal(happened)) // changed
		is.True(got.Muted)                      // changed
		is.Equal(got.Channel, conv.Channel)     // unchanged
		is.Equal(got.InboxID, conv.InboxID)     // unchanged
		attrs := convo.Attributes{"vip": true}
		got, err = s.UpdateConversation(ctx, 1, conv.ID, convo.ConversationUpdate{CustomAttributes: &attrs})
		is.NoErr(err)
		is.Equal(got.CustomAttributes["vip"], true)
		is.True(got.HappenedAt.Equal(happened)) // earlier change kept
		_, err = s.UpdateConversation(ctx, 1, conv.ID+99, convo.ConversationUpdate{Muted: &muted})
		is.True(isNotFound(err))
	})

	t.Run("DeleteConversation/WithMessages", func(t *testing.T) {
		is := is.New(t)
		s, c, conv := seeded(t, newStore)
		keep := mustCreateConversation(t, s, 1, c.ID)
		m := mustAddMessage(t, s, 1, conv.ID, text("bye"))
		k := mustAddMessage(t, s, 1, keep.ID, text("stay"))
		id, err := s.DeleteConversation(ctx, 1, conv.ID)
		is.NoErr(err)
		is.Equal(id, conv.ID) // returns the deleted id
		_, err = s.GetMessage(ctx, 1, m.ID)
		is.True(isNotFound(err)) // its messages went with it
		_, err = s.GetMessage(ctx, 1, k.ID)
		is.NoErr(err) // other conversations keep theirs
		_, err = s.DeleteConversation(ctx, 1, conv.ID)
		is.True(isNotFound(err)) // deleting twice
	})

	t.Run("ListConversations/ContactsConversations", func(t *testing.T) {
		is := is.New(t)
		s, c, conv := seeded(t, newStore)
		other := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Other"})
		mustCreateConversation(t, s, 1, other.ID)
		_, err := s.ChangeStatus(ctx, 1, conv.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
		is.NoErr(err)
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{ContactID: c.ID})
		is.NoErr(err)
		is.Equal(len(page.Items), 1)        // only this contact's
		is.Equal(page.Items[0].ID, conv.ID) // in any status
		is.Equal(page.Meta.Total, 1)
		_, err = s.ListConversations(ctx, 1, store.ConversationFilter{ContactID: c.ID + 99})
		is.True(isNotFound(err)) // a missing contact
	})

	t.Run("CreateConversation/TimesRoundTrip", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "T"})
		for _, when := range []time.Time{
			time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC), // the zero time itself means "not set"
			time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
			time.Date(2026, 3, 29, 2, 30, 0, 123456789, time.FixedZone("CEST", 2*3600)),
			time.Now(), // carries a monotonic reading
		} {
			conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelSMS, HappenedAt: when})
			is.NoErr(err)
			want := when.UTC().Truncate(time.Microsecond)
			is.Equal(conv.HappenedAt, want) // exact to the microsecond, in UTC, no monotonic reading
			got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
			is.NoErr(err)
			is.Equal(got.HappenedAt, want) // and read back the same
			m, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "t", WrittenAt: when})
			is.NoErr(err)
			is.Equal(m.WrittenAt, want) // message times too
			gotM, err := s.GetMessage(ctx, 1, m.ID)
			is.NoErr(err)
			is.Equal(gotM.WrittenAt, want)
			// A time read back matches itself in a query.
			page, err := s.ListConversations(ctx, 1, store.ConversationFilter{ContactID: c.ID, UpdatedSince: got.UpdatedAt})
			is.NoErr(err)
			is.True(slices.ContainsFunc(page.Items, func(x convo.Conversation) bool { return x.ID == conv.ID })) // updated_since = updated_at includes it
		}
	})

	t.Run("Close/Twice", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		is.NoErr(s.Close())
		is.NoErr(s.Close()) // Close is idempotent
		_, err := s.GetContact(ctx, 1, 1)
		is.True(errors.Is(err, convo.ErrClosed)) // calls after Close
		_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "x"})
		is.True(errors.Is(err, convo.ErrClosed))
	})

	t.Run("Context/Cancelled", func(t *testing.T) {
		is := is.New(t)
		s, c, _ := seeded(t, newStore)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.CreateConversation(cancelled, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelSMS, HappenedAt: fixedTime})
		is.True(errors.Is(err, context.Canceled)) // the context's error
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{ContactID: c.ID})
		is.NoErr(err)
		is.Equal(len(page.Items), 1) // nothing written
	})
}
