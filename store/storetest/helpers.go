package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// fixedTime is the clock of stores that need no moving clock.
var fixedTime = time.Date(2026, 5, 4, 10, 30, 0, 123456000, time.UTC)

func fixed() time.Time { return fixedTime }

func mustCreateContact(t *testing.T, s store.Store, account int64, in convo.NewContact) convo.Contact {
	t.Helper()
	c, err := s.CreateContact(context.Background(), account, in)
	if err != nil {
		t.Fatalf("create contact: %v", err)
	}
	return c
}

func mustCreateConversation(t *testing.T, s store.Store, account, contactID int64) convo.Conversation {
	t.Helper()
	c, err := s.CreateConversation(context.Background(), account, convo.NewConversation{
		ContactID: contactID, Channel: convo.ChannelEmail, HappenedAt: fixedTime.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatalf("create conversation: %v", err)
	}
	return c
}

func mustAddMessage(t *testing.T, s store.Store, account, convID int64, in convo.NewMessage) convo.Message {
	t.Helper()
	m, err := s.AddMessage(context.Background(), account, convID, in)
	if err != nil {
		t.Fatalf("add message: %v", err)
	}
	return m
}

// seeded is a store with a contact and a conversation in account 1.
func seeded(t *testing.T, newStore NewStore) (store.Store, convo.Contact, convo.Conversation) {
	t.Helper()
	s := newStore(t, fixed)
	c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "John", LastName: "Doe", Email: "john@example.com"})
	return s, c, mustCreateConversation(t, s, 1, c.ID)
}

func text(content string) convo.NewMessage {
	return convo.NewMessage{Type: convo.MessageIncoming, Content: content}
}

func isNotFound(err error) bool { return errors.Is(err, convo.ErrNotFound) }
func isConflict(err error) bool { return errors.Is(err, convo.ErrConflict) }

// countMessages is the number of messages of a conversation, read through
// the list (never from the maintained counter it may be checking).
func countMessages(t *testing.T, s store.Store, account, convID int64) int {
	t.Helper()
	n := 0
	cursor := ""
	for {
		page, err := s.ListMessages(context.Background(), account, convID, store.MessageFilter{Page: store.After(cursor, store.MaxPerPage)})
		if err != nil {
			t.Fatalf("list messages: %v", err)
		}
		n += len(page.Items)
		if page.Next == "" {
			return n
		}
		cursor = page.Next
	}
}

// chatUser is the participant of a chatFixture's conversation, and
// chatOther a user who takes no part in it.
var (
	chatUser  = uuid.MustParse("3b1f6c2a-7d4e-4a8b-9c0d-1e2f3a4b5c6d")
	chatOther = uuid.MustParse("9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4")
)

// chatFixture is a store on a settable clock with a contact and one of
// its conversations in account 1, chatUser taking part in it: what the
// replies, reactions, edits and tombstones tests share.
type chatFixture struct {
	s       store.Store
	clock   *feedClock
	contact convo.Contact
	conv    convo.Conversation
}

func newChat(t *testing.T, newStore NewStore) *chatFixture {
	t.Helper()
	clock := newFeedClock()
	s := newStore(t, clock.Now)
	c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Chat", Email: "chat@example.com"})
	conv, err := s.CreateConversation(context.Background(), 1, convo.NewConversation{ContactID: c.ID,
		Channel: convo.ChannelWhatsApp, HappenedAt: clock.Now(), UserIDs: []uuid.UUID{chatUser}})
	if err != nil {
		t.Fatalf("create conversation: %v", err)
	}
	return &chatFixture{s: s, clock: clock, contact: c, conv: conv}
}

// add adds a message to the fixture's conversation a second after the
// previous call, so that every message has a time of its own.
func (f *chatFixture) add(t *testing.T, in convo.NewMessage) convo.Message {
	t.Helper()
	f.clock.Advance(time.Second)
	return mustAddMessage(t, f.s, 1, f.conv.ID, in)
}

// get reads a message back.
func (f *chatFixture) get(t *testing.T, id int64) convo.Message {
	t.Helper()
	m, err := f.s.GetMessage(context.Background(), 1, id)
	if err != nil {
		t.Fatalf("get message %d: %v", id, err)
	}
	return m
}

// conversation reads the fixture's conversation back, as viewer v when
// given; CanReply, derived from the clock, is left out.
func (f *chatFixture) conversation(t *testing.T, v *convo.Viewer) convo.Conversation {
	t.Helper()
	c, err := f.s.GetConversation(context.Background(), 1, f.conv.ID, store.GetConversationOptions{Viewer: v})
	if err != nil {
		t.Fatalf("get conversation: %v", err)
	}
	c.CanReply = false
	return c
}

// react adds by's reaction a second after the previous call.
func (f *chatFixture) react(t *testing.T, id int64, by convo.Actor, reaction string) convo.Message {
	t.Helper()
	f.clock.Advance(time.Second)
	m, err := f.s.AddReaction(context.Background(), 1, id, by, reaction)
	if err != nil {
		t.Fatalf("add reaction %q by %v to %d: %v", reaction, by, id, err)
	}
	return m
}

// edit changes a message's content a second after the previous call.
func (f *chatFixture) edit(t *testing.T, id int64, content string, by *convo.Actor) convo.Message {
	t.Helper()
	f.clock.Advance(time.Second)
	m, err := f.s.UpdateMessage(context.Background(), 1, id, convo.MessageUpdate{Content: &content, EditedBy: by})
	if err != nil {
		t.Fatalf("edit message %d: %v", id, err)
	}
	return m
}

// remove deletes a message (leaving a tombstone) a second after the
// previous call.
func (f *chatFixture) remove(t *testing.T, id int64) {
	t.Helper()
	f.clock.Advance(time.Second)
	got, err := f.s.DeleteMessage(context.Background(), 1, id)
	if err != nil || got != id {
		t.Fatalf("delete message %d: %d, %v", id, got, err)
	}
}

// purge removes a message for good a second after the previous call.
func (f *chatFixture) purge(t *testing.T, id int64) {
	t.Helper()
	f.clock.Advance(time.Second)
	got, err := f.s.PurgeMessage(context.Background(), 1, id)
	if err != nil || got != id {
		t.Fatalf("purge message %d: %d, %v", id, got, err)
	}
}

// ids are the ids of ms, in order.
func ids(ms []convo.Message) []int64 {
	out := make([]int64, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

// replyTo is an incoming reply to message parent.
func replyTo(parent int64, content string) convo.NewMessage {
	in := text(content)
	in.ReplyToID = parent
	return in
}

// wantCode checks that err is a ValidationError naming field with code.
func wantCode(t *testing.T, err error, field, code string) {
	t.Helper()
	wantInvalid(t, err, field)
	var ve *convo.ValidationError
	errors.As(err, &ve)
	for _, fe := range ve.Errors {
		if fe.Field == field && fe.Code == code {
			return
		}
	}
	t.Fatalf("want code %q on %q, got %v", code, field, err)
}
