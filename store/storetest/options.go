package storetest

import (
	"os"
	"testing"
	"time"

	"github.com/convokit/convo/store"
)

// Option gives Run what a backend can offer beyond fresh stores.
type Option func(*config)

type config struct {
	newStore NewStore
	durable  NewStore
	fewest   NewStore
	readOnly NewReadOnly
	pair     NewPair
	check    func(s store.Store) error
	// commitMayOutlive: a call that returned the context's error may
	// have committed (WithCommitMayOutliveDeadline).
	commitMayOutlive bool
}

func newConfig(newStore NewStore, opts []Option) config {
	c := config{newStore: newStore, durable: newStore, fewest: newStore}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithDurableStores gives the concurrency tests stores kept the way the
// backend keeps data in production (a file for SQLite), so that they run
// against its real locking. Without it they use NewStore's.
func WithDurableStores(newStore NewStore) Option {
	return func(c *config) { c.durable = newStore }
}

// WithFewestConnections gives the iterator tests stores that hold the
// fewest database connections the backend can work with (SQLite: one
// reader beside its one writer). A walk holds no connection while its loop
// body runs (see store.Conversations), so the body's own reads and writes
// must not wait: with so few connections, a list call that kept its
// connection after returning would make the next call wait until its
// deadline. Without it they use NewStore's stores, whose larger pool may
// hide such a leak.
func WithFewestConnections(newStore NewStore) Option {
	return func(c *config) { c.fewest = newStore }
}

// WithCommitMayOutliveDeadline declares that a call whose context ends
// while it commits may return the context's error and yet have committed:
// so it is for a backend that commits over a network (PostgreSQL), where
// the server may finish a COMMIT the client stopped waiting for. The
// deadline tests then take a call that returned the context's error to
// have written either nothing or its whole change, never part of it, and
// check that retrying it is safe: a batch retried with the same source
// ids is not written twice, a delete retried finds the record gone.
// Without it (SQLite, which commits in the caller's process) a call that
// returned the context's error must have written nothing.
func WithCommitMayOutliveDeadline() Option {
	return func(c *config) { c.commitMayOutlive = true }
}

// NewReadOnly returns a read-only store holding what seed wrote through a
// writable one, closed by the factory when the test ends.
type NewReadOnly func(t testing.TB, seed func(s store.Store)) store.Store

// WithReadOnly lets Run check that a read-only store reads and refuses every
// write with convo.ErrReadOnly. Without it that subtest is skipped.
func WithReadOnly(newReadOnly NewReadOnly) Option {
	return func(c *config) { c.readOnly = newReadOnly }
}

// NewPair returns two stores on one new database, both with the clock now
// and closed by the factory when the test ends: as two processes on one
// file, or two application instances on one server, would hold them.
type NewPair func(t testing.TB, now func() time.Time) (store.Store, store.Store)

// WithTwoStores lets Run check that two stores on one database see each
// other's writes at once: gets, lists, counts, searches, cached rows and
// the end of a snooze.
func WithTwoStores(newPair NewPair) Option {
	return func(c *config) { c.pair = newPair }
}

// WithInvariants gives Run a full scan of the backend's storage that reports
// any maintained value (counters, counts) that differs from a count, any
// orphan record and any damage. The concurrency tests run it after their work.
func WithInvariants(check func(s store.Store) error) Option {
	return func(c *config) { c.check = check }
}

// checkInvariants runs the backend's full-scan check, if it gave one.
func (c config) checkInvariants(t *testing.T, s store.Store) {
	t.Helper()
	if c.check == nil {
		return
	}
	if err := c.check(s); err != nil {
		t.Errorf("invariants: %v", err)
	}
}

// soak is how long the churn test runs: CONVO_SOAK (a time.Duration, e.g.
// "5m") or 2 seconds.
func soak(t *testing.T) time.Duration {
	v := os.Getenv("CONVO_SOAK")
	if v == "" {
		return 2 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("CONVO_SOAK: %v", err)
	}
	return d
}
