package postgres

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/convokit/convo/store"
	"github.com/convokit/convo/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, newStore,
		storetest.WithCommitMayOutliveDeadline(),
		storetest.WithReadOnly(newReadOnlyStore),
		storetest.WithTwoStores(newStorePair),
		storetest.WithInvariants(func(s store.Store) error { return checkInvariants(context.Background(), s.(*Store)) }),
	)
}

// newStore is storetest's factory: a store on a database of its own.
func newStore(t testing.TB, now func() time.Time) store.Store {
	t.Helper()
	return openStore(t, newConvoDatabase(t), Options{Now: now})
}

// openStore opens a store that closes when the test ends.
func openStore(t testing.TB, url string, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newStorePair opens two stores on one database: two instances of a host.
func newStorePair(t testing.TB, now func() time.Time) (store.Store, store.Store) {
	t.Helper()
	url := newConvoDatabase(t)
	return openStore(t, url, Options{Now: now}), openStore(t, url, Options{Now: now})
}

// newReadOnlyStore seeds a database through a writable store, then opens
// it read-only as a role that may only read.
func newReadOnlyStore(t testing.TB, seed func(s store.Store)) store.Store {
	t.Helper()
	dbURL := newConvoDatabase(t)
	seed(openStore(t, dbURL, Options{}))
	role := fmt.Sprintf("convo_reader_%d", server.Unique())
	rawExec(t, dbURL,
		`CREATE ROLE `+role+` LOGIN`,
		`GRANT USAGE ON SCHEMA public TO `+role,
		`GRANT SELECT ON ALL TABLES IN SCHEMA public TO `+role)
	t.Cleanup(func() { rawExec(t, dbURL, `DROP OWNED BY `+role, `DROP ROLE `+role) })
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	return openStore(t, u.String(), Options{ReadOnly: true})
}
