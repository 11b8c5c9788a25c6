package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestLabelsShareOneCollation: the count triggers join a conversation's
// labels to their count rows by label. In two collations the join cannot
// use the counts' key, and every move of a conversation reads every
// account's count rows (migration 10).
func TestLabelsShareOneCollation(t *testing.T) {
	is := is.New(t)
	s := openStore(t, newConvoDatabase(t), Options{})
	rows, err := s.pool.Query(context.Background(), `SELECT table_name, coalesce(collation_name, 'default')
FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name LIKE 'convo\_%' AND column_name = 'label'
ORDER BY table_name`)
	is.NoErr(err)
	collations := map[string]string{}
	for rows.Next() {
		var table, collation string
		is.NoErr(rows.Scan(&table, &collation))
		collations[table] = collation
	}
	is.NoErr(rows.Err())
	is.Equal(len(collations), 2) // the labels and their counts
	for table, collation := range collations {
		if collation != "C" {
			t.Errorf("%s.label is in collation %s, not C", table, collation)
		}
	}
}

// TestMessagesOrderedOnlyByAccount: no btree on convo_messages leads with
// the id. Such an index gives every account's messages newest first, and a
// generic plan walks it for one account's search (migration 11); the ids
// stay unique through a hash index, which gives no order.
func TestMessagesOrderedOnlyByAccount(t *testing.T) {
	is := is.New(t)
	s := openStore(t, newConvoDatabase(t), Options{})
	ctx := context.Background()
	rows, err := s.pool.Query(ctx, `SELECT i.indexrelid::regclass::text, a.attname
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_class x ON x.oid = i.indexrelid
JOIN pg_am am ON am.oid = x.relam
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
WHERE t.relname = 'convo_messages' AND t.relnamespace = current_schema()::regnamespace AND am.amname = 'btree'`)
	is.NoErr(err)
	n := 0
	for rows.Next() {
		var index, first string
		is.NoErr(rows.Scan(&index, &first))
		n++
		if first != "account_id" {
			t.Errorf("btree %s leads with %s, not account_id", index, first)
		}
	}
	is.NoErr(rows.Err())
	is.True(n >= 3) // the primary key, the seq of a conversation, the source ids
	var hashed bool
	is.NoErr(s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_constraint
WHERE conrelid = 'convo_messages'::regclass AND contype = 'x')`).Scan(&hashed))
	is.True(hashed) // the ids are still unique
}

// TestBatchPastTakenIDs: a batch may draw ids that messages hold already
// (a sequence moved back by hand, or a race of two moves of it). The
// batch's copy then meets the exclusion constraint of message ids, and
// the batch goes the general way, which draws ids again (here past the
// taken ones), rather than failing.
func TestBatchPastTakenIDs(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	url := newConvoDatabase(t)
	s := openStore(t, url, Options{})
	own := newConversation(t, s)
	c, err := s.CreateContact(ctx, 2, convo.NewContact{FirstName: "Bo"})
	is.NoErr(err)
	other, err := s.CreateConversation(ctx, 2, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
	is.NoErr(err)
	taken := map[int64]bool{}
	for range 6 {
		m, err := s.AddMessage(ctx, 2, other.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "taken"})
		is.NoErr(err)
		taken[m.ID] = true
	}
	rawExec(t, url, `SELECT setval(pg_get_serial_sequence('convo_messages', 'id'), 4)`) // the copy's ids: 5 and 6
	batch := []store.MessageTo{
		{ConversationID: own.ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "one"}},
		{ConversationID: own.ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "two"}},
	}
	added, err := s.AddMessages(ctx, 1, batch)
	is.NoErr(err)
	is.Equal(len(added), 2)
	for _, m := range added {
		is.True(!taken[m.ID]) // an id of its own
	}
}

// TestAppendDuringImport: an import writes its rows under their own ids,
// and moves each table's id sequence past an id before it writes a row
// under it, so an append of another account while the import is under
// way draws a free id: it neither waits for the import to commit nor
// then fails on the id the import took.
func TestAppendDuringImport(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	s := openStore(t, newConvoDatabase(t), Options{})
	conv := newConversation(t, s)
	last, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "before"})
	is.NoErr(err)
	at := last.CreatedAt
	paused, resume := make(chan struct{}), make(chan struct{})
	records := func(yield func(store.Record, error) bool) {
		for _, r := range []store.Record{
			{Contact: &convo.Contact{ID: 5000, FirstName: "Imported", CreatedAt: at}},
			{Conversation: &convo.Conversation{ID: 5000, UUID: uuid.New(), ContactID: 5000, Channel: convo.ChannelEmail, HappenedAt: at}},
			// the id the next append would draw
			{Message: &convo.Message{ID: last.ID + 1, ConversationID: 5000, Seq: 1, Type: convo.MessageIncoming, Content: "imported", CreatedAt: at}},
		} {
			if !yield(r, nil) {
				return
			}
		}
		close(paused) // the message is written, not committed
		<-resume
	}
	imported := make(chan error, 1)
	go func() {
		_, err := s.Import(ctx, 2, records, store.ImportOptions{})
		imported <- err
	}()
	select {
	case <-paused:
	case err := <-imported:
		t.Fatalf("the import ended before its pause: %v", err)
	}
	appendCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	m, err := s.AddMessage(appendCtx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "during"})
	close(resume)
	is.NoErr(err) // it did not wait for the import
	is.True(m.ID != last.ID+1)
	is.NoErr(<-imported)
	got, err := s.GetMessage(ctx, 2, last.ID+1)
	is.NoErr(err)
	is.Equal(got.Content, "imported")
}

// TestFailedImportKeepsSequences: an import that fails writes nothing,
// and moves no id sequence past the far ids it wrote before it failed:
// the ids handed out next are as before it, not past store.MaxImportedID.
func TestFailedImportKeepsSequences(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	s := openStore(t, newConvoDatabase(t), Options{})
	conv := newConversation(t, s)
	far := int64(store.MaxImportedID - 10)
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	records := func(yield func(store.Record, error) bool) {
		for _, r := range []store.Record{
			{Contact: &convo.Contact{ID: far, FirstName: "Imported", CreatedAt: at}},
			{Conversation: &convo.Conversation{ID: far, UUID: uuid.New(), ContactID: far, Channel: convo.ChannelEmail, HappenedAt: at}},
			{Message: &convo.Message{ID: far, ConversationID: far, Seq: 1, Type: convo.MessageIncoming, Content: "imported", CreatedAt: at}},
			{Message: &convo.Message{ID: far + 1, ConversationID: 12345, Seq: 1, Type: convo.MessageIncoming, Content: "nowhere", CreatedAt: at}},
		} {
			if !yield(r, nil) {
				return
			}
		}
	}
	_, err := s.Import(ctx, 2, records, store.ImportOptions{})
	is.True(errors.Is(err, convo.ErrNotFound)) // conversation 12345
	m, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "after"})
	is.NoErr(err)
	is.True(m.ID < 1000)
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Next"})
	is.NoErr(err)
	is.True(c.ID < 1000)
}
