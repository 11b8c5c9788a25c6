package postgres

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/matryer/is"

	"github.com/convokit/convo"
)

// mergePair makes two conversations of contact with a message each, and
// returns them with the second's message.
func mergePair(t *testing.T, s *Store, contact convo.Contact) (a, b convo.Conversation, m convo.Message) {
	t.Helper()
	ctx := context.Background()
	var err error
	for _, c := range []*convo.Conversation{&a, &b} {
		if *c, err = s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID,
			Channel: convo.ChannelEmail, HappenedAt: contact.CreatedAt, Labels: []string{"billing"}}); err != nil {
			t.Fatal(err)
		}
		if m, err = s.AddMessage(ctx, 1, c.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hello"}); err != nil {
			t.Fatal(err)
		}
	}
	return a, b, m
}

// TestMergeConversationsBothWays runs two merges of one pair at once, each
// the other way round: one merges, the other finds its kept conversation
// gone, and what the store maintains stays true.
func TestMergeConversationsBothWays(t *testing.T) {
	ctx := context.Background()
	is := is.New(t)
	s := openStore(t, newConvoDatabase(t), Options{})
	contact, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	is.NoErr(err)
	for range 10 {
		a, b, _ := mergePair(t, s, contact)
		var wg sync.WaitGroup
		var errs [2]error
		for i, ids := range [][2]int64{{a.ID, b.ID}, {b.ID, a.ID}} {
			wg.Go(func() { _, errs[i] = s.MergeConversations(ctx, 1, ids[0], ids[1]) })
		}
		wg.Wait()
		is.True((errs[0] == nil) != (errs[1] == nil)) // one merged
		for _, err := range errs {
			is.True(err == nil || errors.Is(err, convo.ErrNotFound))
		}
	}
	is.NoErr(checkInvariants(ctx, s))
}

// TestMergeWhileWritingAMessage writes to a message of a conversation that
// is merged while the write waits for its lock: the write finds the
// message in the kept conversation, where the merge moved it.
func TestMergeWhileWritingAMessage(t *testing.T) {
	ctx := context.Background()
	is := is.New(t)
	url := newConvoDatabase(t)
	s := openStore(t, url, Options{})
	contact, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	is.NoErr(err)
	keep, merge, m := mergePair(t, s, contact)

	// A transaction of its own holds the merged conversation's row while
	// the merge, then the edit, queue for it.
	conn, err := pgx.Connect(ctx, url)
	is.NoErr(err)
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	is.NoErr(err)
	_, err = tx.Exec(ctx, lockConversation, int64(1), merge.ID)
	is.NoErr(err)
	waiting := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			var got int
			is.NoErr(s.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&got))
			if got >= n {
				return
			}
		}
		t.Fatalf("%d writes never waited for the lock", n)
	}
	merged := make(chan error, 1)
	go func() { _, err := s.MergeConversations(ctx, 1, keep.ID, merge.ID); merged <- err }()
	waiting(1)
	edited := make(chan error, 1)
	var got convo.Message
	go func() {
		var err error
		got, err = s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: new("hello, edited")})
		edited <- err
	}()
	waiting(2)
	is.NoErr(tx.Rollback(ctx))
	is.NoErr(<-merged)
	is.NoErr(<-edited)
	is.Equal(got.ConversationID, keep.ID)
	is.Equal(got.Content, "hello, edited")
	is.NoErr(checkInvariants(ctx, s))
}
