// Package pgtest gives a host's tests a convo store on PostgreSQL, as
// package convotest does on SQLite: convotest's builders (Contact,
// Conversation, Inbox) and Load work on it as on any store.Store.
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestRoute(t *testing.T) {
//		s := pgtest.New(t)
//		convs := convotest.Inbox(t, s)
//		...
//	}
//
// The server is the one CONVO_POSTGRES_URL names or, when it is unset, a
// throwaway one Main starts for the test binary and stops after it
// (PostgreSQL's binaries must be installed: PG_BIN, by default
// /usr/lib/postgresql/15/bin). Each store gets a database of its own,
// copied from one migrated once, and dropped when its test ends.
package pgtest

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/convokit/convo/postgres"
	"github.com/convokit/convo/postgres/internal/pgserver"
)

var (
	mu        sync.Mutex
	server    *pgserver.Server
	serverErr error
)

// Main runs the tests of m with a server, and returns their exit code:
// call it from TestMain. It uses CONVO_POSTGRES_URL's server or starts
// one, and stops a server it started when the tests end.
func Main(m *testing.M) int {
	mu.Lock()
	server, serverErr = pgserver.Start()
	mu.Unlock()
	code := m.Run()
	if server != nil {
		server.Stop()
	}
	return code
}

// Option tunes New.
type Option func(*postgres.Options)

// WithClock gives the store a clock of the test's (a *convotest.Clock's
// Now, say).
func WithClock(now func() time.Time) Option {
	return func(o *postgres.Options) { o.Now = now }
}

// New returns a store on a new database, closed and dropped when the test
// ends. Without a server (no Main, no CONVO_POSTGRES_URL; or one that would
// not start), the test is skipped, or fails when CI is set.
func New(t testing.TB, opts ...Option) *postgres.Store {
	t.Helper()
	srv, err := current()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("pgtest: no PostgreSQL server: %v", err)
		}
		t.Skipf("pgtest: no PostgreSQL server: %v", err)
	}
	template, err := srv.Template(func(url string) error {
		s, err := postgres.Open(context.Background(), url, postgres.Options{})
		if err != nil {
			return err
		}
		return s.Close()
	})
	if err != nil {
		t.Fatalf("pgtest: template database: %v", err)
	}
	name, err := srv.CreateDatabase(template)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.DropDatabase(name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	var o postgres.Options
	for _, opt := range opts {
		opt(&o)
	}
	s, err := postgres.Open(context.Background(), srv.DatabaseURL(name), o)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() { s.Close() }) // before the database is dropped
	return s
}

// current is Main's server, or CONVO_POSTGRES_URL's without Main.
func current() (*pgserver.Server, error) {
	mu.Lock()
	defer mu.Unlock()
	if server == nil && serverErr == nil {
		if os.Getenv("CONVO_POSTGRES_URL") == "" {
			serverErr = errors.New("set CONVO_POSTGRES_URL, or call pgtest.Main from TestMain")
		} else {
			server, serverErr = pgserver.Start()
		}
	}
	return server, serverErr
}
