package sqlite_test

import (
	"testing"
	"time"

	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
	"github.com/convokit/convo/store/storetest"
)

func TestStore(t *testing.T) { storetest.Run(t, newStore) }

// newStore opens a fresh in-memory store that closes when the test ends.
func newStore(t testing.TB, now func() time.Time) store.Store {
	t.Helper()
	s, err := sqlite.Open(":memory:", sqlite.Options{Now: now})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
