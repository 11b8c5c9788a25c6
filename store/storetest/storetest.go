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
	t.Run("Contacts", func(t *testing.T) { testContacts(t, newStore) })
	t.Run("Merge", func(t *testing.T) { testMerge(t, cfg) })
	t.Run("MergeConversations", func(t *testing.T) { testMergeConversations(t, newStore) })
	t.Run("Conversations", func(t *testing.T) { testConversations(t, newStore) })
	t.Run("Messages", func(t *testing.T) { testMessages(t, cfg) })
	t.Run("Replies", func(t *testing.T) { testReplies(t, newStore) })
	t.Run("Reactions", func(t *testing.T) { testReactions(t, newStore) })
	t.Run("Edits", func(t *testing.T) { testEdits(t, newStore) })
	t.Run("Tombstones", func(t *testing.T) { testTombstones(t, newStore) })
	t.Run("Delivery", func(t *testing.T) { testDelivery(t, newStore) })
	t.Run("Paging", func(t *testing.T) { testPaging(t, newStore) })
	t.Run("Windows", func(t *testing.T) { testWindows(t, newStore) })
	t.Run("Tenancy", func(t *testing.T) { testTenancy(t, newStore) })
	t.Run("Validation", func(t *testing.T) { testValidation(t, newStore) })
	t.Run("AccountIDs", func(t *testing.T) { testAccountIDs(t, newStore) })
	t.Run("Attributes", func(t *testing.T) { testAttributes(t, newStore) })
	t.Run("Inbox", func(t *testing.T) { testInbox(t, newStore) })
	t.Run("Views", func(t *testing.T) { testViews(t, newStore) })
	t.Run("Iterators", func(t *testing.T) { testIterators(t, cfg) })
	t.Run("Exchange", func(t *testing.T) { testExchange(t, newStore) })
	t.Run("Participants", func(t *testing.T) { testParticipants(t, newStore) })
	t.Run("Search", func(t *testing.T) { testSearch(t, newStore) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, cfg) })
	t.Run("ReadOnly", func(t *testing.T) { testReadOnly(t, cfg) })
	t.Run("TwoStores", func(t *testing.T) { testTwoStores(t, cfg) })
	t.Run("Changes", func(t *testing.T) { testChanges(t, cfg) })
}
