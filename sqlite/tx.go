package sqlite

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/convokit/convo"
)

// inTx runs fn in a transaction of db, committing when fn returns nil. The
// deferred rollback also runs when fn panics, so no transaction is left open.
func inTx(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// write runs fn in one IMMEDIATE transaction on the writer connection: one
// transaction per public call, one timestamp for every row it writes.
func (s *Store) write(ctx context.Context, fn func(tx *sqlx.Tx, now time.Time) error) error {
	if s.closed.Load() {
		return convo.ErrClosed
	}
	if s.readOnly {
		return convo.ErrReadOnly
	}
	now := s.clock()
	return s.result(ctx, inTx(ctx, s.w, func(tx *sqlx.Tx) error {
		if s.snoozes.due(now) {
			if err := s.snoozes.wake(ctx, tx, now); err != nil {
				return err
			}
		}
		return fn(tx, now)
	}))
}

// read runs fn in one read transaction of the reader pool, so that every
// query of a call sees the same snapshot.
func (s *Store) read(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if s.closed.Load() {
		return convo.ErrClosed
	}
	if s.snoozes.due(s.clock()) {
		// An overdue snooze must read as open: reopen it first.
		if err := s.write(ctx, func(*sqlx.Tx, time.Time) error { return nil }); err != nil {
			return err
		}
	}
	return s.result(ctx, inTx(ctx, s.r, fn))
}

// result translates err, preferring the context's error when the call was
// cancelled or timed out.
func (s *Store) result(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if s.closed.Load() {
		return convo.ErrClosed
	}
	return translate(err)
}

// clock returns the store's time: UTC, truncated to what the database keeps.
func (s *Store) clock() time.Time { return storedTime(s.now()) }
