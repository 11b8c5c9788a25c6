package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// indexedThrough reads the index's mark.
func indexedThrough(t *testing.T, s *Store) int64 {
	t.Helper()
	var mark int64
	if err := s.r.QueryRowContext(context.Background(), `SELECT indexed_through FROM convo_index_state`).Scan(&mark); err != nil {
		t.Fatal(err)
	}
	return mark
}

// addWords adds n incoming messages saying content to a new conversation.
func addWords(t *testing.T, s *Store, n int, content string) []convo.Message {
	t.Helper()
	conv := newTestConversation(t, s)
	var added []convo.Message
	for n > 0 {
		batch := make([]store.MessageTo, min(n, store.MaxBatch))
		for i := range batch {
			batch[i] = store.MessageTo{ConversationID: conv.ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: content}}
		}
		more, err := s.AddMessages(context.Background(), 1, batch)
		if err != nil {
			t.Fatal(err)
		}
		added, n = append(added, more...), n-len(batch)
	}
	return added
}

// searchTotal is how many messages a search finds.
func searchTotal(t *testing.T, s *Store, q string) int {
	t.Helper()
	page, err := s.SearchMessages(context.Background(), 1, store.MessageSearch{Query: q, Page: store.PageNumber(1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	return page.Meta.Total
}

// TestIndexerCatchesUp shows the index following appends with no search
// asking: the indexer runs shortly after a commit, in batches of at most
// indexBatch messages.
func TestIndexerCatchesUp(t *testing.T) {
	s := openFileStore(t)
	added := addWords(t, s, indexBatch+10, "gathered words")
	newest := added[len(added)-1].ID
	for deadline := time.Now().Add(10 * time.Second); indexedThrough(t, s) < newest; {
		if time.Now().After(deadline) {
			t.Fatalf("the index holds messages up to %d after 10 s, want %d", indexedThrough(t, s), newest)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.CheckInvariants(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestSearchIndexesFirst shows every call that searches finding messages
// the indexer has not reached: it indexes them first, in batches.
func TestSearchIndexesFirst(t *testing.T) {
	s := openFileStore(t)
	s.index.stop()
	backlog := 2*indexBatch + 1 // more than one batch
	addWords(t, s, backlog, "waiting words")
	if mark := indexedThrough(t, s); mark != 0 {
		t.Fatalf("the index holds messages up to %d with the indexer stopped", mark)
	}
	if got := searchTotal(t, s, "waiting"); got != backlog {
		t.Errorf("a search finds %d messages, want %d", got, backlog)
	}
	ctx := context.Background()
	filter := func(word string) store.ConversationFilter {
		return store.ConversationFilter{Query: word, Statuses: store.AllStatuses}
	}
	for _, call := range []struct {
		name, word string // a word of its own, in a message of its own
		found      func(word string) (int, error)
	}{
		{"SearchMessages", "alpha", func(w string) (int, error) { return searchTotal(t, s, w), nil }},
		{"ListConversations", "beta", func(w string) (int, error) {
			page, err := s.ListConversations(ctx, 1, filter(w))
			return len(page.Items), err
		}},
		{"CountConversations", "gamma", func(w string) (int, error) {
			counts, err := s.CountConversations(ctx, 1, filter(w))
			return int(counts.All), err
		}},
	} {
		newest := addWords(t, s, 1, call.word)[0]
		got, err := call.found(call.word)
		if err != nil {
			t.Fatal(err)
		}
		if got != 1 {
			t.Errorf("%s finds %d, want 1: the message the indexer has not reached", call.name, got)
		}
		if mark := indexedThrough(t, s); mark != newest.ID {
			t.Errorf("after %s the index holds messages up to %d, want %d", call.name, mark, newest.ID)
		}
	}
	if err := s.CheckInvariants(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestCloseIndexes shows Close indexing what is left, so that a read-only
// store, which cannot index, finds every message.
func TestCloseIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "convo.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.index.stop()
	addWords(t, s, 3, "closing words")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got := searchTotal(t, ro, "closing"); got != 3 {
		t.Errorf("a read-only store finds %d messages, want 3", got)
	}
}

// TestMemoryIndexesInline shows an in-memory store indexing in each write:
// it has no indexer to write in the background (see indexer.go).
func TestMemoryIndexesInline(t *testing.T) {
	s, err := Open(":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.index != nil {
		t.Fatal("an in-memory store has a background indexer")
	}
	added := addWords(t, s, 3, "inline words")
	if mark, newest := indexedThrough(t, s), added[len(added)-1].ID; mark != newest {
		t.Errorf("after the write the index holds messages up to %d, want %d", mark, newest)
	}
}

// TestOtherProgramsEdits shows messages that another SQLite program
// edits or deletes in the file (with plain SQL, and no convo function)
// found as they are now, by the next search.
func TestOtherProgramsEdits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "convo.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	added := addWords(t, s, 2, "apple")
	gone := addWords(t, s, 1, "apple")[0] // alone in its conversation
	// The search indexes them.
	if got := searchTotal(t, s, "apple"); got != 3 {
		t.Fatalf("a search finds %d messages, want 3", got)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []struct {
		sql string
		arg int64
	}{
		{`UPDATE convo_messages SET content = 'banana split' WHERE id = ?`, added[1].ID},
		{`DELETE FROM convo_conversations WHERE id = ?`, gone.ConversationID},
	} {
		if _, err := db.ExecContext(ctx, stmt.sql, stmt.arg); err != nil {
			t.Fatalf("%s: %v", stmt.sql, err)
		}
	}
	if got := searchTotal(t, s, "apple"); got != 1 {
		t.Errorf("a search finds %d messages of apple, want 1", got)
	}
	if got := searchTotal(t, s, "banana"); got != 1 {
		t.Errorf("a search finds %d messages of banana, want 1", got)
	}
	if err := s.CheckInvariants(ctx); err != nil {
		t.Fatal(err)
	}
}
