package postgres

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// Ids a store hands out, and the ids an import writes as given.

// importedMessage is the records of a contact and a conversation under
// the id given, and of a message in it under its own id.
func importedMessage(id, messageID int64, at time.Time) []store.Record {
	return []store.Record{
		{Contact: &convo.Contact{ID: id, FirstName: "Imported", CreatedAt: at}},
		{Conversation: &convo.Conversation{ID: id, UUID: uuid.New(), ContactID: id, Channel: convo.ChannelEmail, HappenedAt: at}},
		{Message: &convo.Message{ID: messageID, ConversationID: id, Seq: 1, Type: convo.MessageIncoming, Content: "imported", CreatedAt: at}},
	}
}

// recordsThen yields records, then runs then (when not nil) before it ends.
func recordsThen(then func(), records ...store.Record) iter.Seq2[store.Record, error] {
	return func(yield func(store.Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
		if then != nil {
			then()
		}
	}
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
	own, other := newConversation(t, s, 1), newConversation(t, s, 2)
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
	conv := newConversation(t, s, 1)
	last, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "before"})
	is.NoErr(err)
	at := last.CreatedAt
	paused, resume := make(chan struct{}), make(chan struct{})
	records := recordsThen(func() {
		close(paused) // the message is written, not committed
		<-resume
	}, importedMessage(5000, last.ID+1, at)...) // the id the next append would draw
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
	conv := newConversation(t, s, 1)
	far := int64(store.MaxImportedID - 10)
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	records := recordsThen(nil, append(importedMessage(far, far, at),
		store.Record{Message: &convo.Message{ID: far + 1, ConversationID: 12345, Seq: 1, Type: convo.MessageIncoming, Content: "nowhere", CreatedAt: at}})...)
	_, err := s.Import(ctx, 2, records, store.ImportOptions{})
	is.True(errors.Is(err, convo.ErrNotFound)) // conversation 12345
	m, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "after"})
	is.NoErr(err)
	is.True(m.ID < 1000)
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Next"})
	is.NoErr(err)
	is.True(c.ID < 1000)
}
