package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// The full-text index follows the messages a little behind.
//
// FTS5 writes a new segment for every transaction that adds to the index
// (about six pages), and merges them again later: indexing each append in
// its own transaction was a quarter of the append's time. So an append does
// not index its message. Its commit tells the indexer, which lets appends
// gather for indexEvery and then indexes every message added since the last
// time, in transactions of at most indexBatch messages, through the writer
// like any other write. convo_index_state.indexed_through is the newest message
// the index holds: every message up to it is in the index, none after it.
//
// A search first indexes whatever is still behind, so it finds every
// message committed before it started, by this process or another one
// (readIndexed). Only a read-only store,
// which cannot write, searches the index as the writer left it: at most
// indexEvery behind a writer that is running. Close indexes what is left,
// and Open starts on whatever a crash left behind.
//
// An in-memory store indexes inside each write instead, as before: its
// memdb database has no WAL, so a write in the background would wait for
// the caller's read transactions and hold new ones off, where an
// application that only reads expects no lock at all.
const (
	indexEvery = 50 * time.Millisecond
	indexBatch = 1000
)

const (
	// selectIndexMarks is the mark and the newest message; selectIndexState
	// adds whether messages wait in convo_index_pending.
	indexMarks       = `indexed_through, coalesce((SELECT max(id) FROM convo_messages), 0) AS added`
	selectIndexMarks = `SELECT ` + indexMarks + ` FROM convo_index_state`
	selectIndexState = `SELECT ` + indexMarks + `, EXISTS (SELECT 1 FROM convo_index_pending) AS pending FROM convo_index_state`
	// selectIndexRange is the mark and the id of the ?1-th message after
	// it (or of the last, if fewer; NULL if none).
	selectIndexRange = `SELECT indexed_through AS mark,
	(SELECT max(id) FROM (SELECT id FROM convo_messages WHERE id > indexed_through ORDER BY id LIMIT ?1)) AS up_to FROM convo_index_state`
	// indexMessagesWhere indexes the messages of a condition on m, whose
	// accounts have numbers (numberSearchAccounts): those ?1 < id <= ?2
	// (indexMessageRange), those of a JSON array of ids (indexMessagesOf).
	indexMessagesWhere = `INSERT INTO convo_messages_fts (rowid, words, conversation_id)
SELECT m.id, convo_search_words(a.n, m.content), m.conversation_id
FROM convo_messages m JOIN convo_search_accounts a ON a.account_id = m.account_id WHERE `
	indexMessageRange = indexMessagesWhere + messagesInRange
	indexMessagesOf   = indexMessagesWhere + messagesOf
	updateIndexState  = `UPDATE convo_index_state SET indexed_through = ?`

	// takePending empties convo_index_pending: the indexed messages whose
	// text or conversation changed since (its trigger took them out of the
	// index), by this store or by any other program.
	takePending = `DELETE FROM convo_index_pending RETURNING id`
)

// indexer indexes the messages the store added, in the background.
type indexer struct {
	store *Store
	nudge chan struct{}
	done  chan struct{}
	wg    sync.WaitGroup
	// added is the newest message committed, indexed the newest message
	// the index is known to hold: the index is behind while indexed <
	// added. Both only grow.
	added, indexed atomic.Int64
	every          time.Duration
	// idle is how long the store's callers must be idle before the
	// indexer merges the index (idle.go); merges counts the merge steps
	// that did work, and merged is set when one found nothing left.
	idle   time.Duration
	merges atomic.Int64
	merged atomic.Bool
	// seen is the writer's PRAGMA data_version at the last merge step
	// (-1: none yet), for the run goroutine only.
	seen int64
}

// newIndexer starts the indexer of s, on the state Open found: the mark
// and the newest message.
func newIndexer(s *Store, indexed, added int64, every, idle time.Duration) *indexer {
	x := &indexer{store: s, nudge: make(chan struct{}, 1), done: make(chan struct{}), every: every, idle: idle, seen: -1}
	x.indexed.Store(indexed)
	x.wrote(added)
	x.wg.Add(1)
	go x.run()
	return x
}

// wrote tells the indexer that messages up to id committed. It never
// blocks.
func (x *indexer) wrote(id int64) {
	if !storeMax(&x.added, id) {
		return
	}
	select {
	case x.nudge <- struct{}{}:
	default:
	}
}

// behind reports whether a committed message may be missing from the index.
func (x *indexer) behind() bool { return x.indexed.Load() < x.added.Load() }

// run indexes what the store adds, a moment after each nudge, and merges
// the index once the store is idle, until a merge finds nothing to do
// (after a failed one, until the next message).
func (x *indexer) run() {
	defer x.wg.Done()
	ctx := context.Background()
	merge := true // the index may hold segments to merge: at first, and after indexing
	for {
		var idle <-chan time.Time
		var mark int64
		if merge {
			idle, mark = time.After(x.idle), x.store.calls.mark()
		}
		select {
		case <-x.done:
			return
		case <-x.nudge:
			select {
			case <-x.done:
				return
			case <-time.After(x.every):
			}
			x.merged.Store(false)
			if err := x.catchUp(ctx); err != nil {
				x.store.log.Warn("convo: indexing messages for search failed", "error", err)
			}
			merge = true
		case <-idle:
			done, err := x.mergeWhileIdle(ctx, mark)
			if err != nil {
				x.store.log.Warn("convo: merging the search index failed", "error", err)
			}
			x.merged.Store(done)
			merge = !done && err == nil
		}
	}
}

// catchUp indexes until the index holds every message committed when it
// was called.
func (x *indexer) catchUp(ctx context.Context) error {
	target := x.added.Load()
	for x.indexed.Load() < target {
		if err := x.indexSome(ctx); err != nil {
			return err
		}
	}
	return nil
}

// stop ends the background indexing; a later catchUp still works.
func (x *indexer) stop() {
	select {
	case <-x.done:
	default:
		close(x.done)
	}
	x.wg.Wait()
}

// indexSome indexes up to indexBatch messages after the mark in one
// transaction, and moves the mark past them.
func (x *indexer) indexSome(ctx context.Context) error {
	target := x.added.Load()
	var through int64
	err := x.store.writeTx(ctx, func(tx *dbtx) (err error) {
		through, err = indexAfterMark(ctx, tx, indexBatch)
		return err
	})
	if err != nil {
		return err
	}
	if through == 0 {
		// Nothing after the mark: what was added up to target is indexed
		// or deleted.
		through = target
	}
	storeMax(&x.indexed, through)
	return nil
}

// indexAfterMark indexes up to limit messages after the mark, in tx, and
// moves the mark past them: it returns the new mark, or 0 when no message
// is after it.
func indexAfterMark(ctx context.Context, tx *dbtx, limit int) (int64, error) {
	var r struct {
		Mark int64         `db:"mark"`
		UpTo sql.NullInt64 `db:"up_to"`
	}
	if err := tx.GetContext(ctx, &r, selectIndexRange, limit); err != nil || !r.UpTo.Valid {
		return 0, err
	}
	if err := numberAccounts(ctx, tx, numberSearchAccounts, r.Mark, r.UpTo.Int64); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, indexMessageRange, r.Mark, r.UpTo.Int64); err != nil {
		return 0, err
	}
	_, err := tx.ExecContext(ctx, updateIndexState, r.UpTo.Int64)
	return r.UpTo.Int64, err
}

// indexPending indexes again, in tx, the messages whose text or
// conversation changed after they were indexed. A write of this store
// that changes them calls it before it commits; a search, before it
// reads, when another program changed some (readIndexed).
func indexPending(ctx context.Context, tx *dbtx) error {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, takePending); err != nil || len(ids) == 0 {
		return err
	}
	return indexMessages(ctx, tx, ids)
}

// indexMessages indexes the messages ids, in tx.
func indexMessages(ctx context.Context, tx *dbtx, ids []int64) error {
	list := idsJSON(ids)
	if err := numberAccounts(ctx, tx, numberSearchAccountsOf, list); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, indexMessagesOf, list)
	return err
}

// errIndexBehind ends a read whose snapshot holds messages the index does
// not: readIndexed indexes them and reads again.
var errIndexBehind = errors.New("sqlite: the full-text index is behind")

// readIndexed is read for a call that searches messages: fn runs in a
// snapshot whose index holds every message committed before the call
// began, whichever process committed it. This process's own writes are
// indexed before the read; another's are found in the snapshot (the mark
// behind the newest message), indexed through the writer, and the read
// runs again. Messages committed during the call may or may not be found.
// A read-only store searches the index as its writers left it.
func (s *Store) readIndexed(ctx context.Context, fn func(tx *dbtx) error) error {
	if s.in != nil {
		// In the host's transaction, which holds the writer: index there
		// what is behind, the transaction's own messages included.
		return s.read(ctx, func(tx *dbtx) error {
			if err := indexPending(ctx, tx); err != nil {
				return err
			}
			if _, err := indexAfterMark(ctx, tx, math.MaxInt); err != nil {
				return err
			}
			return fn(tx)
		})
	}
	if s.index == nil {
		return s.read(ctx, fn)
	}
	if s.index.behind() {
		if err := s.index.catchUp(ctx); err != nil {
			return err // through writeTx: translated
		}
	}
	target := int64(-1) // the newest message when the call began; -1: not read yet
	pending := false    // messages another program changed wait to be indexed again
	for range 3 {
		err := s.read(ctx, func(tx *dbtx) error {
			var st struct {
				Indexed int64 `db:"indexed_through"`
				Added   int64 `db:"added"`
				Pending bool  `db:"pending"`
			}
			if err := tx.GetContext(ctx, &st, selectIndexState); err != nil {
				return err
			}
			if target < 0 {
				target = st.Added
			}
			pending = st.Pending
			if st.Indexed < target || pending {
				s.index.wrote(target)
				return errIndexBehind
			}
			return fn(tx)
		})
		if !errors.Is(err, errIndexBehind) {
			return err
		}
		if pending {
			if err := s.writeTx(ctx, func(tx *dbtx) error { return indexPending(ctx, tx) }); err != nil {
				return err
			}
		}
		if err := s.index.catchUp(ctx); err != nil {
			return err
		}
	}
	// Indexed through target three times over and still behind it in a
	// new snapshot: only a file replaced under the store does that.
	return fmt.Errorf("%w: the full-text index stays behind message %d", convo.ErrCorrupt, target)
}

// readFor is read for a list or count: readIndexed when it searches.
func (s *Store) readFor(ctx context.Context, f store.ConversationFilter, fn func(tx *dbtx) error) error {
	if f.Searching() {
		return s.readIndexed(ctx, fn)
	}
	return s.read(ctx, fn)
}

// storeMax sets v to n if n is larger, reporting whether it did.
func storeMax(v *atomic.Int64, n int64) bool {
	for {
		old := v.Load()
		if n <= old {
			return false
		}
		if v.CompareAndSwap(old, n) {
			return true
		}
	}
}
