package sqlite

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
)

// write runs fn in one IMMEDIATE transaction on the writer connection: one
// transaction per public call, one timestamp for every row it writes.
func (s *Store) write(ctx context.Context, fn func(tx *dbtx, now time.Time) error) error {
	s.calls.begin()
	defer s.calls.end()
	return s.writeTx(ctx, func(tx *dbtx) error {
		// The clock is read once the write lock is held, so that times
		// follow the order of commits: a call that waited for the lock
		// must not write a time older than what committed before it (a
		// message older than the read mark it arrived after).
		now := s.clock()
		tx.changes.Reset()
		if s.snoozes.due(now) {
			if err := s.snoozes.wake(ctx, tx, now); err != nil {
				return err
			}
		}
		if err := fn(tx, now); err != nil {
			return err
		}
		if err := s.trimChanges(ctx, tx, now); err != nil {
			return err
		}
		return flushChanges(ctx, tx, now)
	})
}

// writeTx is write without the clock, for the store's own goroutines: they
// must not call the caller's clock, which need not be safe for concurrent
// use (a test's fake one).
func (s *Store) writeTx(ctx context.Context, fn func(tx *dbtx) error) error {
	if s.closed.Load() {
		return convo.ErrClosed
	}
	if s.readOnly {
		return convo.ErrReadOnly
	}
	if s.in != nil {
		err := s.inHost(ctx, fn)
		if len(s.in.tx.changes.Changes()) > 0 {
			// Waiters look at once; they find the changes when the host
			// commits, or at the next poll.
			s.feed.wake()
		}
		return err
	}
	start := time.Now()
	var changed bool // the call logged changes
	var added int64  // the newest message the call added
	err := s.result(ctx, s.writer.inTx(ctx, func(tx *dbtx) error {
		if err := fn(tx); err != nil {
			return err
		}
		added = tx.added
		changed = len(tx.changes.Changes()) > 0
		if added > 0 && s.indexInline {
			_, err := indexAfterMark(ctx, tx, math.MaxInt)
			return err
		}
		return nil
	}))
	s.logWrite(ctx, start, err)
	if err != nil {
		return err
	}
	if s.ckpt != nil {
		s.ckpt.wrote()
	}
	if changed {
		s.feed.wake()
	}
	if added > 0 && s.index != nil {
		s.index.wrote(added)
	}
	return nil
}

// read runs fn in one read transaction of the reader pool, so that every
// query of a call sees the same snapshot.
func (s *Store) read(ctx context.Context, fn func(tx *dbtx) error) error {
	if s.closed.Load() {
		return convo.ErrClosed
	}
	s.calls.begin()
	defer s.calls.end()
	for range 2 {
		if s.snoozes.due(s.clock()) {
			// An overdue snooze must read as open: reopen it first.
			if err := s.write(ctx, func(*dbtx, time.Time) error { return nil }); err != nil {
				return err
			}
		}
		if s.in != nil {
			return s.readHost(ctx, fn)
		}
		err := s.readers.inTx(ctx, func(tx *dbtx) error {
			if s.shared {
				if err := s.snoozes.notice(ctx, tx); err != nil {
					return err
				}
				if s.snoozes.due(s.clock()) {
					return errSnoozeDue
				}
			}
			return fn(tx)
		})
		if !errors.Is(err, errSnoozeDue) {
			return s.result(ctx, err)
		}
	}
	// Woken, and another snooze of another process ended meanwhile: read.
	return s.result(ctx, s.readers.inTx(ctx, fn))
}

// errSnoozeDue ends a read whose snapshot holds an overdue snooze set by
// another process: read wakes it and reads again.
var errSnoozeDue = errors.New("sqlite: a snooze is overdue")

// result translates err, preferring the context's error when the call was
// cancelled or timed out.
func (s *Store) result(ctx context.Context, err error) error {
	return backend.Result(ctx, err, s.closed.Load(), translate)
}

// clock returns the store's time: UTC, truncated to what the database keeps.
func (s *Store) clock() time.Time { return backend.StoredTime(s.now()) }
