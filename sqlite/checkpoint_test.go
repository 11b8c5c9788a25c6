package sqlite_test

import (
	"context"
	"encoding/binary"
	"os"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
)

// walProgress reads, from the WAL index beside the database (SQLite's
// documented wal-index layout, in native byte order), how many frames the
// log holds (mxFrame) and how many of them are copied back into the
// database file (nBackfill).
func walProgress(t *testing.T, path string) (frames, backfilled uint32) {
	t.Helper()
	b, err := os.ReadFile(path + "-shm")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 136 {
		t.Fatalf("wal-index of %d bytes", len(b))
	}
	return binary.NativeEndian.Uint32(b[16:20]), binary.NativeEndian.Uint32(b[96:100])
}

// TestCheckpointInBackground: the store copies the log back into the
// database file on its own soon after writes, though the writer's own
// checkpoint waits for a far longer log.
func TestCheckpointInBackground(t *testing.T) {
	is := is.New(t)
	s, path := mustOpenFile(t, sqlite.Options{})
	ctx := context.Background()
	c := seed(t, s)
	for i := range 50 {
		_, err := s.AddMessage(ctx, 1, c.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "message " + string(rune('a'+i%26))})
		is.NoErr(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		frames, backfilled := walProgress(t, path)
		if frames > 0 && backfilled == frames {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10s, %d of %d frames are checkpointed", backfilled, frames)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
