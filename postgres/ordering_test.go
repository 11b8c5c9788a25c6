package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestTimesFollowCommits: an append that waited for the conversation's
// lock behind a MarkRead is not older than the read mark, so it counts as
// unread. A clock read before the lock would give the message a time
// before the mark the MarkRead committed.
func TestTimesFollowCommits(t *testing.T) {
	ctx := context.Background()
	url := newConvoDatabase(t)
	var mu sync.Mutex
	clock := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tick := func() time.Time { // a millisecond a reading
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Millisecond)
		return clock
	}
	s := openStore(t, url, Options{Now: tick})
	conv := newConversation(t, s)
	locker, watcher := rawConn(t, url), rawConn(t, url)
	waiting := func(n int) { // until n calls wait for a lock
		for range 500 {
			var k int
			if err := watcher.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND datname = current_database()`).Scan(&k); err != nil {
				t.Fatal(err)
			}
			if k >= n {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("%d calls never waited for the lock", n)
	}

	// Hold the conversation's row, queue a MarkRead behind it, then an
	// append behind both.
	if _, err := locker.Exec(ctx, `BEGIN`); err != nil {
		t.Fatal(err)
	}
	if _, err := locker.Exec(ctx, lockConversation, int64(1), conv.ID); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var readErr, addErr error
	wg.Go(func() { _, readErr = s.MarkRead(ctx, 1, conv.ID, uuid.New()) })
	waiting(1)
	wg.Go(func() {
		_, addErr = s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "after the read"})
	})
	waiting(2)
	if _, err := locker.Exec(ctx, `COMMIT`); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if readErr != nil || addErr != nil {
		t.Fatal(readErr, addErr)
	}
	got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.UnreadCount != 1 {
		t.Fatalf("the message appended after the read mark counts %d unread, want 1 (read at %v, last activity %v)",
			got.UnreadCount, got.AgentLastSeenAt, got.LastActivityAt)
	}
}
