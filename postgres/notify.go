package postgres

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// WaitChanges waits on a broadcast per account: a channel that is closed,
// then replaced, when a change of the account commits. A write of this
// Store closes it after its commit; the writes of other Stores (in this
// process or another) reach it through LISTEN/NOTIFY: every write with
// changes notifies notifyChannel with its account's id in its last
// statement (record.go), and the Store keeps one connection of its own,
// outside its pools, that listens, opened when the first waiter comes.

// notifyChannel is the channel of NOTIFY that writes with changes notify.
const notifyChannel = "convo_changes"

// Bounds of the pause before the listener connects again after a failure.
const (
	listenRetryMin = 50 * time.Millisecond
	listenRetryMax = 5 * time.Second
)

// waiters are a Store's calls of WaitChanges, and its listener.
type waiters struct {
	connect func(ctx context.Context) (*pgx.Conn, error)
	log     *slog.Logger

	mu        sync.Mutex
	byAccount map[int64]chan struct{} // closed at the account's next change
	ready     chan struct{}           // closed once the listener listens
	started   bool
	cancel    context.CancelFunc // ends the listener
	done      chan struct{}      // closed when the listener has ended

	closed chan struct{} // closed by close
}

func newWaiters(connect func(ctx context.Context) (*pgx.Conn, error), log *slog.Logger) *waiters {
	return &waiters{connect: connect, log: log, byAccount: map[int64]chan struct{}{},
		ready: make(chan struct{}), done: make(chan struct{}), closed: make(chan struct{})}
}

// watch returns the channel closed at the account's next change, and the
// one closed once the listener listens, which it starts on first use.
func (w *waiters) watch(accountID int64) (changed, ready <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.started {
		w.started = true
		ctx, cancel := context.WithCancel(context.Background())
		w.cancel = cancel
		go w.listen(ctx)
	}
	ch := w.byAccount[accountID]
	if ch == nil {
		ch = make(chan struct{})
		w.byAccount[accountID] = ch
	}
	return ch, w.ready
}

// wake wakes the waiters of the accounts.
func (w *waiters) wake(accountIDs ...int64) {
	if len(accountIDs) == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, id := range accountIDs {
		if ch := w.byAccount[id]; ch != nil {
			close(ch)
			delete(w.byAccount, id)
		}
	}
}

// wakeAll wakes every waiter: the listener lost its connection, and with
// it the notifications until it listens again.
func (w *waiters) wakeAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, ch := range w.byAccount {
		close(ch)
		delete(w.byAccount, id)
	}
}

// close ends the listener and wakes every waiter, who then finds the
// store closed.
func (w *waiters) close() {
	close(w.closed)
	w.mu.Lock()
	started, cancel := w.started, w.cancel
	w.started = true // no listener starts after close
	w.mu.Unlock()
	if started && cancel != nil {
		cancel()
		<-w.done
	}
	w.wakeAll()
}

// listen keeps a connection that listens to notifyChannel, and wakes the
// waiters of each account notified, until ctx ends. A connection lost is
// opened again, after a pause that grows while it keeps failing.
func (w *waiters) listen(ctx context.Context) {
	defer close(w.done)
	pause := listenRetryMin
	for ctx.Err() == nil {
		conn, err := w.connect(ctx)
		if err == nil {
			if _, err = conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
				conn.Close(context.Background())
			}
		}
		if err != nil {
			if ctx.Err() == nil {
				w.log.Debug("convo: change listener cannot connect", "err", err, "retry_in", pause)
			}
			select {
			case <-ctx.Done():
			case <-time.After(pause):
			}
			pause = min(2*pause, listenRetryMax)
			continue
		}
		pause = listenRetryMin
		w.mu.Lock()
		close(w.ready)
		w.mu.Unlock()
		for {
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				break
			}
			if id, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
				w.wake(id)
			}
		}
		conn.Close(context.Background())
		w.mu.Lock()
		w.ready = make(chan struct{})
		w.mu.Unlock()
		w.wakeAll()
	}
}

// WaitChanges implements store.Store.
func (s *Store) WaitChanges(ctx context.Context, accountID, after int64) error {
	if err := backend.CheckChanges(accountID, after, nil); err != nil {
		return err
	}
	if err := s.open(); err != nil {
		return err
	}
	changed, ready := s.waiters.watch(accountID)
	select {
	case <-ready:
	default:
		// Not listening yet: a change that commits before it does would
		// not be told. Look now, so that a database that cannot be reached
		// is an error, not a wait; then again once listening.
		if head, err := s.head(ctx, accountID); err != nil || (after != store.FromNow && head > after) {
			return err
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.waiters.closed:
			return convo.ErrClosed
		}
	}
	head, err := s.head(ctx, accountID)
	if err != nil || (after != store.FromNow && head > after) {
		return err
	}
	select {
	case <-changed:
		return s.open()
	case <-ctx.Done():
		return ctx.Err()
	case <-s.waiters.closed:
		return convo.ErrClosed
	}
}

// selectHead is the newest position of an account, 0 before its first
// change.
const selectHead = `SELECT coalesce((SELECT position FROM convo_change_heads WHERE account_id = $1), 0)`

// head reads the account's newest position on the primary, which every
// write reaches first (a replica may not have replayed what was notified).
func (s *Store) head(ctx context.Context, accountID int64) (int64, error) {
	var head int64
	err := s.pool.QueryRow(ctx, selectHead, accountID).Scan(&head)
	return head, s.result(ctx, err)
}
