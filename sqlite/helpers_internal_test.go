package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// openFileStore opens a store on a new file that closes when the test
// ends.
func openFileStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "convo.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

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

// loadSegments adds 1,200 messages to a new conversation of account 1 in
// twelve indexing rounds, each a segment of the index.
func loadSegments(t *testing.T, s *Store) (conversationID int64) {
	is := is.New(t)
	ctx := context.Background()
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	is.NoErr(err)
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()})
	is.NoErr(err)
	for i := range 12 {
		batch := make([]store.MessageTo, 100)
		for k := range batch {
			batch[k] = store.MessageTo{ConversationID: conv.ID,
				Message: convo.NewMessage{Type: convo.MessageIncoming, Content: fmt.Sprintf("invoice round%d item%d", i, k)}}
		}
		_, err := s.AddMessages(ctx, 1, batch)
		is.NoErr(err)
		is.NoErr(s.index.catchUp(ctx))
	}
	return conv.ID
}

// segments counts the segments of the message index.
func segments(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	err := s.read(context.Background(), func(tx *dbtx) error {
		return tx.GetContext(context.Background(), &n, `SELECT count(DISTINCT segid) FROM convo_messages_fts_idx`)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
