package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
)

// TestInboxInvariants runs the inbox's read-state changes and muting over
// a few conversations and checks, by a full scan, that every maintained
// count still matches the rows after each step.
func TestInboxInvariants(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := newStore(t, func() time.Time { return now }).(*sqlite.Store)
	check := func(step string) {
		t.Helper()
		if err := s.CheckInvariants(ctx); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	agent := uuid.New()
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Inv"})
	is.NoErr(err)
	var convs []convo.Conversation
	for i := range 3 {
		in := convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: now}
		if i < 2 {
			in.AssigneeID = agent
		}
		conv, err := s.CreateConversation(ctx, 1, in)
		is.NoErr(err)
		convs = append(convs, conv)
		now = now.Add(time.Second)
		_, err = s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hello"})
		is.NoErr(err)
	}
	check("created")
	for _, conv := range convs {
		_, err := s.MarkRead(ctx, 1, conv.ID, agent)
		is.NoErr(err)
	}
	check("read")
	for _, conv := range convs {
		_, err := s.MarkUnread(ctx, 1, conv.ID)
		is.NoErr(err)
	}
	check("unread")
	muted, unmuted := true, false
	_, err = s.UpdateConversation(ctx, 1, convs[0].ID, convo.ConversationUpdate{Muted: &muted})
	is.NoErr(err)
	_, err = s.ChangeStatus(ctx, 1, convs[1].ID, convo.StatusChange{Status: convo.StatusSnoozed, Quiet: true})
	is.NoErr(err)
	_, err = s.UpdateConversation(ctx, 1, convs[1].ID, convo.ConversationUpdate{Muted: &muted, Quiet: true})
	is.NoErr(err)
	check("muted")
	now = now.Add(time.Second)
	_, err = s.AddMessage(ctx, 1, convs[0].ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "still here"})
	is.NoErr(err)
	blocked, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail,
		HappenedAt: now, AssigneeID: agent})
	is.NoErr(err)
	is.Equal(blocked.Status, convo.StatusResolved)
	check("incoming while muted, created while blocked")
	_, err = s.UpdateConversation(ctx, 1, convs[0].ID, convo.ConversationUpdate{Muted: &unmuted})
	is.NoErr(err)
	now = now.Add(time.Second)
	_, err = s.AddMessage(ctx, 1, convs[0].ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "reopens"})
	is.NoErr(err)
	check("unmuted and reopened")
}
