package sqlite

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestMigrateParticipants upgrades a database written at schema version 1
// and checks that authors become participants and that unseen counts start
// true for writers and for readers that never read.
func TestMigrateParticipants(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sqlx.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	all := migrations
	migrations = all[:1]
	err = migrate(ctx, db, time.Now, slog.New(slog.DiscardHandler))
	migrations = all
	if err != nil {
		t.Fatal(err)
	}
	author := uuid.New()
	for _, q := range []string{
		`INSERT INTO contacts (id, account_id, first_name, created_at, updated_at) VALUES (1, 1, 'A', 0, 0)`,
		`INSERT INTO conversations (id, uuid, account_id, contact_id, channel, author_id, status, happened_at, created_at,
			updated_at, last_activity_at, last_seq) VALUES (1, '` + uuid.NewString() + `', 1, 1, 'email', '` + author.String() + `', 0, 0, 0, 0, 0, 4)`,
		`INSERT INTO messages (account_id, conversation_id, seq, content, content_type, message_type, status, sender_type,
			author_id, written_at, created_at, updated_at) VALUES
			(1, 1, 1, 'hi', 'text', 0, 'sent', 'contact', NULL, 0, 0, 0),
			(1, 1, 2, 'hello', 'text', 1, 'sent', 'user', '` + author.String() + `', 0, 0, 0),
			(1, 1, 3, 'again', 'text', 0, 'sent', 'contact', NULL, 0, 0, 0),
			(1, 1, 4, 'resolved', 'text', 2, 'sent', 'system', NULL, 0, 0, 0)`,
		`INSERT INTO conversation_labels (conversation_id, label) VALUES (1, 'vip'), (1, 'billing')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	db.Close()

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.GetConversation(ctx, 1, 1, store.GetConversationOptions{Viewer: &convo.Viewer{UserID: author}})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.UserIDs) != 1 || c.UserIDs[0] != author || c.UnseenMessagesCount != 1 {
		t.Errorf("author: participants %v, unseen %d; want the author, 1 (the message after theirs)", c.UserIDs, c.UnseenMessagesCount)
	}
	if len(c.Labels) != 2 || c.Labels[0] != "billing" || c.Labels[1] != "vip" {
		t.Errorf("labels after migration: %v, want [billing vip]", c.Labels)
	}
	reader := uuid.New()
	if _, err := s.AddParticipants(ctx, 1, 1, convo.ParticipantChange{UserIDs: []uuid.UUID{reader}}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountUnseen(ctx, 1, convo.Viewer{UserID: reader}); err != nil || n != 3 {
		t.Errorf("a new reader counts %d unseen (%v), want 3 (every message but the activity)", n, err)
	}
}
