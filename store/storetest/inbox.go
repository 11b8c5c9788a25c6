package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// inboxClock is a settable clock for the inbox tests.
type inboxClock struct{ now time.Time }

func (c *inboxClock) Now() time.Time          { return c.now }
func (c *inboxClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

// inboxFixture is a store with one contact, a clock and two agents.
type inboxFixture struct {
	s       store.Store
	clock   *inboxClock
	contact convo.Contact
	agent   uuid.UUID
	other   uuid.UUID
}

func newInbox(t *testing.T, newStore NewStore) *inboxFixture {
	t.Helper()
	clock := &inboxClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s := newStore(t, clock.Now)
	c, err := s.CreateContact(context.Background(), 1, convo.NewContact{FirstName: "Inbox", Email: "inbox@example.com"})
	if err != nil {
		t.Fatalf("create contact: %v", err)
	}
	return &inboxFixture{s: s, clock: clock, contact: c, agent: uuid.New(), other: uuid.New()}
}

func (f *inboxFixture) conversation(t *testing.T, in convo.NewConversation) convo.Conversation {
	t.Helper()
	if in.ContactID == 0 {
		in.ContactID = f.contact.ID
	}
	if in.Channel == "" {
		in.Channel = convo.ChannelEmail
	}
	if in.HappenedAt.IsZero() {
		in.HappenedAt = f.clock.Now()
	}
	c, err := f.s.CreateConversation(context.Background(), 1, in)
	if err != nil {
		t.Fatalf("create conversation: %v", err)
	}
	return c
}

func (f *inboxFixture) message(t *testing.T, convID int64, in convo.NewMessage) convo.Message {
	t.Helper()
	m, err := f.s.AddMessage(context.Background(), 1, convID, in)
	if err != nil {
		t.Fatalf("add message: %v", err)
	}
	return m
}

func (f *inboxFixture) get(t *testing.T, id int64) convo.Conversation {
	t.Helper()
	c, err := f.s.GetConversation(context.Background(), 1, id, store.GetConversationOptions{})
	if err != nil {
		t.Fatalf("get conversation: %v", err)
	}
	return c
}

// lastMessage returns the newest message of a conversation.
func (f *inboxFixture) lastMessage(t *testing.T, id int64) convo.Message {
	t.Helper()
	c, err := f.s.GetConversation(context.Background(), 1, id, store.GetConversationOptions{Messages: 1})
	if err != nil || len(c.Messages) != 1 {
		t.Fatalf("last message: %v (%d messages)", err, len(c.Messages))
	}
	return c.Messages[0]
}

// count returns how many conversations of the account have the status,
// by CountConversations.
func (f *inboxFixture) count(t *testing.T, status convo.Status) int {
	t.Helper()
	counts, err := f.s.CountConversations(context.Background(), 1, store.ConversationFilter{Statuses: []convo.Status{status}})
	if err != nil {
		t.Fatalf("count conversations: %v", err)
	}
	return counts.All
}

// unread returns CountUnread for the fixture's agent.
func (f *inboxFixture) unread(t *testing.T) int {
	t.Helper()
	n, err := f.s.CountUnread(context.Background(), 1, f.agent)
	if err != nil {
		t.Fatalf("count unread: %v", err)
	}
	return n
}

// activities returns the contents of the conversation's newest n messages,
// oldest first.
func (f *inboxFixture) activities(t *testing.T, id int64, n int) []string {
	t.Helper()
	c, err := f.s.GetConversation(context.Background(), 1, id, store.GetConversationOptions{Messages: n})
	if err != nil {
		t.Fatalf("get conversation: %v", err)
	}
	var out []string
	for _, m := range c.Messages {
		out = append(out, m.Content)
	}
	return out
}

// blocked reports whether the contact is blocked.
func (f *inboxFixture) blocked(t *testing.T, contactID int64) bool {
	t.Helper()
	c, err := f.s.GetContact(context.Background(), 1, contactID)
	if err != nil {
		t.Fatalf("get contact: %v", err)
	}
	return c.Blocked
}

func testInbox(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("ChangeStatus/Toggle", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{})
		for _, want := range []convo.Status{convo.StatusResolved, convo.StatusOpen, convo.StatusResolved} {
			got, err := f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Toggle: true})
			is.NoErr(err)
			is.Equal(got.Status, want) // open and resolved alternate
		}
		for _, from := range []convo.Status{convo.StatusPending, convo.StatusSnoozed} {
			_, err := f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: from})
			is.NoErr(err)
			got, err := f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Toggle: true})
			is.NoErr(err)
			is.Equal(got.Status, convo.StatusOpen) // pending and snoozed toggle to open
		}
	})

	t.Run("ChangeStatus/WritesActivityUnlessQuiet", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{})
		got, err := f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: convo.StatusResolved})
		is.NoErr(err)
		is.Equal(got.MessagesCount, int64(1)) // one activity message
		last := f.lastMessage(t, c.ID)
		is.Equal(last.Type, convo.MessageActivity)                 // of type activity
		is.Equal(last.SenderType, convo.SenderSystem)              // from the system
		is.Equal(last.Content, "Conversation was marked resolved") // saying what changed
		is.True(got.LastNonActivityMessage == nil)                 // activity is not a last non-activity message
		got, err = f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: convo.StatusOpen, Quiet: true})
		is.NoErr(err)
		is.Equal(got.Status, convo.StatusOpen)
		is.Equal(got.MessagesCount, int64(1)) // quiet: no activity message
		got, err = f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: convo.StatusOpen})
		is.NoErr(err)
		is.Equal(got.MessagesCount, int64(1)) // no change, no activity
	})

	t.Run("ChangeStatus/ResolveClearsWaitingAndSnooze", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{})
		is.True(!c.WaitingSince.IsZero()) // waiting from creation
		until := f.clock.Now().Add(time.Hour)
		got, err := f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: convo.StatusSnoozed, SnoozedUntil: until})
		is.NoErr(err)
		is.True(got.SnoozedUntil.Equal(until)) // snoozed until the time
		is.True(!got.WaitingSince.IsZero())    // snoozing keeps the wait
		got, err = f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: convo.StatusResolved})
		is.NoErr(err)
		is.True(got.SnoozedUntil.IsZero()) // any status but snoozed clears snoozed_until
		is.True(got.WaitingSince.IsZero()) // resolving clears waiting_since
	})

	t.Run("ChangeStatus/BadInput", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{})
		for _, tc := range []struct {
			ch    convo.StatusChange
			field string
		}{
			{convo.StatusChange{Status: "closed"}, "status"},
			{convo.StatusChange{}, "status"},
			{convo.StatusChange{Status: convo.StatusOpen, Toggle: true}, "status"},
			{convo.StatusChange{Status: convo.StatusSnoozed, SnoozedUntil: f.clock.Now().Add(-time.Minute)}, "snoozed_until"},
			{convo.StatusChange{Status: convo.StatusSnoozed, SnoozedUntil: f.clock.Now()}, "snoozed_until"},
			{convo.StatusChange{Status: convo.StatusOpen, SnoozedUntil: f.clock.Now().Add(time.Hour)}, "snoozed_until"},
		} {
			_, err := f.s.ChangeStatus(ctx, 1, c.ID, tc.ch)
			wantInvalid(t, err, tc.field)
		}
		got := f.get(t, c.ID)
		is.Equal(got.Status, convo.StatusOpen) // nothing written
		is.Equal(got.MessagesCount, int64(0))  // no activity either
		_, err := f.s.ChangeStatus(ctx, 2, c.ID, convo.StatusChange{Status: convo.StatusResolved})
		is.True(errors.Is(err, convo.ErrNotFound)) // another account's conversation
		_, err = f.s.ChangeStatus(ctx, 1, c.ID+1000, convo.StatusChange{Status: convo.StatusResolved})
		is.True(errors.Is(err, convo.ErrNotFound)) // a missing conversation
	})

	t.Run("ChangeStatus/IncomingReopens", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		for _, tc := range []struct {
			from convo.Status
			want convo.Status
		}{
			{convo.StatusResolved, convo.StatusOpen},
			{convo.StatusSnoozed, convo.StatusOpen},
			{convo.StatusPending, convo.StatusPending},
		} {
			c := f.conversation(t, convo.NewConversation{})
			_, err := f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: tc.from, Quiet: true})
			is.NoErr(err)
			f.message(t, c.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "an agent note"})
			is.Equal(f.get(t, c.ID).Status, tc.from) // outgoing messages do not reopen
			f.message(t, c.ID, text("I am back"))
			is.Equal(f.get(t, c.ID).Status, tc.want) // an incoming message reopens resolved and snoozed
		}
	})

	t.Run("UpdateConversation/MuteResolvesAndBlocks", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{AssigneeID: f.agent})
		f.conversation(t, convo.NewConversation{}) // another, open
		// Created before the contact is blocked, so they start as asked.
		resolved := f.conversation(t, convo.NewConversation{Status: convo.StatusResolved})
		snoozed := f.conversation(t, convo.NewConversation{Status: convo.StatusSnoozed, SnoozedUntil: f.clock.Now().Add(time.Hour)})
		f.message(t, c.ID, text("spam"))
		is.Equal(f.count(t, convo.StatusOpen), 2)
		is.Equal(f.count(t, convo.StatusResolved), 1)
		is.Equal(f.count(t, convo.StatusSnoozed), 1)
		is.Equal(f.unread(t), 1)
		f.clock.Advance(time.Minute)
		muted := true
		got, err := f.s.UpdateConversation(ctx, 1, c.ID, convo.ConversationUpdate{Muted: &muted})
		is.NoErr(err)
		is.True(got.Muted)                         // muted
		is.Equal(got.Status, convo.StatusResolved) // and resolved
		is.True(got.WaitingSince.IsZero())         // resolving ends the wait, as ChangeStatus does
		is.True(got.Contact.Blocked)               // the contact is blocked
		is.True(!got.CanReply)                     // so nobody replies
		is.True(f.blocked(t, f.contact.ID))        // as stored
		is.Equal(got.MessagesCount, int64(3))      // two activity messages
		is.Equal(f.activities(t, c.ID, 2), []string{"Conversation was marked resolved", "Conversation was muted"})
		is.Equal(f.get(t, c.ID), got)                 // returned as stored
		is.Equal(f.count(t, convo.StatusOpen), 1)     // the counts follow
		is.Equal(f.count(t, convo.StatusResolved), 2) // into resolved
		is.Equal(f.unread(t), 1)                      // its unread message is still unread
		again, err := f.s.UpdateConversation(ctx, 1, c.ID, convo.ConversationUpdate{Muted: &muted})
		is.NoErr(err)
		is.Equal(again.MessagesCount, got.MessagesCount) // muting a muted conversation: no activity
		is.Equal(again.Status, convo.StatusResolved)
		is.Equal(f.count(t, convo.StatusResolved), 2)

		got, err = f.s.UpdateConversation(ctx, 1, resolved.ID, convo.ConversationUpdate{Muted: &muted})
		is.NoErr(err)
		is.Equal(got.MessagesCount, int64(1)) // already resolved: only the mute is recorded
		is.Equal(f.lastMessage(t, resolved.ID).Content, "Conversation was muted")

		got, err = f.s.UpdateConversation(ctx, 1, snoozed.ID, convo.ConversationUpdate{Muted: &muted, Quiet: true})
		is.NoErr(err)
		is.Equal(got.Status, convo.StatusResolved) // a snooze ends too
		is.True(got.SnoozedUntil.IsZero())         // with its time
		is.Equal(got.MessagesCount, int64(0))      // quiet: no activity messages
		is.Equal(f.count(t, convo.StatusSnoozed), 0)
		is.Equal(f.count(t, convo.StatusResolved), 3)
		is.Equal(f.count(t, convo.StatusOpen), 1)
	})

	t.Run("UpdateConversation/UnmuteUnblocksKeepsStatus", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{AssigneeID: f.agent})
		f.message(t, c.ID, text("hello"))
		muted, unmuted := true, false
		_, err := f.s.UpdateConversation(ctx, 1, c.ID, convo.ConversationUpdate{Muted: &muted})
		is.NoErr(err)
		f.clock.Advance(time.Minute)
		got, err := f.s.UpdateConversation(ctx, 1, c.ID, convo.ConversationUpdate{Muted: &unmuted})
		is.NoErr(err)
		is.True(!got.Muted)                        // unmuted
		is.Equal(got.Status, convo.StatusResolved) // the status stays as it is
		is.True(!got.Contact.Blocked)              // the contact is unblocked
		is.True(!f.blocked(t, f.contact.ID))       // as stored
		is.Equal(got.MessagesCount, int64(4))      // one activity message more
		is.Equal(f.lastMessage(t, c.ID).Content, "Conversation was unmuted")
		is.Equal(f.get(t, c.ID), got)
		is.Equal(f.count(t, convo.StatusResolved), 1) // counts unchanged
		is.Equal(f.count(t, convo.StatusOpen), 0)
		is.Equal(f.unread(t), 1)
		again, err := f.s.UpdateConversation(ctx, 1, c.ID, convo.ConversationUpdate{Muted: &unmuted})
		is.NoErr(err)
		is.Equal(again.MessagesCount, got.MessagesCount) // unmuting an unmuted conversation: no activity
		f.message(t, c.ID, text("back"))
		is.Equal(f.get(t, c.ID).Status, convo.StatusOpen) // unmuted, an incoming message reopens it again
		is.Equal(f.count(t, convo.StatusOpen), 1)

		open := f.conversation(t, convo.NewConversation{})
		_, err = f.s.UpdateConversation(ctx, 1, open.ID, convo.ConversationUpdate{Muted: &muted, Quiet: true})
		is.NoErr(err)
		_, err = f.s.ChangeStatus(ctx, 1, open.ID, convo.StatusChange{Status: convo.StatusPending, Quiet: true})
		is.NoErr(err)
		got, err = f.s.UpdateConversation(ctx, 1, open.ID, convo.ConversationUpdate{Muted: &unmuted, Quiet: true})
		is.NoErr(err)
		is.Equal(got.Status, convo.StatusPending) // whatever the status, unmuting keeps it
		is.Equal(got.MessagesCount, int64(0))     // quiet
		is.Equal(f.count(t, convo.StatusPending), 1)
	})

	t.Run("AddMessage/MutedStaysResolved", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{AssigneeID: f.agent})
		muted := true
		_, err := f.s.UpdateConversation(ctx, 1, c.ID, convo.ConversationUpdate{Muted: &muted, Quiet: true})
		is.NoErr(err)
		f.clock.Advance(time.Minute)
		m := f.message(t, c.ID, text("are you there?"))
		got := f.get(t, c.ID)
		is.Equal(got.Status, convo.StatusResolved)     // a muted conversation is not reopened
		is.True(got.Muted)                             // and stays muted
		is.Equal(got.UnreadCount, int64(1))            // the message still counts as unread
		is.True(got.LastIncomingAt.Equal(m.CreatedAt)) // and as the last incoming one
		is.Equal(f.count(t, convo.StatusResolved), 1)  // the counts stay
		is.Equal(f.count(t, convo.StatusOpen), 0)      // with nothing open
		is.Equal(f.unread(t), 1)                       // unread, whatever the status
		_, err = f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: convo.StatusSnoozed, Quiet: true})
		is.NoErr(err)
		f.message(t, c.ID, text("hello?"))
		is.Equal(f.get(t, c.ID).Status, convo.StatusSnoozed) // nor is a muted snoozed one
		is.Equal(f.count(t, convo.StatusSnoozed), 1)
	})

	t.Run("ChangeStatus/OverdueSnoozeReadsOpen", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{})
		old := f.conversation(t, convo.NewConversation{})
		_, err := f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: convo.StatusSnoozed, SnoozedUntil: f.clock.Now().Add(time.Hour)})
		is.NoErr(err)
		_, err = f.s.ChangeStatus(ctx, 1, old.ID, convo.StatusChange{Status: convo.StatusSnoozed, SnoozedUntil: f.clock.Now().Add(time.Minute)})
		is.NoErr(err)
		counts, err := f.s.CountConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(counts.All, 0)               // both snoozed
		f.clock.Advance(365 * 24 * time.Hour) // however old
		got := f.get(t, c.ID)
		is.Equal(got.Status, convo.StatusOpen) // get reads it open
		is.True(got.SnoozedUntil.IsZero())     // with no snooze left behind
		counts, err = f.s.CountConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(counts.All, 2) // counts read both open
		page, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Statuses: []convo.Status{convo.StatusSnoozed}})
		is.NoErr(err)
		is.Equal(len(page.Items), 0) // no overdue snooze is left in the list
	})

	t.Run("ChangeStatus/ListWakesOverdueSnooze", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		open := f.conversation(t, convo.NewConversation{})
		snoozed := f.conversation(t, convo.NewConversation{})
		_, err := f.s.ChangeStatus(ctx, 1, snoozed.ID, convo.StatusChange{Status: convo.StatusSnoozed, SnoozedUntil: f.clock.Now().Add(time.Minute)})
		is.NoErr(err)
		f.clock.Advance(time.Hour)
		// The list is the first read to meet the overdue snooze: it lists
		// the open conversation and the woken one, each once.
		page, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(len(page.Items), 2)                                        // both open
		is.True(page.Items[0].ID != page.Items[1].ID)                       // each once
		is.True(page.Items[0].ID == open.ID || page.Items[1].ID == open.ID) // the open one among them
		is.Equal(page.Meta.Total, 2)                                        // and counted
	})

	t.Run("Assign/AssignAndUnassign", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{})
		got, err := f.s.Assign(ctx, 1, c.ID, convo.Assignment{AssigneeID: f.agent})
		is.NoErr(err)
		is.Equal(got.AssigneeID, f.agent)     // assigned
		is.Equal(got.MessagesCount, int64(1)) // with an activity message
		got, err = f.s.Assign(ctx, 1, c.ID, convo.Assignment{})
		is.NoErr(err)
		is.Equal(got.AssigneeID, uuid.Nil) // unassigned
		is.Equal(f.lastMessage(t, c.ID).Content, "Conversation was unassigned")
		got, err = f.s.Assign(ctx, 1, c.ID, convo.Assignment{AssigneeID: f.other, Quiet: true})
		is.NoErr(err)
		is.Equal(got.MessagesCount, int64(2)) // quiet
		_, err = f.s.Assign(ctx, 2, c.ID, convo.Assignment{AssigneeID: f.agent})
		is.True(errors.Is(err, convo.ErrNotFound))   // another account
		is.Equal(f.get(t, c.ID).AssigneeID, f.other) // unchanged
	})

	t.Run("UpdateConversation/TeamAndPriorityActivity", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{})
		team, prio := int64(3), convo.PriorityUrgent
		got, err := f.s.UpdateConversation(ctx, 1, c.ID, convo.ConversationUpdate{TeamID: &team, Priority: &prio})
		is.NoErr(err)
		is.Equal(got.TeamID, team)
		is.Equal(got.Priority, prio)
		is.Equal(got.MessagesCount, int64(2)) // one activity per change
		inbox := int64(4)
		prio = convo.PriorityLow
		got, err = f.s.UpdateConversation(ctx, 1, c.ID, convo.ConversationUpdate{InboxID: &inbox, Priority: &prio, Quiet: true})
		is.NoErr(err)
		is.Equal(got.InboxID, inbox)
		is.Equal(got.MessagesCount, int64(2)) // quiet
		bad := convo.Priority("critical")
		_, err = f.s.UpdateConversation(ctx, 1, c.ID, convo.ConversationUpdate{Priority: &bad})
		wantInvalid(t, err, "priority")
	})

	t.Run("ChangeLabels/AddRemoveSet", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{Labels: []string{"billing"}})
		got, err := f.s.ChangeLabels(ctx, 1, c.ID, convo.LabelChange{Add: []string{" VIP ", "billing", "refund"}})
		is.NoErr(err)
		is.Equal(got.Labels, []string{"billing", "refund", "vip"}) // normalised, sorted, no duplicates
		got, err = f.s.ChangeLabels(ctx, 1, c.ID, convo.LabelChange{Remove: []string{"BILLING"}})
		is.NoErr(err)
		is.Equal(got.Labels, []string{"refund", "vip"})
		set := []string{"new"}
		got, err = f.s.ChangeLabels(ctx, 1, c.ID, convo.LabelChange{Set: &set})
		is.NoErr(err)
		is.Equal(got.Labels, []string{"new"})
		is.Equal(got.MessagesCount, int64(3)) // one activity per change
		for _, tc := range []struct {
			ch    convo.LabelChange
			field string
		}{
			{convo.LabelChange{Add: []string{""}}, "add"},
			{convo.LabelChange{Add: []string{"has space"}}, "add"},
			{convo.LabelChange{Add: []string{string(make([]byte, 65))}}, "add"},
			{convo.LabelChange{Remove: []string{"a,b"}}, "remove"},
			{convo.LabelChange{Set: &set, Add: []string{"x"}}, "labels"},
		} {
			_, err := f.s.ChangeLabels(ctx, 1, c.ID, tc.ch)
			wantInvalid(t, err, tc.field)
		}
		is.Equal(f.get(t, c.ID).Labels, []string{"new"}) // nothing written
	})

	t.Run("AddMessage/Timeline", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{})
		created := c.WaitingSince
		is.True(created.Equal(c.CreatedAt)) // waiting since creation
		f.clock.Advance(time.Minute)
		f.message(t, c.ID, text("hello"))
		is.True(f.get(t, c.ID).WaitingSince.Equal(created)) // an incoming message keeps an earlier wait
		f.clock.Advance(time.Minute)
		f.message(t, c.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "note", Private: true, AuthorID: f.agent})
		f.message(t, c.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "bot"})
		got := f.get(t, c.ID)
		is.True(!got.WaitingSince.IsZero())       // a private note or a bot message is no human reply
		is.True(got.FirstReplyCreatedAt.IsZero()) // no first reply yet
		f.clock.Advance(time.Minute)
		reply := f.message(t, c.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "hi!", AuthorID: f.agent})
		got = f.get(t, c.ID)
		is.True(got.WaitingSince.IsZero())                      // a human reply ends the wait
		is.True(got.FirstReplyCreatedAt.Equal(reply.CreatedAt)) // and is the first reply
		is.True(got.LastActivityAt.Equal(reply.CreatedAt))      // the newest message is the last activity
		f.clock.Advance(time.Minute)
		in := f.message(t, c.ID, text("thanks"))
		f.clock.Advance(time.Minute)
		f.message(t, c.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "welcome", AuthorID: f.other})
		got = f.get(t, c.ID)
		is.True(got.FirstReplyCreatedAt.Equal(reply.CreatedAt)) // the first reply stays the first
		is.True(got.WaitingSince.IsZero())
		is.True(got.LastIncomingAt.Equal(in.CreatedAt))
	})

	t.Run("CountConversations/LabelCountsFollowEveryChange", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		var convs []convo.Conversation
		for i := range 6 {
			in := convo.NewConversation{Labels: []string{"billing"}}
			if i%2 == 0 {
				in.Labels = append(in.Labels, "vip")
				in.AssigneeID = f.agent
			}
			convs = append(convs, f.conversation(t, in))
		}
		check := func(step string) {
			t.Helper()
			for _, label := range []string{"billing", "vip", "BILLING"} {
				for _, statuses := range [][]convo.Status{nil, {convo.StatusResolved}, store.AllStatuses} {
					flt := store.ConversationFilter{Labels: []string{label}, Statuses: statuses, Agent: f.agent}
					checkCountsByWalking(t, f.s, flt, step)
				}
			}
		}
		check("created")
		_, err := f.s.ChangeStatus(ctx, 1, convs[0].ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
		is.NoErr(err)
		check("resolved")
		_, err = f.s.Assign(ctx, 1, convs[1].ID, convo.Assignment{AssigneeID: f.agent, Quiet: true})
		is.NoErr(err)
		check("assigned")
		_, err = f.s.ChangeLabels(ctx, 1, convs[2].ID, convo.LabelChange{Remove: []string{"vip"}, Quiet: true})
		is.NoErr(err)
		check("label removed")
		set := []string{"vip"}
		_, err = f.s.ChangeLabels(ctx, 1, convs[3].ID, convo.LabelChange{Set: &set, Quiet: true})
		is.NoErr(err)
		check("labels replaced")
		_, err = f.s.DeleteConversation(ctx, 1, convs[4].ID)
		is.NoErr(err)
		check("deleted")
		f.message(t, convs[0].ID, text("back again")) // reopens
		check("reopened")
	})

	t.Run("CountConversations/UnattendedCountsFollowEveryChange", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		var convs []convo.Conversation
		for i := range 6 {
			in := convo.NewConversation{InboxID: int64(1 + i%2), TeamID: int64(i % 3)}
			if i%3 == 0 {
				in.AssigneeID = f.agent
			}
			convs = append(convs, f.conversation(t, in))
		}
		reply := convo.NewMessage{Type: convo.MessageOutgoing, Content: "on it", AuthorID: f.agent}
		check := func(step string) {
			t.Helper()
			for _, route := range []store.ConversationFilter{{}, {InboxID: 1}, {TeamID: 2}, {InboxID: 2, TeamID: 1}} {
				for _, statuses := range [][]convo.Status{nil, {convo.StatusResolved}, store.AllStatuses} {
					flt := route
					flt.Unattended, flt.Statuses, flt.Agent = true, statuses, f.agent
					checkCountsByWalking(t, f.s, flt, step)
				}
			}
		}
		check("created") // no first reply yet: every one is unattended
		f.message(t, convs[0].ID, reply)
		f.message(t, convs[1].ID, reply)
		f.message(t, convs[2].ID, reply)
		check("replied")
		f.message(t, convs[0].ID, text("thanks, one more thing"))
		check("waiting again")
		f.message(t, convs[1].ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "note", AuthorID: f.agent, Private: true})
		f.message(t, convs[3].ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "auto", SenderType: convo.SenderSystem})
		check("private note and system reply") // neither attends a conversation
		_, err := f.s.ChangeStatus(ctx, 1, convs[0].ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
		is.NoErr(err)
		_, err = f.s.ChangeStatus(ctx, 1, convs[4].ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
		is.NoErr(err)
		check("resolved") // stops the wait; no first reply still counts
		_, err = f.s.Assign(ctx, 1, convs[4].ID, convo.Assignment{AssigneeID: f.agent, Quiet: true})
		is.NoErr(err)
		team, inbox := int64(2), int64(1)
		_, err = f.s.UpdateConversation(ctx, 1, convs[5].ID, convo.ConversationUpdate{TeamID: &team, InboxID: &inbox, Quiet: true})
		is.NoErr(err)
		check("assigned and routed")
		_, err = f.s.DeleteConversation(ctx, 1, convs[3].ID)
		is.NoErr(err)
		check("deleted")
		f.message(t, convs[0].ID, text("back again")) // reopens, waiting
		check("reopened")
	})

	t.Run("CountConversations/UpdatedSinceFollowsEveryChange", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		var convs []convo.Conversation
		t0 := f.clock.Now()
		for i := range 7 {
			// Created now about things that happened long ago: the last
			// activity is old, the update is not.
			in := convo.NewConversation{HappenedAt: t0.Add(-time.Duration(30+i) * 24 * time.Hour)}
			if i%2 == 0 {
				in.AssigneeID = f.agent
			}
			convs = append(convs, f.conversation(t, in))
		}
		var times []time.Time
		check := func(step string) {
			t.Helper()
			times = append(times, f.clock.Now())
			for _, since := range append([]time.Time{t0.Add(-time.Hour), t0.Add(-40 * 24 * time.Hour)}, times...) {
				for _, statuses := range [][]convo.Status{nil, store.AllStatuses} {
					flt := store.ConversationFilter{UpdatedSince: since, Statuses: statuses, Agent: f.agent}
					checkCountsByWalking(t, f.s, flt, step)
				}
			}
			f.clock.Advance(time.Minute)
		}
		check("created")
		_, err := f.s.ChangeStatus(ctx, 1, convs[0].ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
		is.NoErr(err)
		check("status changed")
		f.message(t, convs[1].ID, text("news"))
		check("message added")
		_, err = f.s.Assign(ctx, 1, convs[2].ID, convo.Assignment{AssigneeID: f.other, Quiet: true})
		is.NoErr(err)
		_, err = f.s.MarkRead(ctx, 1, convs[3].ID, f.agent)
		is.NoErr(err)
		check("assigned and read")
		m := f.message(t, convs[4].ID, text("a typo"))
		f.clock.Advance(time.Minute)
		_, err = f.s.DeleteMessage(ctx, 1, m.ID)
		is.NoErr(err)
		check("message deleted")
		f.clock.Advance(-10 * time.Minute) // the host's clock steps back
		f.message(t, convs[1].ID, text("from an earlier clock"))
		_, err = f.s.ChangeLabels(ctx, 1, convs[5].ID, convo.LabelChange{Add: []string{"late"}, Quiet: true})
		is.NoErr(err)
		check("clock stepped back")
		f.clock.Advance(time.Hour)
		_, err = f.s.ChangeStatus(ctx, 1, convs[6].ID, convo.StatusChange{Status: convo.StatusPending})
		is.NoErr(err)
		f.message(t, convs[0].ID, text("reopens it"))
		check("with activity messages and a reopen")
		// An imported conversation keeps its times: updated now, last
		// active long ago.
		imported := f.get(t, convs[6].ID)
		imported.ID, imported.UUID, imported.Status = convs[6].ID+100, uuid.New(), convo.StatusOpen
		imported.LastActivityAt, imported.UpdatedAt = t0.Add(-50*24*time.Hour), f.clock.Now()
		imported.Labels, imported.LastNonActivityMessage = nil, nil
		_, err = f.s.Import(ctx, 1, func(yield func(store.Record, error) bool) {
			yield(store.Record{Conversation: &imported}, nil)
		}, store.ImportOptions{})
		is.NoErr(err)
		check("imported")
	})

	t.Run("AddMessage/ActivityNeverMovesBack", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{})
		f.clock.Advance(time.Hour)
		newest := f.message(t, c.ID, text("the newest"))
		f.clock.Advance(-30 * time.Minute) // the host's clock steps back
		older := f.message(t, c.ID, text("written by an earlier clock"))
		got := f.get(t, c.ID)
		is.True(older.CreatedAt.Before(newest.CreatedAt))
		is.True(got.LastActivityAt.Equal(newest.CreatedAt)) // the activity stays at the newest message
		is.Equal(got.MessagesCount, int64(2))               // the message still counts
		is.True(got.LastIncomingAt.Equal(newest.CreatedAt)) // the newest incoming message, as an edit's recount gives
		page, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Page: store.After("", 10)})
		is.NoErr(err)
		is.Equal(len(page.Items), 1)
		is.True(page.Items[0].LastActivityAt.Equal(newest.CreatedAt)) // lists read the same
	})

	t.Run("MarkRead/UnreadCounts", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{AssigneeID: f.agent})
		for i := range 12 {
			f.clock.Advance(time.Second)
			f.message(t, c.ID, text(fmt.Sprint("message ", i)))
		}
		f.message(t, c.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "reply", AuthorID: f.agent})
		is.Equal(f.get(t, c.ID).UnreadCount, int64(12)) // exact, not capped at 10
		n, err := f.s.CountUnread(ctx, 1, f.agent)
		is.NoErr(err)
		is.Equal(n, 1) // one conversation of the agent has unread messages
		f.clock.Advance(time.Second)
		got, err := f.s.MarkRead(ctx, 1, c.ID, f.other)
		is.NoErr(err)
		is.Equal(got.UnreadCount, int64(0))               // read
		is.True(got.AgentLastSeenAt.Equal(f.clock.Now())) // agent_last_seen_at set
		is.True(got.AssigneeLastSeenAt.IsZero())          // the reader is not the assignee
		got, err = f.s.MarkRead(ctx, 1, c.ID, f.agent)
		is.NoErr(err)
		is.True(got.AssigneeLastSeenAt.Equal(f.clock.Now())) // the assignee read it
		n, err = f.s.CountUnread(ctx, 1, f.agent)
		is.NoErr(err)
		is.Equal(n, 0)
		got, err = f.s.MarkUnread(ctx, 1, c.ID)
		is.NoErr(err)
		is.Equal(got.UnreadCount, int64(1)) // the last incoming message is unread again
		f.clock.Advance(time.Second)
		f.message(t, c.ID, text("one more"))
		is.Equal(f.get(t, c.ID).UnreadCount, int64(2))
		n, err = f.s.CountUnread(ctx, 1, f.agent)
		is.NoErr(err)
		is.Equal(n, 1) // unread again
		_, err = f.s.Assign(ctx, 1, c.ID, convo.Assignment{AssigneeID: f.other, Quiet: true})
		is.NoErr(err)
		n, err = f.s.CountUnread(ctx, 1, f.agent)
		is.NoErr(err)
		is.Equal(n, 0) // the conversation moved to another agent
		n, err = f.s.CountUnread(ctx, 1, f.other)
		is.NoErr(err)
		is.Equal(n, 1) // with its unread messages
		_, err = f.s.DeleteConversation(ctx, 1, c.ID)
		is.NoErr(err)
		n, err = f.s.CountUnread(ctx, 1, f.other)
		is.NoErr(err)
		is.Equal(n, 0) // gone with the conversation
		_, err = f.s.MarkRead(ctx, 1, c.ID, uuid.Nil)
		wantInvalid(t, err, "agent_id")
		_, err = f.s.MarkRead(ctx, 2, c.ID, f.agent)
		is.True(errors.Is(err, convo.ErrNotFound)) // another account
		_, err = f.s.MarkUnread(ctx, 2, c.ID)
		is.True(errors.Is(err, convo.ErrNotFound)) // another account
		_, err = f.s.CountUnread(ctx, 1, uuid.Nil)
		wantInvalid(t, err, "agent_id")
	})

	t.Run("MarkUnread/RewindsBothLastSeen", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		c := f.conversation(t, convo.NewConversation{AssigneeID: f.agent})
		quiet := f.conversation(t, convo.NewConversation{AssigneeID: f.agent})
		f.clock.Advance(time.Second)
		f.message(t, c.ID, text("first"))
		f.clock.Advance(time.Second)
		last := f.message(t, c.ID, text("second"))
		f.clock.Advance(time.Second)
		f.message(t, c.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "reply", AuthorID: f.agent})
		f.clock.Advance(time.Second)
		_, err := f.s.MarkRead(ctx, 1, c.ID, f.agent)
		is.NoErr(err)
		_, err = f.s.MarkRead(ctx, 1, quiet.ID, f.agent)
		is.NoErr(err)
		n, err := f.s.CountUnread(ctx, 1, f.agent)
		is.NoErr(err)
		is.Equal(n, 0) // all read
		f.clock.Advance(time.Second)
		got, err := f.s.MarkUnread(ctx, 1, c.ID)
		is.NoErr(err)
		before := last.CreatedAt.Add(-time.Microsecond)
		is.True(got.AgentLastSeenAt.Equal(before))    // the agents' mark is just before the last incoming message
		is.True(got.AssigneeLastSeenAt.Equal(before)) // and so is the assignee's
		is.Equal(got.UnreadCount, int64(1))           // that message is unread again
		is.Equal(f.get(t, c.ID), got)                 // as stored
		n, err = f.s.CountUnread(ctx, 1, f.agent)
		is.NoErr(err)
		is.Equal(n, 1) // the assignee has an unread conversation again
		counts, err := f.s.CountConversations(ctx, 1, store.ConversationFilter{Agent: f.agent})
		is.NoErr(err)
		is.Equal(counts, store.Counts{Mine: 2, Assigned: 2, All: 2}) // statuses untouched
		read := f.get(t, quiet.ID)
		got, err = f.s.MarkUnread(ctx, 1, quiet.ID)
		is.NoErr(err)
		is.True(got.AgentLastSeenAt.Equal(read.AgentLastSeenAt))       // no incoming message: unchanged
		is.True(got.AssigneeLastSeenAt.Equal(read.AssigneeLastSeenAt)) // unchanged
		is.Equal(got.UnreadCount, int64(0))
		n, err = f.s.CountUnread(ctx, 1, f.agent)
		is.NoErr(err)
		is.Equal(n, 1) // still only the first
	})

	t.Run("ListConversations/FiltersAndCountsMatchAFullScan", func(t *testing.T) {
		f := newInbox(t, newStore)
		testFiltersAgainstScan(t, f)
	})

	t.Run("ListConversations/SortsBreakTiesByID", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore) // the clock stands still: every timestamp is equal
		var ids []int64
		for range 7 {
			ids = append(ids, f.conversation(t, convo.NewConversation{}).ID)
		}
		desc := slices.Clone(ids)
		slices.Reverse(desc)
		for _, tc := range []struct {
			sort store.ConversationSort
			want []int64
		}{
			{store.SortLastActivityDesc, desc}, {store.SortLastActivityAsc, ids},
			{store.SortCreatedDesc, desc}, {store.SortCreatedAsc, ids},
			{store.SortPriorityDesc, desc}, {store.SortPriorityAsc, desc},
			{store.SortWaitingSinceAsc, ids}, {store.SortWaitingSinceDesc, desc},
			{store.SortUnreadDesc, desc}, {store.SortUnreadAsc, desc},
		} {
			is.Equal(walk(t, f.s, store.ConversationFilter{Sort: tc.sort}, 3), tc.want)      // keyset pages, ties by id
			is.Equal(walkPages(t, f.s, store.ConversationFilter{Sort: tc.sort}, 2), tc.want) // numbered pages, same order
		}
	})

	t.Run("ListConversations/Sorts", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		mk := func(p convo.Priority) int64 {
			f.clock.Advance(time.Minute)
			return f.conversation(t, convo.NewConversation{Priority: p}).ID
		}
		low, none, urgent, high := mk(convo.PriorityLow), mk(convo.PriorityNone), mk(convo.PriorityUrgent), mk(convo.PriorityHigh)
		is.Equal(walk(t, f.s, store.ConversationFilter{Sort: store.SortPriorityDesc}, 2), []int64{urgent, high, low, none}) // none last
		is.Equal(walk(t, f.s, store.ConversationFilter{Sort: store.SortPriorityAsc}, 2), []int64{low, high, urgent, none})  // none last
		// A human reply ends the wait of "high"; "low" waits longest.
		f.message(t, high, convo.NewMessage{Type: convo.MessageOutgoing, Content: "done", AuthorID: f.agent})
		is.Equal(walk(t, f.s, store.ConversationFilter{Sort: store.SortWaitingSinceAsc}, 3), []int64{low, none, urgent, high})  // not waiting last
		is.Equal(walk(t, f.s, store.ConversationFilter{Sort: store.SortWaitingSinceDesc}, 3), []int64{urgent, none, low, high}) // not waiting last
		is.Equal(walk(t, f.s, store.ConversationFilter{Sort: store.SortLastActivityDesc}, 3), []int64{high, urgent, none, low}) // the reply moved "high" up
		_, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Sort: store.ConversationSort(99)})
		wantInvalid(t, err, "sort")
	})

	t.Run("ListConversations/SortByUnread", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		mk := func(incoming int, private bool) int64 {
			f.clock.Advance(time.Minute)
			c := f.conversation(t, convo.NewConversation{})
			for range incoming {
				f.message(t, c.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hello?", Private: private})
			}
			return c.ID
		}
		one, none, three, twoPrivate, alsoOne := mk(1, false), mk(0, false), mk(3, false), mk(2, true), mk(1, false)
		// Ties (one, alsoOne) by newest activity: alsoOne was written last.
		is.Equal(walk(t, f.s, store.ConversationFilter{Sort: store.SortUnreadDesc}, 2), []int64{three, twoPrivate, alsoOne, one, none})
		is.Equal(walkPages(t, f.s, store.ConversationFilter{Sort: store.SortUnreadDesc}, 2), []int64{three, twoPrivate, alsoOne, one, none})
		is.Equal(walk(t, f.s, store.ConversationFilter{Sort: store.SortUnreadAsc}, 2), []int64{none, alsoOne, one, twoPrivate, three})
		_, err := f.s.MarkRead(ctx, 1, three, f.agent)
		is.NoErr(err)
		is.Equal(walk(t, f.s, store.ConversationFilter{Sort: store.SortUnreadDesc}, 2)[0], twoPrivate) // read: no longer first
		counts, err := f.s.CountConversations(ctx, 1, store.ConversationFilter{Sort: store.SortUnreadDesc})
		is.NoErr(err)
		is.Equal(counts.All, 5) // counts do not depend on the sort
	})

	t.Run("ListConversations/KeysetUnderInserts", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		var want []int64
		for range 23 {
			f.clock.Advance(time.Second)
			want = append(want, f.conversation(t, convo.NewConversation{}).ID)
		}
		slices.Reverse(want)
		var got []int64
		cursor := ""
		for {
			page, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Page: store.After(cursor, 4)})
			is.NoErr(err)
			for _, c := range page.Items {
				got = append(got, c.ID)
			}
			f.clock.Advance(time.Second)
			f.conversation(t, convo.NewConversation{}) // a new conversation arrives between pages
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		is.Equal(got, want) // the snapshot, no gaps, no repeats
	})

	t.Run("ListConversations/BadFilters", func(t *testing.T) {
		f := newInbox(t, newStore)
		for _, tc := range []struct {
			f     store.ConversationFilter
			field string
		}{
			{store.ConversationFilter{Statuses: []convo.Status{"closed"}}, "status"},
			{store.ConversationFilter{Assignee: store.AssigneeType(9)}, "assignee_type"},
			{store.ConversationFilter{Assignee: store.AssigneeMine}, "agent"},
			{store.ConversationFilter{Labels: []string{""}}, "labels"},
			{store.ConversationFilter{InboxID: -1}, "inbox_id"},
			{store.ConversationFilter{TeamID: -1}, "team_id"},
			{store.ConversationFilter{Page: store.After("not-a-cursor", 10)}, "cursor"},
			{store.ConversationFilter{UpdatedSince: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "updated_since"},
			{store.ConversationFilter{UpdatedSince: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}, "updated_since"},
		} {
			_, err := f.s.ListConversations(ctx, 1, tc.f)
			wantInvalid(t, err, tc.field)
			if tc.field != "cursor" {
				_, err = f.s.CountConversations(ctx, 1, tc.f)
				wantInvalid(t, err, tc.field)
			}
		}
		page, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Page: store.After("", 1)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.ListConversations(ctx, 1, store.ConversationFilter{Sort: store.SortCreatedAsc, Page: store.After(page.Next, 1)})
		if page.Next != "" {
			wantInvalid(t, err, "cursor") // a cursor of another sort
		}
	})
}

// walk lists every conversation matching f (any status) by keyset pages.
func walk(t *testing.T, s store.Store, f store.ConversationFilter, perPage int) []int64 {
	t.Helper()
	ids := []int64{}
	for _, c := range walkItems(t, s, f, perPage) {
		ids = append(ids, c.ID)
	}
	return ids
}

// walkItems is walk returning the conversations.
func walkItems(t *testing.T, s store.Store, f store.ConversationFilter, perPage int) []convo.Conversation {
	t.Helper()
	if f.Statuses == nil {
		f.Statuses = store.AllStatuses
	}
	items := []convo.Conversation{}
	cursor := ""
	for range 1000 {
		f.Page = store.After(cursor, perPage)
		page, err := s.ListConversations(context.Background(), 1, f)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if len(page.Items) > perPage {
			t.Fatalf("page of %d items, asked for %d", len(page.Items), perPage)
		}
		items = append(items, page.Items...)
		if page.Next == "" {
			return items
		}
		cursor = page.Next
	}
	t.Fatal("keyset paging does not end")
	return nil
}

// walkPages lists every conversation matching f by numbered pages,
// checking the meta of each.
func walkPages(t *testing.T, s store.Store, f store.ConversationFilter, perPage int) []int64 {
	t.Helper()
	if f.Statuses == nil {
		f.Statuses = store.AllStatuses
	}
	ids := []int64{}
	for n := 1; ; n++ {
		f.Page = store.PageNumber(n, perPage)
		page, err := s.ListConversations(context.Background(), 1, f)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if page.Meta.CurrentPage != n || page.Meta.PerPage != perPage {
			t.Fatalf("meta %+v for page %d", page.Meta, n)
		}
		for _, c := range page.Items {
			ids = append(ids, c.ID)
		}
		if n >= page.Meta.LastPage {
			if len(ids) != page.Meta.Total {
				t.Fatalf("walked %d conversations, meta total %d", len(ids), page.Meta.Total)
			}
			return ids
		}
	}
}

// checkCountsByWalking fails the test when the counts of flt (account 1),
// or the lengths of its lists walked tab by tab, differ from a walk of the
// filter without its labels and update time, narrowed here. A store may
// find labels and update times through indexes of their own for counts and
// lists alike, so the truth comes from the plain walk.
func checkCountsByWalking(t *testing.T, s store.Store, flt store.ConversationFilter, step string) {
	t.Helper()
	got, err := s.CountConversations(context.Background(), 1, flt)
	if err != nil {
		t.Fatalf("%s: counts of %+v: %v", step, flt, err)
	}
	if flt.Statuses == nil {
		flt.Statuses = []convo.Status{convo.StatusOpen} // the default, which walk does not know
	}
	labels := flt.LabelSet()
	plain := flt
	plain.Labels, plain.UpdatedSince, plain.Assignee = nil, time.Time{}, store.AssigneeAll
	var want store.Counts
	for _, c := range walkItems(t, s, plain, 4) {
		if len(labels) > 0 && !slices.ContainsFunc(labels, func(l string) bool { return slices.Contains(c.Labels, l) }) ||
			c.UpdatedAt.Before(flt.UpdatedSince) {
			continue
		}
		want.All++
		switch {
		case c.AssigneeID == uuid.Nil:
			want.Unassigned++
		case c.AssigneeID == flt.Agent:
			want.Mine++
		}
	}
	want.Assigned = want.All - want.Unassigned
	if got != want {
		t.Fatalf("%s: filter %+v: counts %+v, a walk says %+v", step, flt, got, want)
	}
	for _, tab := range []store.AssigneeType{store.AssigneeMine, store.AssigneeUnassigned, store.AssigneeAssigned, store.AssigneeAll} {
		flt.Assignee = tab
		if n := len(walk(t, s, flt, 4)); n != want.Of(tab) {
			t.Fatalf("%s: filter %+v lists %d conversations, a walk says %d", step, flt, n, want.Of(tab))
		}
	}
}

// testFiltersAgainstScan builds a varied inbox, then checks every filter,
// alone and combined, and its counts, against a scan of every conversation.
func testFiltersAgainstScan(t *testing.T, f *inboxFixture) {
	ctx := context.Background()
	is := is.New(t)
	r := rand.New(rand.NewPCG(7, 11))
	second, err := f.s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Second"})
	is.NoErr(err)
	agents := []uuid.UUID{uuid.Nil, f.agent, f.other}
	labels := []string{"billing", "vip", "refund"}
	start := f.clock.Now()
	for i := range 60 {
		f.clock.Advance(time.Duration(1+r.IntN(90)) * time.Second)
		in := convo.NewConversation{InboxID: int64(r.IntN(3)), TeamID: int64(r.IntN(3)), AssigneeID: agents[r.IntN(3)]}
		if i%5 == 0 {
			in.ContactID = second.ID
		}
		for _, l := range labels {
			if r.IntN(3) == 0 {
				in.Labels = append(in.Labels, l)
			}
		}
		c := f.conversation(t, in)
		if r.IntN(2) == 0 {
			f.message(t, c.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "reply", AuthorID: f.agent})
		}
		if r.IntN(3) == 0 {
			f.message(t, c.ID, text("more"))
		}
		st := convo.Statuses[r.IntN(4)]
		_, err := f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: st, Quiet: true})
		is.NoErr(err)
	}
	// Another account's conversations must never count.
	other, err := f.s.CreateContact(ctx, 2, convo.NewContact{FirstName: "Elsewhere"})
	is.NoErr(err)
	_, err = f.s.CreateConversation(ctx, 2, convo.NewConversation{ContactID: other.ID, Channel: convo.ChannelSMS, HappenedAt: start,
		AssigneeID: f.agent, InboxID: 1, Labels: labels})
	is.NoErr(err)

	all := map[int64]convo.Conversation{}
	for _, id := range walk(t, f.s, store.ConversationFilter{}, 100) {
		all[id] = f.get(t, id)
	}
	is.Equal(len(all), 60) // every conversation of the account, none of another
	since := start.Add(40 * time.Minute)

	matches := func(flt store.ConversationFilter, c convo.Conversation) bool {
		if !slices.Contains(flt.StatusSet(), c.Status) ||
			flt.InboxID != 0 && c.InboxID != flt.InboxID ||
			flt.TeamID != 0 && c.TeamID != flt.TeamID ||
			flt.ContactID != 0 && c.ContactID != flt.ContactID ||
			flt.Unattended && !(c.FirstReplyCreatedAt.IsZero() || !c.WaitingSince.IsZero()) ||
			!flt.UpdatedSince.IsZero() && c.UpdatedAt.Before(flt.UpdatedSince) {
			return false
		}
		if len(flt.Labels) > 0 && !slices.ContainsFunc(flt.Labels, func(l string) bool { return slices.Contains(c.Labels, l) }) {
			return false
		}
		switch flt.Assignee {
		case store.AssigneeMine:
			return c.AssigneeID == flt.Agent
		case store.AssigneeUnassigned:
			return c.AssigneeID == uuid.Nil
		case store.AssigneeAssigned:
			return c.AssigneeID != uuid.Nil
		}
		return true
	}

	for _, agent := range agents[1:] {
		want := 0
		for _, c := range all {
			if c.AssigneeID == agent && c.UnreadCount > 0 {
				want++
			}
		}
		n, err := f.s.CountUnread(ctx, 1, agent)
		is.NoErr(err)
		is.Equal(n, want) // an agent's unread conversations, as a scan counts them
	}

	var filters []store.ConversationFilter
	for _, st := range [][]convo.Status{nil, {convo.StatusResolved}, {convo.StatusOpen, convo.StatusPending}, store.AllStatuses} {
		for _, extra := range []store.ConversationFilter{
			{}, {InboxID: 1}, {TeamID: 2}, {Labels: []string{"vip"}}, {Labels: []string{"vip", "refund"}},
			{ContactID: second.ID}, {Unattended: true}, {UpdatedSince: since},
			{InboxID: 2, TeamID: 1}, {InboxID: 1, Labels: []string{"billing"}, Unattended: true},
			{Unattended: true, TeamID: 2}, {Labels: []string{"vip"}, UpdatedSince: since},
			{Unattended: true, InboxID: 1, UpdatedSince: since},
		} {
			for _, a := range []store.AssigneeType{store.AssigneeAll, store.AssigneeMine, store.AssigneeUnassigned, store.AssigneeAssigned} {
				flt := extra
				flt.Statuses, flt.Assignee, flt.Agent = st, a, f.agent
				filters = append(filters, flt)
			}
		}
	}
	for _, flt := range filters {
		var want []int64
		for id, c := range all {
			if matches(flt, c) {
				want = append(want, id)
			}
		}
		got := walk(t, f.s, flt, 7)
		if flt.Statuses == nil { // walk widens nil to all statuses: list the default too
			flt2 := flt
			flt2.Page = store.PageNumber(1, 100)
			page, err := f.s.ListConversations(ctx, 1, flt2)
			is.NoErr(err)
			got = got[:0]
			for _, c := range page.Items {
				got = append(got, c.ID)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("filter %+v: got %v, want %v", flt, got, want)
		}

		counts, err := f.s.CountConversations(ctx, 1, flt)
		is.NoErr(err)
		var wantCounts store.Counts
		for _, c := range all {
			base := flt
			base.Assignee = store.AssigneeAll
			if !matches(base, c) {
				continue
			}
			wantCounts.All++
			switch {
			case c.AssigneeID == uuid.Nil:
				wantCounts.Unassigned++
			default:
				wantCounts.Assigned++
				if c.AssigneeID == f.agent {
					wantCounts.Mine++
				}
			}
		}
		if counts != wantCounts {
			t.Fatalf("filter %+v: counts %+v, a scan says %+v", flt, counts, wantCounts)
		}
		is.Equal(counts.Assigned, counts.All-counts.Unassigned) // assigned = all - unassigned
	}
}
