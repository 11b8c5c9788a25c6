package postgres

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// maxAttempts bounds how often a write that lost a serialization race or
// a deadlock is run again before its error reaches the caller.
const maxAttempts = 8

// write runs fn in one READ COMMITTED transaction: one transaction per
// public call (of account accountID, 0 for none), one timestamp for every
// row it writes. Rows are locked as they are written (an append locks its
// conversation's row first), and a call that meets a deadlock or a
// serialization failure is run again from the start, up to maxAttempts
// times. Overdue snoozes wake first; the changes fn logs are stored last
// (record.go), after a trim of the feed when one is due.
func (s *Store) write(ctx context.Context, accountID int64, fn func(tx *wtx, now time.Time) error) error {
	if s.closed.Load() {
		return convo.ErrClosed
	}
	if s.readOnly {
		return convo.ErrReadOnly
	}
	var log backend.ChangeLog
	var err error
	trim := false
	for range maxAttempts {
		log.Reset()
		err = s.writeTx(ctx, func(ptx pgx.Tx) error {
			tx := &wtx{Tx: ptx, changes: &log, account: accountID, store: s}
			now := tx.clock()
			if err := wakeSnoozes(ctx, tx, now); err != nil {
				return err
			}
			if err := fn(tx, now); err != nil {
				return err
			}
			if trim = trim || s.trimDue(now, true); trim {
				if err := s.trimChanges(ctx, tx, now); err != nil {
					return err
				}
			}
			return tx.record(ctx)
		})
		if !retryable(err) || ctx.Err() != nil {
			break
		}
	}
	if err == nil {
		s.waiters.wake(changedAccounts(log.Changes())...)
	}
	return s.result(ctx, err)
}

// writePipelined runs fn, a write that sends its own BEGIN and COMMIT, on
// a connection of the pool, with write's checks and retries: fn pipelines
// BEGIN with its first statement and COMMIT with its last, two round trips
// fewer than write. A transaction fn leaves open is rolled back. It is not
// for a store with replicas (writeTx's LSN): callers take write then, but
// for Vacuum, which changes nothing a read sees.
func (s *Store) writePipelined(ctx context.Context, fn func(conn *pgx.Conn) error) error {
	if s.closed.Load() {
		return convo.ErrClosed
	}
	if s.readOnly {
		return convo.ErrReadOnly
	}
	var err error
	for range maxAttempts {
		err = s.onConn(ctx, fn)
		if !retryable(err) || ctx.Err() != nil {
			break
		}
	}
	return s.result(ctx, err)
}

// onConn runs fn on a connection of the pool, then rolls back what fn left
// open; a connection that cannot roll back is closed, not reused.
func (s *Store) onConn(ctx context.Context, fn func(conn *pgx.Conn) error) error {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer pc.Release()
	conn := pc.Conn()
	err = fn(conn)
	if conn.PgConn().TxStatus() != 'I' && !conn.IsClosed() {
		if _, rerr := conn.Exec(ctx, "ROLLBACK"); rerr != nil {
			conn.Close(ctx)
		}
	}
	return err
}

// read runs fn in one read-only REPEATABLE READ transaction, so that every
// query of a call sees the same snapshot. An overdue snooze (set by any
// instance) is woken first, so that it reads as open.
func (s *Store) read(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.readBatch(ctx, nil, fn)
}

// readBatch is read whose first queries are queued on a batch: they reach
// the server in one round trip with the BEGIN and the snooze probe (and
// with the COMMIT when fn is nil), then fn runs in the same transaction.
// queue runs again when the snapshot held an overdue snooze, so its
// callbacks must set the caller's results, not add to them, and should
// return only the errors of the rows (a domain error would make pgx drop
// the batch's prepared statements).
func (s *Store) readBatch(ctx context.Context, queue func(b *pgx.Batch), fn func(tx pgx.Tx) error) error {
	if s.closed.Load() {
		return convo.ErrClosed
	}
	for attempt := 0; ; attempt++ {
		// A read-only store cannot wake a snooze: it reads it as it is.
		// So does the last attempt, should snoozes keep coming due.
		var due bool
		probe := !s.readOnly && attempt < 2
		err := s.readTx(ctx, func(conn *pgx.Conn) (bool, error) {
			return readOnce(ctx, conn, s.clock(), probe, &due, queue, fn)
		})
		if !due {
			return s.result(ctx, err)
		}
		if err := s.write(ctx, 0, func(*wtx, time.Time) error { return nil }); err != nil {
			return err
		}
	}
}

// readOnce runs one read transaction on conn: BEGIN, the snooze probe
// (with probe, into *due) and the queued queries in one batch (with the
// COMMIT when fn is nil), then fn and the COMMIT, unless a snooze is
// overdue. It reports whether the transaction began.
func readOnce(ctx context.Context, conn *pgx.Conn, now time.Time, probe bool, due *bool,
	queue func(b *pgx.Batch), fn func(tx pgx.Tx) error) (began bool, err error) {
	b := &pgx.Batch{}
	b.BeginTx(readSnapshot)
	b.QueuedQueries[0].Exec(func(pgconn.CommandTag) error { began = true; return nil })
	if probe {
		b.Queue(snoozeIsDue, now).QueryRow(func(row pgx.Row) error { return row.Scan(due) })
	}
	if queue != nil {
		queue(b)
	}
	if fn == nil {
		b.Queue(commit)
	}
	br := conn.SendBatch(ctx, b)
	tx := br.Tx()
	defer tx.Rollback(ctx) //nolint:errcheck // closed already, but after a failure
	if err := br.Close(); err != nil || fn == nil || *due {
		return began, err
	}
	if err := fn(tx); err != nil {
		return began, err
	}
	return began, tx.Commit(ctx)
}

// commit ends a read whose every query went in its batch.
const commit = `COMMIT`

// result translates err, preferring the context's error when the call was
// cancelled or timed out.
func (s *Store) result(ctx context.Context, err error) error {
	return backend.Result(ctx, err, s.closed.Load(), translate)
}

// clock returns the store's time: UTC, truncated to what the database
// keeps. The caller's clock need not be safe for concurrent use (a test's
// fake one), and calls here run at once: it is read under a lock.
func (s *Store) clock() time.Time {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	return backend.StoredTime(s.now())
}

const (
	// wakeSnoozed reopens every conversation whose snooze time has passed.
	wakeSnoozed = `UPDATE convo_conversations SET status = 0, snoozed_until = NULL, updated_at = $1
WHERE status = 3 AND snoozed_until <= $1 RETURNING account_id, id, contact_id`
	// snoozeIsDue asks whether a snooze has ended: one probe of the
	// partial index of snoozes.
	snoozeIsDue = `SELECT EXISTS (SELECT 1 FROM convo_conversations WHERE status = 3 AND snoozed_until <= $1)`
)

// wakeSnoozes reopens the overdue snoozes of every account, when there
// are, and logs each as the update of its conversation.
func wakeSnoozes(ctx context.Context, tx *wtx, now time.Time) error {
	due, err := snoozeDue(ctx, tx, now)
	if err != nil || !due {
		return err
	}
	rows, err := tx.Query(ctx, wakeSnoozed, now)
	if err != nil {
		return err
	}
	woken, err := pgx.CollectRows(rows, pgx.RowToStructByPos[wokenSnooze])
	if err != nil {
		return err
	}
	slices.SortFunc(woken, func(a, b wokenSnooze) int { return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.ID, b.ID)) })
	for _, w := range woken {
		tx.log(store.Change{Kind: store.ConversationUpdated, AccountID: w.Account, ContactID: w.Contact,
			ConversationID: w.ID, Fields: []string{"snoozed_until", "status"}})
	}
	return nil
}

// wokenSnooze is a row of wakeSnoozed.
type wokenSnooze struct{ Account, ID, Contact int64 }

func snoozeDue(ctx context.Context, tx pgx.Tx, now time.Time) (bool, error) {
	var due bool
	err := tx.QueryRow(ctx, snoozeIsDue, now).Scan(&due)
	return due, err
}
