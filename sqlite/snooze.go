package sqlite

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/convokit/convo/store"
)

// snoozes knows when the next timed snooze ends, so that an overdue snooze
// reads as open everywhere without a background job: the first call after
// that moment reopens every overdue conversation, in one statement, before
// it reads or writes anything else. Until then the check costs one atomic load.
//
// The moment is read from the database when the store opens and after each
// wake; snoozes set through this store move it earlier. A snooze set by
// another process on the same file is seen by the first read after it
// committed: a read whose connection saw the database change (PRAGMA
// data_version) reads the moment again in its snapshot (notice).
type snoozes struct {
	next atomic.Int64 // unix microseconds; MaxInt64 when none
}

// scheduled notes a snooze ending at t.
func (z *snoozes) scheduled(t time.Time) {
	at := t.UnixMicro()
	for {
		cur := z.next.Load()
		if at >= cur || z.next.CompareAndSwap(cur, at) {
			return
		}
	}
}

// notice learns, in a read's snapshot, the next wake time of snoozes that
// other connections may have set, when the database changed since c last
// looked. It only moves the moment earlier: a later one is learned by wake,
// which holds the write lock.
func (z *snoozes) notice(ctx context.Context, tx *dbtx) error {
	var version int64
	if err := tx.GetContext(ctx, &version, `PRAGMA data_version`); err != nil {
		return err
	}
	if version == tx.c.dataVersion {
		return nil
	}
	var next int64
	if err := tx.GetContext(ctx, &next, nextSnoozeWake); err != nil {
		return err
	}
	tx.c.dataVersion = version
	for {
		cur := z.next.Load()
		if next >= cur || z.next.CompareAndSwap(cur, next) {
			return nil
		}
	}
}

// due reports whether a snooze has ended by now.
func (z *snoozes) due(now time.Time) bool { return now.UnixMicro() >= z.next.Load() }

// wake reopens the overdue snoozes in tx and learns the next wake time.
func (z *snoozes) wake(ctx context.Context, tx *dbtx, now time.Time) error {
	err := eachRow(ctx, tx, wakeSnoozed, []any{timeValue(now)}, func(r wokenRow) error {
		tx.changes.Add(store.Change{Kind: store.ConversationUpdated, AccountID: r.AccountID, ContactID: r.ContactID,
			ConversationID: r.ID, Fields: []string{"snoozed_until", "status"}})
		return nil
	})
	if err != nil {
		return err
	}
	return z.load(ctx, tx)
}

// wokenRow is a conversation wake reopened.
type wokenRow struct{ AccountID, ID, ContactID int64 }

func (r *wokenRow) dest() []any { return []any{&r.AccountID, &r.ID, &r.ContactID} }

// load reads the next wake time.
func (z *snoozes) load(ctx context.Context, q interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
}) error {
	var next int64
	if err := q.GetContext(ctx, &next, nextSnoozeWake); err != nil {
		return err
	}
	z.next.Store(next)
	return nil
}
