// Package storetest is the conformance suite of convo stores: hand Run a
// factory of fresh stores and it checks every behaviour the store.Store
// contract states. Every backend runs it from a one-line test:
//
//	func TestStore(t *testing.T) { storetest.Run(t, newStore) }
//
// Options declare what a backend offers beyond fresh stores, and where
// engines honestly differ (WithCommitMayOutliveDeadline); the suite never
// asks which engine it runs on.
//
// The fuzz targets' bodies live here too (FuzzAddMessage,
// FuzzConversationFilter, FuzzCursor, FuzzSearchQuery), but `go test
// -fuzz` finds only the Fuzz functions of the package it tests: a backend
// adds a one-line wrapper per target to its tests,
//
//	func FuzzSearchQuery(f *testing.F) { storetest.FuzzSearchQuery(f, newStore) }
package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/convokit/convo/store"
)

// NewStore returns a fresh, empty store for one (sub)test, closed by the
// factory when the test ends (t.Cleanup). now is the store's clock; nil
// means the real time.
type NewStore func(t testing.TB, now func() time.Time) store.Store

// Run checks every behaviour of the store.Store contract against stores
// made by newStore. Each subtest gets a store of its own. Options give it
// what else the backend offers: durable stores for the concurrency tests,
// stores with the fewest connections for the iterator tests, read-only
// stores, two stores on one database, a full-scan invariant check, and
// commits that may outlive a deadline.
func Run(t *testing.T, newStore NewStore, opts ...Option) {
	cfg := newConfig(newStore, opts)
	run := func(group string, fn func(t *testing.T)) {
		t.Run(group, func(t *testing.T) {
			if len(cfg.only) > 0 && !slices.Contains(cfg.only, group) {
				t.Skipf("%s: not among the groups this backend runs yet (WithOnly)", group)
			}
			fn(t)
		})
	}
	run("Contacts", func(t *testing.T) { testContacts(t, newStore) })
	run("Merge", func(t *testing.T) { testMerge(t, cfg) })
	run("Conversations", func(t *testing.T) { testConversations(t, newStore) })
	run("Messages", func(t *testing.T) { testMessages(t, newStore) })
	run("Paging", func(t *testing.T) { testPaging(t, newStore) })
	run("Tenancy", func(t *testing.T) { testTenancy(t, newStore) })
	run("Validation", func(t *testing.T) { testValidation(t, newStore) })
	run("AccountIDs", func(t *testing.T) { testAccountIDs(t, newStore) })
	run("Attributes", func(t *testing.T) { testAttributes(t, newStore) })
	run("Inbox", func(t *testing.T) { testInbox(t, newStore) })
	run("Iterators", func(t *testing.T) { testIterators(t, cfg) })
	run("Exchange", func(t *testing.T) { testExchange(t, newStore) })
	run("Participants", func(t *testing.T) { testParticipants(t, newStore) })
	run("Search", func(t *testing.T) { testSearch(t, newStore) })
	run("Concurrency", func(t *testing.T) { testConcurrency(t, cfg) })
	run("ReadOnly", func(t *testing.T) { testReadOnly(t, cfg) })
	run("TwoStores", func(t *testing.T) { testTwoStores(t, cfg) })
}
