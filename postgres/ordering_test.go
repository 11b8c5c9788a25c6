package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestTimesFollowCommits: an append that waited for the conversation's
// lock behind another write (a read mark, a status change, an edit, a
// reaction) is newer than that write. A clock read before the lock would
// give the message a time before the one the other write committed: after
// a MarkRead, the message would count as read.
func TestTimesFollowCommits(t *testing.T) {
	ctx := context.Background()
	agent := uuid.New()
	for _, w := range []struct {
		name string
		// write writes, and returns the time it committed.
		write func(s *Store, conv convo.Conversation, first convo.Message) (time.Time, error)
	}{
		{"MarkRead", func(s *Store, conv convo.Conversation, _ convo.Message) (time.Time, error) {
			c, err := s.MarkRead(ctx, 1, conv.ID, agent)
			return c.AgentLastSeenAt, err
		}},
		{"ChangeStatus", func(s *Store, conv convo.Conversation, _ convo.Message) (time.Time, error) {
			c, err := s.ChangeStatus(ctx, 1, conv.ID, convo.StatusChange{Status: convo.StatusPending})
			return c.UpdatedAt, err
		}},
		{"UpdateMessage", func(s *Store, _ convo.Conversation, first convo.Message) (time.Time, error) {
			m, err := s.UpdateMessage(ctx, 1, first.ID, convo.MessageUpdate{Content: new("edited")})
			return m.EditedAt, err
		}},
		{"AddReaction", func(s *Store, _ convo.Conversation, first convo.Message) (time.Time, error) {
			if _, err := s.AddReaction(ctx, 1, first.ID, convo.UserActor(agent), "👍"); err != nil {
				return time.Time{}, err
			}
			page, err := s.ListReactions(ctx, 1, first.ID, store.ReactionFilter{})
			if err != nil || len(page.Items) != 1 {
				return time.Time{}, fmt.Errorf("reactions %v: %w", page.Items, err)
			}
			return page.Items[0].CreatedAt, nil
		}},
	} {
		t.Run(w.name, func(t *testing.T) {
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
			conv := newConversation(t, s, 1)
			first, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "first", AuthorID: agent})
			if err != nil {
				t.Fatal(err)
			}
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

			// Hold the conversation's row, queue the write behind it, then
			// an append behind both.
			if _, err := locker.Exec(ctx, `BEGIN`); err != nil {
				t.Fatal(err)
			}
			if _, err := locker.Exec(ctx, lockConversation, int64(1), conv.ID); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var wrote time.Time
			var writeErr, addErr error
			var added convo.Message
			wg.Go(func() { wrote, writeErr = w.write(s, conv, first) })
			waiting(1)
			wg.Go(func() {
				added, addErr = s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "after the write"})
			})
			waiting(2)
			if _, err := locker.Exec(ctx, `COMMIT`); err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			if writeErr != nil || addErr != nil {
				t.Fatal(writeErr, addErr)
			}
			if !added.CreatedAt.After(wrote) {
				t.Errorf("the message appended after the write has time %v, not after the write's %v", added.CreatedAt, wrote)
			}
			if w.name == "MarkRead" {
				got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if got.UnreadCount != 1 {
					t.Errorf("the message appended after the read mark counts %d unread, want 1", got.UnreadCount)
				}
			}
		})
	}
}
