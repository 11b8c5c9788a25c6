package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// waitMerged waits until the indexer of s found nothing left to merge.
func waitMerged(t *testing.T, s *Store) {
	t.Helper()
	for end := time.Now().Add(20 * s.index.idle); !s.index.merged.Load(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the index was not merged while the store was idle")
		}
	}
}

// TestIndexerMergesWhenIdle loads messages in many indexing rounds, each a
// segment, then checks that the index is left alone while callers call,
// and merged by levels once they stop, with every message still found.
func TestIndexerMergesWhenIdle(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	s, err := Open(t.TempDir()+"/convo.db", Options{})
	is.NoErr(err)
	defer s.Close()
	convID := loadSegments(t, s)
	loaded := segments(t, s)
	is.True(loaded > 2) // automerge leaves up to three a level

	// While callers keep calling, the indexer leaves the index alone: four
	// idle periods, as the first look at the file only takes note.
	merges := s.index.merges.Load()
	for end := time.Now().Add(4 * s.index.idle); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		_, err := s.GetConversation(ctx, 1, convID, store.GetConversationOptions{})
		is.NoErr(err)
	}
	is.Equal(s.index.merges.Load(), merges)
	is.Equal(segments(t, s), loaded)

	// Once they stop, it merges until a merge by levels finds nothing.
	waitMerged(t, s)
	is.True(s.index.merges.Load() > merges)
	is.True(segments(t, s) < loaded)
	var usermerge string
	is.NoErr(s.read(ctx, func(tx *dbtx) error {
		return tx.GetContext(ctx, &usermerge, `SELECT v FROM convo_messages_fts_config WHERE k = 'usermerge'`)
	}))
	is.Equal(usermerge, "2") // migration 0011: about one segment a level
	more, err := s.mergeStep(ctx, "convo_messages_fts", idleMergePages, nil)
	is.NoErr(err)
	is.True(!more) // nothing left to merge by levels

	page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "invoice", Page: store.PageNumber(1, 100)})
	is.NoErr(err)
	is.Equal(page.Meta.Total, 1200) // every message still found
	page, err = s.SearchMessages(ctx, 1, store.MessageSearch{Query: "round7", Page: store.PageNumber(1, 100)})
	is.NoErr(err)
	is.Equal(page.Meta.Total, 100)
	is.NoErr(s.CheckInvariants(ctx))
}

// TestIndexerLeavesMergesToAWriter checks that a store whose callers are
// idle does not merge while another store (another process) writes the
// file, whose writes would wait for each step, and merges once it stops.
func TestIndexerLeavesMergesToAWriter(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	path := t.TempDir() + "/convo.db"
	idle, err := Open(path, Options{})
	is.NoErr(err)
	defer idle.Close()
	convID := loadSegments(t, idle)
	loaded := segments(t, idle)
	is.True(loaded > 2)

	writer, err := Open(path, Options{})
	is.NoErr(err)
	defer writer.Close()
	for end := time.Now().Add(3 * idle.index.idle); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		_, err := writer.AddMessage(ctx, 1, convID, convo.NewMessage{Type: convo.MessageIncoming, Content: "more"})
		is.NoErr(err)
	}
	is.Equal(idle.index.merges.Load(), int64(0)) // not while the other one writes

	waitMerged(t, idle) // once it stops, one of the two merges
	is.True(segments(t, idle) < loaded)
}
