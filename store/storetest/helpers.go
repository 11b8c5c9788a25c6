package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

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
