package postgres

import (
	"context"
	"os"
	"testing"

	"github.com/convokit/convo/postgres/internal/pgserver"
)

// The tests need a PostgreSQL server (pgserver: CONVO_POSTGRES_URL's, or a
// throwaway one TestMain starts). Where there is none and none can start,
// the tests skip, unless CI is set: then they fail.

var (
	server    *pgserver.Server
	serverURL string // the server's maintenance database
	serverErr error  // why there is no server
)

func TestMain(m *testing.M) {
	server, serverErr = pgserver.Start()
	if server != nil {
		serverURL = server.URL
	}
	code := m.Run()
	if server != nil {
		server.Stop()
	}
	os.Exit(code)
}

// newDatabase makes an empty database for one test and returns its URL; it
// is dropped when the test ends.
func newDatabase(t testing.TB) string {
	t.Helper()
	return cloneDatabase(t, "template0")
}

// newConvoDatabase makes a database with convo's schema for one test, a
// copy of a template migrated once: the conformance suite makes hundreds.
func newConvoDatabase(t testing.TB) string {
	t.Helper()
	requireServer(t)
	template, err := server.Template(func(url string) error {
		s, err := Open(context.Background(), url, Options{})
		if err != nil {
			return err
		}
		return s.Close()
	})
	if err != nil {
		t.Fatalf("template database: %v", err)
	}
	return cloneDatabase(t, template)
}

// requireServer skips the test when there is no server, or fails it in CI.
func requireServer(t testing.TB) {
	t.Helper()
	if serverErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no PostgreSQL server: %v", serverErr)
		}
		t.Skipf("no PostgreSQL server (set CONVO_POSTGRES_URL, or install PostgreSQL 15): %v", serverErr)
	}
}

// cloneDatabase makes a copy of the database template for one test and
// returns its URL; it is dropped when the test ends.
func cloneDatabase(t testing.TB, template string) string {
	t.Helper()
	requireServer(t)
	name, err := server.CreateDatabase(template)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := server.DropDatabase(name); err != nil {
			t.Error(err)
		}
	})
	return server.DatabaseURL(name)
}
