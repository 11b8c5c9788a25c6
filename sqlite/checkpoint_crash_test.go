package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// TestOpenAfterCheckpointCut opens a file as a crash or a full disk in the
// middle of a checkpoint leaves it: page 1, written first, already declares
// the pages the log adds, but the file does not hold them yet. SQLite reads
// them from the log, so the file must open with every message present.
func TestOpenAfterCheckpointCut(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "convo.db")
	s, err := sqlite.Open(path, sqlite.Options{})
	is.NoErr(err)
	conv := seed(t, s)
	is.NoErr(s.Close())

	// A reader's snapshot keeps every later frame in the log: no
	// checkpoint may copy what it might still need.
	pin, err := sql.Open("sqlite", path)
	is.NoErr(err)
	defer pin.Close()
	tx, err := pin.Begin()
	is.NoErr(err)
	defer tx.Rollback() //nolint:errcheck
	var n int
	is.NoErr(tx.QueryRow(`SELECT count(*) FROM convo_contacts`).Scan(&n))

	s, err = sqlite.Open(path, sqlite.Options{})
	is.NoErr(err)
	const messages = 300
	batch := make([]store.MessageTo, messages)
	for i := range batch {
		batch[i] = store.MessageTo{ConversationID: conv.ID, Message: convo.NewMessage{
			Content: fmt.Sprintf("message %d of a batch long enough to need pages the file does not have yet", i),
			Type:    convo.MessageIncoming}}
	}
	_, err = s.AddMessages(ctx, 1, batch)
	is.NoErr(err)

	// The cut: the file and its log as they are now, with page 1 of the
	// file replaced by the log's last copy of it.
	cut := filepath.Join(t.TempDir(), "convo.db")
	main, err := os.ReadFile(path)
	is.NoErr(err)
	wal, err := os.ReadFile(path + "-wal")
	is.NoErr(err)
	is.NoErr(s.Close())
	page1 := lastFrameOf(t, wal, 1)
	is.True(binary.BigEndian.Uint32(page1[28:32])*uint32(len(page1)) > uint32(len(main))) // the log grew the file
	copy(main, page1)
	is.NoErr(os.WriteFile(cut, main, 0o600))
	is.NoErr(os.WriteFile(cut+"-wal", wal, 0o600))

	s, err = sqlite.Open(cut, sqlite.Options{})
	is.NoErr(err) // a file SQLite can recover opens
	defer s.Close()
	got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
	is.NoErr(err)
	is.Equal(len(got.Messages), messages+1) // every acknowledged message is there
	var check string
	is.NoErr(rawQuery(t, cut, `PRAGMA integrity_check`, &check))
	is.Equal(check, "ok")
}

// lastFrameOf returns the page data of the log's last frame for page pgno.
func lastFrameOf(t *testing.T, wal []byte, pgno uint32) []byte {
	t.Helper()
	pageSize := int(binary.BigEndian.Uint32(wal[8:12]))
	var last []byte
	for off := 32; off+24+pageSize <= len(wal); off += 24 + pageSize {
		if binary.BigEndian.Uint32(wal[off:off+4]) == pgno {
			last = wal[off+24 : off+24+pageSize]
		}
	}
	if last == nil {
		t.Fatalf("the log holds no frame of page %d", pgno)
	}
	return last
}

// rawQuery reads one value from a database file behind convo's back.
func rawQuery(t *testing.T, path, query string, dest any) error {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.QueryRow(query).Scan(dest)
}
