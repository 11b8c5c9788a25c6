package sqlite

import (
	"context"
	"time"

	"github.com/convokit/convo/internal/backend"
)

// Retention: writes remove expired changes as they go, in rounds over
// every account with changes. A round starts once a minute by the store's
// clock; each write while it runs looks at up to trimAccounts accounts,
// from where the last one stopped, and removes up to trimBatch changes. Each account's changes are looked at from its oldest,
// with a few lookups of its key, however long its feed: finding nothing
// expired costs one.
const (
	trimEvery    = time.Minute
	trimAccounts = 100
	trimBatch    = 1000
)

const (
	nextChangeAccount = `SELECT account_id FROM convo_changes WHERE account_id > ? ORDER BY account_id LIMIT 1`
	oldestChange      = `SELECT position, at FROM convo_changes WHERE account_id = ? ORDER BY position LIMIT 1`
	newestChange      = `SELECT position, at FROM convo_changes WHERE account_id = ? ORDER BY position DESC LIMIT 1`
	changeAtOrAfter   = `SELECT position, at FROM convo_changes WHERE account_id = ? AND position >= ? ORDER BY position LIMIT 1`
	consumersFloor    = `SELECT coalesce(min(position), -1) FROM convo_change_consumers WHERE account_id = ?`
	deleteChanges     = `DELETE FROM convo_changes WHERE account_id = ? AND position <= ?`
	recordTrim        = `INSERT INTO convo_change_trims (account_id, trimmed) VALUES (?, ?)
ON CONFLICT (account_id) DO UPDATE SET trimmed = max(trimmed, excluded.trimmed)`
)

// retention is where writes stand in removing expired changes. Writes are
// serialised, so it needs no lock.
type retention struct {
	backend.Retention
	started time.Time // when the last round started, by the store's clock
	running bool      // a round is under way
	account int64     // the last account the round looked at
}

func (r *retention) due(now time.Time) bool {
	return r.running || r.started.IsZero() || now.Sub(r.started) >= trimEvery || now.Before(r.started)
}

// trimChanges removes, in tx, changes that passed their retention: written
// more than keep ago and acknowledged by every durable consumer of their
// account (or with none), or more than max ago; never an account's newest.
// It records, per account, the newest position removed.
func (s *Store) trimChanges(ctx context.Context, tx *dbtx, now time.Time) error {
	r := &s.retention
	if !r.due(now) {
		return nil
	}
	if !r.running {
		r.running, r.started, r.account = true, now, 0
	}
	keepAt, capAt := now.Add(-r.Keep).UnixMicro(), now.Add(-r.Max).UnixMicro()
	removed := 0
	for range trimAccounts {
		var next []int64
		if err := tx.SelectContext(ctx, &next, nextChangeAccount, r.account); err != nil {
			return err
		}
		if len(next) == 0 { // the round is done
			r.running = false
			return nil
		}
		r.account = next[0]
		n, err := trimAccount(ctx, tx, r.account, keepAt, capAt, trimBatch-removed)
		if err != nil {
			return err
		}
		if removed += n; removed >= trimBatch {
			r.account-- // it may have more
			break
		}
	}
	return nil
}

// trimAccount removes up to limit of one account's expired changes and
// says how many it removed.
func trimAccount(ctx context.Context, tx *dbtx, accountID, keepAt, capAt int64, limit int) (int, error) {
	oldest, err := queryRows[pairRow](ctx, tx, oldestChange, accountID)
	if err != nil || len(oldest) == 0 || oldest[0].B >= keepAt {
		return 0, err
	}
	newest, err := queryRows[pairRow](ctx, tx, newestChange, accountID)
	if err != nil {
		return 0, err
	}
	first, last := oldest[0].A, newest[0].A-1 // the newest stays
	if last < first {
		return 0, nil
	}
	cut, err := lastBefore(ctx, tx, accountID, first, last, keepAt)
	if err != nil {
		return 0, err
	}
	var floor int64 // the lowest acknowledged position; -1: no consumer
	if err := tx.GetContext(ctx, &floor, consumersFloor, accountID); err != nil {
		return 0, err
	}
	if floor >= 0 && floor < cut {
		// Held for a consumer, but not past the cap.
		capCut, err := lastBefore(ctx, tx, accountID, first, last, capAt)
		if err != nil {
			return 0, err
		}
		cut = max(floor, capCut)
	}
	cut = min(cut, first+int64(limit)-1)
	if cut < first {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, deleteChanges, accountID, cut)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, recordTrim, accountID, cut); err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// pairRow is a row of two integers.
type pairRow struct{ A, B int64 }

func (r *pairRow) dest() []any { return []any{&r.A, &r.B} }

// lastBefore is the newest position in [lo, hi] of the account's changes
// written before t (in microseconds), lo-1 when none: a binary search, as
// changes are written in the order of their times.
func lastBefore(ctx context.Context, tx *dbtx, accountID, lo, hi, t int64) (int64, error) {
	at := func(p int64) (int64, int64, error) {
		rows, err := queryRows[pairRow](ctx, tx, changeAtOrAfter, accountID, p)
		if err != nil || len(rows) == 0 {
			return 0, 0, err
		}
		return rows[0].A, rows[0].B, nil
	}
	answer := lo - 1
	for lo <= hi {
		mid := lo + (hi-lo)/2
		pos, when, err := at(mid)
		if err != nil {
			return 0, err
		}
		if pos > hi || when >= t {
			hi = mid - 1
			continue
		}
		answer, lo = pos, pos+1
	}
	return answer, nil
}
