package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/convokit/convo"
)

// Read replicas (Options.Replicas). A write runs on the primary and then
// learns how far the primary's WAL reached: the Store keeps the highest
// such position. A read goes to the next replica in turn, which first
// tells how far it has replayed the primary's WAL: when that covers the
// Store's last write, the read's snapshot there holds every write this
// Store has made, else the read runs on the primary. A replica that fails
// before the read's transaction began (down, refusing, not a standby) is
// passed over for replicaRetry, its reads going to the primary.

// replicaRetry is how long a replica that failed is left out of the turn.
const replicaRetry = time.Second

// unknownLSN is the Store's last write position when a write committed but
// its position could not be learned: every read goes to the primary until
// a later write learns one.
const unknownLSN = math.MaxUint64

const (
	// insertLSN is where the primary's WAL ends, asked after a commit: the
	// insert position (unlike pg_current_wal_lsn, the written position,
	// which lags it under synchronous_commit = off) is past the commit
	// record's end. A write that wrote nothing did not move it.
	insertLSN = `SELECT pg_current_wal_insert_lsn()::text`
	// replayLSN is how far a standby has replayed its primary's WAL: the
	// end of the last record applied; NULL on a server that is no standby.
	replayLSN = `SELECT pg_last_wal_replay_lsn()::text`
)

// readSnapshot is the transaction of a read: one snapshot, no writes.
var readSnapshot = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}

// replicaSet is a Store's replicas and the position of its last write.
type replicaSet struct {
	replicas []*replica
	turn     atomic.Uint64 // round robin over replicas
	last     lastWrite
	primary  atomic.Int64 // reads a replica passed to the primary (tests)
}

// replica is one streaming replica of the primary.
type replica struct {
	pool      *pgxpool.Pool
	downUntil atomic.Int64 // unix nanoseconds: left out of the turn until then
	reads     atomic.Int64 // reads it served (tests)
}

// lastWrite is the WAL position of a Store's last write: the highest one
// learned, or unknownLSN.
type lastWrite struct {
	lsn   atomic.Uint64
	mu    sync.Mutex // serializes changes of lsn
	fails uint64     // guarded by mu: positions not learned so far
}

// openReplicas makes a pool per replica URL (validated already); it
// connects on the first read. Nil without replicas.
func openReplicas(opts Options) (*replicaSet, error) {
	if len(opts.Replicas) == 0 {
		return nil, nil
	}
	rs := &replicaSet{}
	for i, url := range opts.Replicas {
		cfg, err := pgxpool.ParseConfig(url)
		if err == nil {
			cfg.MaxConns = int32(opts.maxConns())
			var pool *pgxpool.Pool
			if pool, err = pgxpool.NewWithConfig(context.Background(), cfg); err == nil {
				rs.replicas = append(rs.replicas, &replica{pool: pool})
				continue
			}
		}
		rs.close()
		return nil, convo.Invalid("replicas", convo.CodeInvalid, fmt.Sprintf("replica %d: %v", i+1, err))
	}
	return rs, nil
}

// close closes every replica's pool; nil is fine.
func (rs *replicaSet) close() {
	if rs == nil {
		return
	}
	for _, r := range rs.replicas {
		r.pool.Close()
	}
}

// validateReplicas checks every replica URL.
func (o Options) validateReplicas() []convo.FieldError {
	var errs []convo.FieldError
	for i, url := range o.Replicas {
		if strings.TrimSpace(url) == "" {
			errs = append(errs, convo.FieldError{Field: "replicas", Code: convo.CodeRequired,
				Message: fmt.Sprintf("replica %d: give a PostgreSQL connection URL", i+1)})
		} else if _, err := pgxpool.ParseConfig(url); err != nil {
			errs = append(errs, convo.FieldError{Field: "replicas", Code: convo.CodeInvalid,
				Message: fmt.Sprintf("replica %d is not a PostgreSQL connection string: %v", i+1, err)})
		}
	}
	return errs
}

// writeTx runs fn in a transaction on the primary; with replicas, it then
// learns where the commit ended in the WAL, on the same connection.
func (s *Store) writeTx(ctx context.Context, fn func(pgx.Tx) error) error {
	if s.replicas == nil {
		return pgx.BeginFunc(ctx, s.pool, fn)
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	fails := s.replicas.last.failures()
	if err := pgx.BeginFunc(ctx, conn, fn); err != nil {
		return err
	}
	var text string
	var lsn uint64
	err = conn.QueryRow(ctx, insertLSN).Scan(&text)
	if err == nil {
		lsn, err = parseLSN(text)
	}
	if err != nil {
		// Committed, at a position unknown: read from the primary.
		s.replicas.last.lost()
		return nil
	}
	s.replicas.last.learned(lsn, fails)
	return nil
}

// readTx runs a read transaction (fn, which reports whether its
// transaction began) on a connection: a replica's that has replayed this
// Store's last write, else the primary's.
func (s *Store) readTx(ctx context.Context, fn func(*pgx.Conn) (bool, error)) error {
	if s.replicas != nil {
		if served, err := s.replicas.read(ctx, fn); served {
			return err
		}
		s.replicas.primary.Add(1)
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	_, err = fn(conn.Conn())
	return err
}

// read runs fn on the next replica in turn and reports whether it did (its
// error is then fn's): not when every replica is out of the turn, when the
// replica has not yet replayed the last write, or when it failed before
// fn's transaction began.
func (rs *replicaSet) read(ctx context.Context, fn func(*pgx.Conn) (bool, error)) (bool, error) {
	want := rs.last.lsn.Load()
	r := rs.pick()
	if r == nil || want == unknownLSN {
		return false, nil
	}
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		r.failed(ctx)
		return false, nil
	}
	defer conn.Release()
	if want > 0 {
		// Asked before the transaction's snapshot is taken, so that the
		// snapshot holds every commit replayed by then.
		var text *string
		if err := conn.QueryRow(ctx, replayLSN).Scan(&text); err != nil {
			r.failed(ctx)
			return false, nil
		}
		if text == nil {
			r.failed(ctx) // not a standby: promoted, or never one
			return false, nil
		}
		if replayed, err := parseLSN(*text); err != nil || replayed < want {
			return false, nil
		}
	}
	began, err := fn(conn.Conn())
	if !began {
		r.failed(ctx)
		return false, nil
	}
	r.reads.Add(1)
	return true, err
}

// pick returns the next replica in turn that has not failed lately, or nil.
func (rs *replicaSet) pick() *replica {
	n := uint64(len(rs.replicas))
	start := rs.turn.Add(1)
	now := time.Now().UnixNano()
	for i := range n {
		if r := rs.replicas[(start+i)%n]; r.downUntil.Load() <= now {
			return r
		}
	}
	return nil
}

// failed leaves the replica out of the turn for a while, unless it is the
// caller who gave up.
func (r *replica) failed(ctx context.Context) {
	if ctx.Err() == nil {
		r.downUntil.Store(time.Now().Add(replicaRetry).UnixNano())
	}
}

// failures returns how many positions were not learned so far: asked
// before a write, so that learned knows whether its position is past them.
func (l *lastWrite) failures() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fails
}

// learned raises the last write's position to lsn, asked after a commit
// while fails positions had not been learned. An unknown position gives
// way to lsn only when no failure came after fails was read: lsn was then
// asked after the commit whose position was lost.
func (l *lastWrite) learned(lsn, fails uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch cur := l.lsn.Load(); {
	case cur == unknownLSN && fails == l.fails:
		l.lsn.Store(lsn)
	case cur != unknownLSN && lsn > cur:
		l.lsn.Store(lsn)
	}
}

// lost records a commit whose position could not be learned.
func (l *lastWrite) lost() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fails++
	l.lsn.Store(unknownLSN)
}

// parseLSN reads a pg_lsn's text, X/Y in hexadecimal: the high and low 32
// bits of a 64-bit WAL position.
func parseLSN(text string) (uint64, error) {
	hi, lo, ok := strings.Cut(text, "/")
	if ok {
		h, err1 := strconv.ParseUint(hi, 16, 32)
		l, err2 := strconv.ParseUint(lo, 16, 32)
		if err1 == nil && err2 == nil {
			return h<<32 | l, nil
		}
	}
	return 0, errors.New("postgres: not a WAL position: " + strconv.Quote(text))
}
