package sqlite

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
)

// pollEvery is how often a store whose file other processes may write
// looks for their changes while someone waits in WaitChanges.
const pollEvery = 100 * time.Millisecond

// feed wakes the WaitChanges calls of a store: at once when the store
// itself commits a change, and, for a file, when a poll finds that the
// newest position of an account someone waits on moved (another process
// committed). The poll runs only while someone waits, and borrows a
// reader for each look.
type feed struct {
	mu      sync.Mutex
	changed chan struct{} // closed, and replaced, when changes commit
	waiting map[int64]int // accounts waited on, with their waiters
	polling bool
	closed  bool           // no poll starts after close
	poller  sync.WaitGroup // the poll, while it runs
	done    chan struct{}  // closed by Close
}

func newFeed() *feed {
	return &feed{changed: make(chan struct{}), waiting: map[int64]int{}, done: make(chan struct{})}
}

// signal is a channel closed at the next wake.
func (f *feed) signal() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changed
}

// wake wakes every waiter.
func (f *feed) wake() {
	f.mu.Lock()
	defer f.mu.Unlock()
	close(f.changed)
	f.changed = make(chan struct{})
}

// close ends every wait and the poll, and waits for the poll to end, so
// that it uses no connection after Close.
func (f *feed) close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	close(f.done)
	f.poller.Wait()
}

// WaitChanges implements store.Store.
func (s *Store) WaitChanges(ctx context.Context, accountID, after int64) error {
	if err := backend.CheckChanges(accountID, after, nil); err != nil {
		return err
	}
	f := s.feed
	f.mu.Lock()
	f.waiting[accountID]++
	startPoll := s.polls && !f.polling && !f.closed
	f.polling = f.polling || startPoll
	if startPoll {
		f.poller.Add(1)
	}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		if f.waiting[accountID]--; f.waiting[accountID] == 0 {
			delete(f.waiting, accountID)
		}
		f.mu.Unlock()
	}()
	if startPoll {
		go s.poll()
	}
	for {
		changed := f.signal() // before the read: a commit after it wakes us
		var head int64
		err := s.read(ctx, func(tx *dbtx) error { return tx.GetContext(ctx, &head, accountHead, accountID) })
		if err != nil {
			return err
		}
		if head > after {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-f.done:
			return convo.ErrClosed
		}
	}
}

// poll wakes the waiters when the newest position of an account waited on
// moves, for as long as anyone waits.
func (s *Store) poll() {
	f := s.feed
	defer f.poller.Done()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	last := map[int64]int64{}
	for {
		f.mu.Lock()
		if len(f.waiting) == 0 {
			f.polling = false
			f.mu.Unlock()
			return
		}
		accounts := slices.Collect(maps.Keys(f.waiting))
		f.mu.Unlock()
		// Straight to the readers: read would wake snoozes with the
		// caller's clock, which need not be safe for this goroutine.
		ctx := context.Background()
		var heads []pairRow
		err := s.readers.inTx(ctx, func(tx *dbtx) (err error) {
			heads, err = queryRows[pairRow](ctx, tx, accountHeads, idsJSON(accounts))
			return err
		})
		// An account seen for the first time wakes its waiters too: a
		// change may have come between their look and this one.
		moved := false
		heard := make(map[int64]int64, len(heads))
		for _, h := range heads {
			if prev, seen := last[h.A]; !seen || prev != h.B {
				moved = true
			}
			heard[h.A] = h.B
		}
		if err == nil {
			last = heard
		}
		if err == nil && moved {
			f.wake()
		}
		select {
		case <-t.C:
		case <-f.done:
			f.mu.Lock()
			f.polling = false
			f.mu.Unlock()
			return
		}
	}
}
