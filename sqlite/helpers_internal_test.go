package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/convokit/convo"
)

// newTestConversation creates a contact of account 1 and an email
// conversation with it.
func newTestConversation(t *testing.T, s *Store) convo.Conversation {
	t.Helper()
	ctx := context.Background()
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return conv
}
