package sqlite

import (
	"context"
	"time"
)

// trimEvery is how often, by the store's clock, a write looks for expired
// changes; trimBatch the most it removes at once (a write that removes
// that many leaves the next write to go on).
const (
	trimEvery = time.Minute
	trimBatch = 1000
)

const (
	changesBounds   = `SELECT coalesce(min(position), 0), coalesce(max(position), 0) FROM convo_changes`
	changeAtOrAfter = `SELECT position, at FROM convo_changes WHERE position >= ? ORDER BY position LIMIT 1`

	consumerFloors = `SELECT account_id, min(position) FROM convo_change_consumers GROUP BY account_id`

	// trimUnheld removes changes up to ?1 (written before ?2) of accounts
	// without a consumer, and every change up to ?3 (past the cap).
	trimUnheld = `DELETE FROM convo_changes WHERE position IN (
	SELECT position FROM convo_changes WHERE position <= ?1 AND at < ?2
	AND (position <= ?3 OR account_id NOT IN (SELECT account_id FROM convo_change_consumers))
	ORDER BY position LIMIT ?4)
RETURNING account_id, position`

	// trimHeld removes an account's changes up to ?2, those its consumers
	// all acknowledged, written before ?3.
	trimHeld = `DELETE FROM convo_changes WHERE position IN (
	SELECT position FROM convo_changes WHERE account_id = ?1 AND position <= ?2 AND at < ?3
	ORDER BY position LIMIT ?4)
RETURNING account_id, position`

	recordTrim = `INSERT INTO convo_change_trims (account_id, trimmed) VALUES (?, ?)
ON CONFLICT (account_id) DO UPDATE SET trimmed = max(trimmed, excluded.trimmed)`
)

// retention is when a write removes expired changes.
type retention struct {
	keep, max time.Duration
	last      time.Time // the last trim, by the store's clock
	more      bool      // the last trim stopped at trimBatch
}

// due reports whether a write at now trims; writes are serialised, so no
// lock is needed.
func (r *retention) due(now time.Time) bool {
	return r.more || r.last.IsZero() || now.Sub(r.last) >= trimEvery || now.Before(r.last)
}

// trimChanges removes, in tx, up to trimBatch changes that passed their
// retention: written more than keep ago and acknowledged by every
// consumer of their account (or with none), or more than max ago. It
// records, per account, the newest position removed.
func (s *Store) trimChanges(ctx context.Context, tx *dbtx, now time.Time) error {
	r := &s.retention
	if !r.due(now) {
		return nil
	}
	keepAt, capAt := now.Add(-r.keep).UnixMicro(), now.Add(-r.max).UnixMicro()
	keepPos, err := lastBefore(ctx, tx, keepAt)
	if err != nil || keepPos == 0 {
		r.last, r.more = now, false
		return err
	}
	capPos, err := lastBefore(ctx, tx, capAt)
	if err != nil {
		return err
	}
	trimmed := map[int64]int64{}
	n := 0
	remove := func(query string, args ...any) error {
		return eachRow(ctx, tx, query, args, func(r pairRow) error {
			n++
			trimmed[r.A] = max(trimmed[r.A], r.B)
			return nil
		})
	}
	if err := remove(trimUnheld, keepPos, keepAt, capPos, trimBatch); err != nil {
		return err
	}
	floors, err := queryRows[pairRow](ctx, tx, consumerFloors) // account, lowest ack
	if err != nil {
		return err
	}
	for _, f := range floors {
		if n >= trimBatch {
			break
		}
		if err := remove(trimHeld, f.A, min(keepPos, f.B), keepAt, trimBatch-n); err != nil {
			return err
		}
	}
	for account, position := range trimmed {
		if _, err := tx.ExecContext(ctx, recordTrim, account, position); err != nil {
			return err
		}
	}
	r.last, r.more = now, n >= trimBatch
	return nil
}

// pairRow is a row of two integers.
type pairRow struct{ A, B int64 }

func (r *pairRow) dest() []any { return []any{&r.A, &r.B} }

// lastBefore is the newest position of a change written before t (in
// microseconds), 0 when none: a binary search over positions, as changes
// are written in the order of their times, so that finding it costs a few
// index lookups however long the feed is.
func lastBefore(ctx context.Context, tx *dbtx, t int64) (int64, error) {
	bounds, err := queryRows[pairRow](ctx, tx, changesBounds)
	if err != nil || bounds[0].A == 0 {
		return 0, err
	}
	lo, hi := bounds[0].A, bounds[0].B
	at := func(p int64) (int64, int64, error) {
		rows, err := queryRows[pairRow](ctx, tx, changeAtOrAfter, p)
		if err != nil || len(rows) == 0 {
			return 0, 0, err
		}
		return rows[0].A, rows[0].B, nil
	}
	_, first, err := at(lo)
	if err != nil || first >= t {
		return 0, err
	}
	// The change at lo was written before t; the answer is in [lo, hi].
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		pos, when, err := at(mid)
		if err != nil {
			return 0, err
		}
		if when < t {
			lo = pos
		} else {
			hi = mid - 1
		}
	}
	return lo, nil
}
