package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
	"github.com/convokit/convo/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, newStore,
		storetest.WithDurableStores(newFileStore),
		storetest.WithFewestConnections(newOneReaderStore),
		storetest.WithReadOnly(newReadOnlyStore),
		storetest.WithTwoStores(newStorePair),
		storetest.WithInvariants(func(s store.Store) error {
			return s.(*sqlite.Store).CheckInvariants(context.Background())
		}))
}

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

// newOneReaderStore opens a fresh in-memory store with one reader
// connection beside its one writer: the fewest it works with.
func newOneReaderStore(t testing.TB, now func() time.Time) store.Store {
	t.Helper()
	s, err := sqlite.Open(":memory:", sqlite.Options{Now: now, ReadConns: 1})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newFileStore opens a store on a new file, in WAL with its reader pool, as
// an application would.
func newFileStore(t testing.TB, now func() time.Time) store.Store {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "convo.db"), sqlite.Options{Now: now})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newStorePair opens two stores on one new file, as two processes would.
func newStorePair(t testing.TB, now func() time.Time) (store.Store, store.Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "convo.db")
	var pair [2]store.Store
	for i := range pair {
		s, err := sqlite.Open(path, sqlite.Options{Now: now})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		pair[i] = s
	}
	return pair[0], pair[1]
}

// newReadOnlyStore seeds a file, then opens it with Options.ReadOnly.
func newReadOnlyStore(t testing.TB, seed func(store.Store)) store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "convo.db")
	rw, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	seed(rw)
	if err := rw.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s, err := sqlite.Open(path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open read-only: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
