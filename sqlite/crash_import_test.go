package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// The first-open crash test: a child opens a new file (making its schema)
// and imports an account into it, and prints "ack" once Import returned;
// the parent kills it at a random moment of either. The file must open
// again, intact, with the whole import or, unacknowledged, none of it.
// CONVO_CRASH_CYCLES sets the number of cycles (20 by default).

const (
	importConversations = 20
	importMessagesEach  = 10
)

// importChild opens the file of CONVO_CRASH_DB and imports an account.
func importChild() error {
	ctx := context.Background()
	src, err := sqlite.Open(":memory:", sqlite.Options{})
	if err != nil {
		return err
	}
	defer src.Close()
	c, err := src.CreateContact(ctx, 1, convo.NewContact{FirstName: "Imported"})
	if err != nil {
		return err
	}
	for range importConversations {
		conv, err := src.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
		if err != nil {
			return err
		}
		batch := make([]store.MessageTo, importMessagesEach)
		for i := range batch {
			batch[i] = store.MessageTo{ConversationID: conv.ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: fmt.Sprintf("imported %d", i)}}
		}
		if _, err := src.AddMessages(ctx, 1, batch); err != nil {
			return err
		}
	}
	var data bytes.Buffer
	if err := jsonl.Export(ctx, &data, src, 1); err != nil {
		return err
	}
	fmt.Println("ready")
	s, err := sqlite.Open(os.Getenv("CONVO_CRASH_DB"), sqlite.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := jsonl.Import(ctx, &data, s, 1, store.ImportOptions{}); err != nil {
		return err
	}
	fmt.Println("ack")
	time.Sleep(time.Minute) // until killed
	return nil
}

func TestCrashDuringFirstOpenAndImport(t *testing.T) {
	cycles := 20
	if v := os.Getenv("CONVO_CRASH_CYCLES"); v != "" {
		var err error
		if cycles, err = strconv.Atoi(v); err != nil {
			t.Fatalf("CONVO_CRASH_CYCLES: %v", err)
		}
	}
	acked := 0
	for cycle := range cycles {
		path := filepath.Join(t.TempDir(), "convo.db")
		cmd, lines, stderr := startChild(t, "import", "CONVO_CRASH_DB="+path)
		select {
		case <-lines: // ready
		case <-time.After(30 * time.Second):
			t.Fatalf("cycle %d: the child never got ready", cycle)
		}
		// The kill lands in the open (its schema), the import, or after.
		time.Sleep(time.Duration(cycle%10) * 15 * time.Millisecond)
		cmd.Process.Kill() //nolint:errcheck // it may have failed already: its stderr says
		ack := false
		for line := range lines {
			ack = ack || line == "ack"
		}
		cmd.Wait() //nolint:errcheck // killed: the error is the signal
		if strings.Contains(stderr.String(), "child import") {
			t.Fatalf("cycle %d: %s", cycle, stderr.String())
		}
		if ack {
			acked++
		}
		s, err := sqlite.Open(path, sqlite.Options{})
		if err != nil {
			t.Fatalf("cycle %d: reopen after a kill during the first open or an import: %v", cycle, err)
		}
		ctx := context.Background()
		if err := s.CheckInvariants(ctx); err != nil {
			t.Errorf("cycle %d: invariants: %v", cycle, err)
		}
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Statuses: store.AllStatuses, Page: store.PageNumber(1, 1)})
		if err != nil {
			t.Fatalf("cycle %d: %v", cycle, err)
		}
		switch n := page.Meta.Total; {
		case ack && n != importConversations:
			t.Errorf("cycle %d: an acknowledged import left %d of %d conversations", cycle, n, importConversations)
		case n != 0 && n != importConversations:
			t.Errorf("cycle %d: an import is there in part: %d of %d conversations", cycle, n, importConversations)
		}
		s.Close()
	}
	t.Logf("%d cycles, %d imports acknowledged before the kill", cycles, acked)
}
