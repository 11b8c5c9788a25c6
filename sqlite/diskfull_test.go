package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// fillUntilFull appends batches of large messages until a batch fails, and
// checks that the failure is ErrStorageFull and wrote nothing.
func fillUntilFull(ctx context.Context, s *sqlite.Store, convID int64) error {
	content := strings.Repeat("full disk ", 200)
	before, err := s.GetConversation(ctx, 1, convID, store.GetConversationOptions{})
	if err != nil {
		return err
	}
	for i := 0; ; i++ {
		if i > 10000 {
			return errors.New("the store never filled up")
		}
		batch := make([]store.MessageTo, 20)
		for k := range batch {
			batch[k] = store.MessageTo{ConversationID: convID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: content}}
		}
		_, err := s.AddMessages(ctx, 1, batch)
		if err == nil {
			before.MessagesCount += int64(len(batch))
			continue
		}
		if !errors.Is(err, convo.ErrStorageFull) {
			return fmt.Errorf("a full store gave %v, want ErrStorageFull", err)
		}
		after, err := s.GetConversation(ctx, 1, convID, store.GetConversationOptions{})
		if err != nil {
			return fmt.Errorf("reading a full store: %v", err)
		}
		if after.MessagesCount != before.MessagesCount {
			return fmt.Errorf("the failed batch wrote: %d messages, want %d", after.MessagesCount, before.MessagesCount)
		}
		return s.CheckInvariants(ctx)
	}
}

// TestStorageFull fills a store up to SQLite's max_page_count, set on the
// one writer connection: the failed call is ErrStorageFull and wrote
// nothing, and writes work again once the limit is lifted.
func TestStorageFull(t *testing.T) {
	s, _ := mustOpenFile(t, sqlite.Options{})
	conv := seed(t, s)
	ctx := context.Background()
	err := s.OnWriter(ctx, func(writer *sql.Conn) error {
		var pages int
		if err := writer.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
			return err
		}
		_, err := writer.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+20))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := fillUntilFull(ctx, s, conv.ID); err != nil {
		t.Fatal(err)
	}
	err = s.OnWriter(ctx, func(writer *sql.Conn) error {
		_, err := writer.ExecContext(ctx, "PRAGMA max_page_count = 1073741823")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "room again"}); err != nil {
		t.Fatalf("once there is room: %v", err)
	}
	if err := s.CheckInvariants(ctx); err != nil {
		t.Fatal(err)
	}
}

// diskFullChild fills a store under a file-size limit (RLIMIT_FSIZE, the
// closest a test gets to a full disk), then lifts the limit and writes again.
func diskFullChild() error {
	signal.Ignore(syscall.SIGXFSZ) // a write over the limit fails with EFBIG instead of killing the process
	path := os.Getenv("CONVO_DISKFULL_DB")
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		return err
	}
	margin, err := strconv.ParseUint(os.Getenv("CONVO_DISKFULL_MARGIN"), 10, 64)
	if err != nil {
		return err
	}
	limit := syscall.Rlimit{Cur: uint64(info.Size()) + margin, Max: old.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit); err != nil {
		return err
	}
	if err := fillUntilFull(ctx, s, 1); err != nil {
		return err
	}
	if os.Getenv("CONVO_DISKFULL_CLOSE") == "1" {
		// Close on a full disk: its checkpoint stops part way.
		s.Close()
		return nil
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		return err
	}
	if _, err := s.AddMessage(ctx, 1, 1, convo.NewMessage{Type: convo.MessageIncoming, Content: "room again"}); err != nil {
		return fmt.Errorf("once there is room: %w", err)
	}
	return s.CheckInvariants(ctx)
}

// TestDiskFull runs diskFullChild in a process of its own, since the limit
// applies to the whole process, with limits that fall at different places
// of a page or a WAL frame; each limit once lifted before Close, and once
// kept through Close, whose checkpoint then stops part way: the file must
// open again.
func TestDiskFull(t *testing.T) {
	margins := []int{1, 4096 + 24, 64<<10 + 777}
	if v := os.Getenv("CONVO_DISKFULL_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("CONVO_DISKFULL_ROUNDS: %v", err)
		}
		for i := range n {
			margins = append(margins, 1+i*997)
		}
	}
	margins = append(margins, margins[:3]...) // the default limits both ways
	for i, margin := range margins {
		closeFull := fmt.Sprint(i % 2)
		s, path := mustOpenFile(t, sqlite.Options{})
		conv := seed(t, s)
		s.Close()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"=diskfull", "CONVO_DISKFULL_DB="+path,
			fmt.Sprintf("CONVO_DISKFULL_MARGIN=%d", margin), "CONVO_DISKFULL_CLOSE="+closeFull)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("limit at %d bytes over the file (close full %s): %v: %s", margin, closeFull, err, out)
		}
		s2, err := sqlite.Open(path, sqlite.Options{})
		if err != nil {
			t.Fatalf("limit at %d bytes over the file (close full %s): reopen: %v", margin, closeFull, err)
		}
		ctx := context.Background()
		if err := s2.CheckInvariants(ctx); err != nil {
			t.Fatalf("limit at %d bytes over the file (close full %s): %v", margin, closeFull, err)
		}
		if got, err := s2.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{}); err != nil || got.MessagesCount < 1 {
			t.Fatalf("limit at %d bytes over the file (close full %s): %d messages (%v)", margin, closeFull, got.MessagesCount, err)
		}
		s2.Close()
	}
}
