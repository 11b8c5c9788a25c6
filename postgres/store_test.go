package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/convokit/convo/store"
	"github.com/convokit/convo/store/storetest"
)

// newStore is storetest's factory: a store on a database of its own.
func newStore(t testing.TB, now func() time.Time) store.Store {
	t.Helper()
	s, err := Open(context.Background(), newConvoDatabase(t), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, newStore,
		storetest.WithCommitMayOutliveDeadline(),
		// The groups that pass while the calls are being built.
		storetest.WithOnly("ReadOnly", "TwoStores", "Contacts"),
	)
}
