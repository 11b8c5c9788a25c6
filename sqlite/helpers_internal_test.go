package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/convokit/convo"
)

// newTestContact creates a contact of the account.
func newTestContact(t *testing.T, s *Store, accountID int64) convo.Contact {
	t.Helper()
	c, err := s.CreateContact(context.Background(), accountID, convo.NewContact{FirstName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newTestConversation creates a contact of account 1 and an email
// conversation with it.
func newTestConversation(t *testing.T, s *Store) convo.Conversation {
	t.Helper()
	c := newTestContact(t, s, 1)
	conv, err := s.CreateConversation(context.Background(), 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return conv
}
