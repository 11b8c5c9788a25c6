package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// The crash test: a child process appends batches of messages and prints
// "ack N" once AddMessages has returned for batch N; the parent kills it
// with SIGKILL at a random moment, reopens the file and checks that every
// acknowledged batch is there, that no batch is there in part, that the
// maintained counters equal full scans, and that SQLite finds the file
// intact. Every third cycle the child also checkpoints without pause, so
// that kills land in the middle of a checkpoint. CONVO_CRASH_CYCLES sets
// the number of cycles (30 by default).

const crashConversations = 3

// crashBatchSize is the number of messages of batch b.
func crashBatchSize(b int) int { return 1 + b%9 }

// crashChild is the child's program: append batches until killed.
func crashChild() error {
	cycle := os.Getenv("CONVO_CRASH_CYCLE")
	s, err := sqlite.Open(os.Getenv("CONVO_CRASH_DB"), sqlite.Options{Durable: os.Getenv("CONVO_CRASH_DURABLE") == "1"})
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	agent := uuid.New()
	if n, _ := strconv.Atoi(cycle); n%3 == 2 {
		// Checkpoint without pause, so that kills land in the middle of
		// one: the file is then shorter than its page 1 says.
		db, err := sql.Open("sqlite", os.Getenv("CONVO_CRASH_DB")+"?_pragma=busy_timeout(5000)")
		if err != nil {
			return err
		}
		go func() {
			for {
				time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
				db.Exec("PRAGMA wal_checkpoint(TRUNCATE)") //nolint:errcheck // busy is fine
			}
		}()
	}
	// A child whose parent has gone stops by itself.
	for b, deadline := 0, time.Now().Add(time.Minute); time.Now().Before(deadline); b++ {
		batch := make([]store.MessageTo, crashBatchSize(b))
		for i := range batch {
			typ := convo.MessageIncoming
			if (b+i)%3 == 0 {
				typ = convo.MessageOutgoing
			}
			batch[i] = store.MessageTo{ConversationID: int64(1 + (b+i)%crashConversations), Message: convo.NewMessage{
				Type: typ, Content: fmt.Sprintf("cycle %s, batch %d, message %d", cycle, b, i),
				SourceID: fmt.Sprintf("%s-%d-%d", cycle, b, i)}}
		}
		if _, err := s.AddMessages(ctx, 1, batch); err != nil {
			return err
		}
		fmt.Printf("ack %d\n", b) // os.Stdout is unbuffered: the parent sees it at once
		switch b % 5 {
		case 2:
			_, err = s.MarkRead(ctx, 1, int64(1+b%crashConversations), agent)
		case 4:
			_, err = s.ChangeStatus(ctx, 1, int64(1+b%crashConversations), convo.StatusChange{Status: convo.StatusResolved})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func TestCrash(t *testing.T) {
	cycles := 30
	if v := os.Getenv("CONVO_CRASH_CYCLES"); v != "" {
		var err error
		if cycles, err = strconv.Atoi(v); err != nil {
			t.Fatalf("CONVO_CRASH_CYCLES: %v", err)
		}
	}
	s, path := mustOpenFile(t, sqlite.Options{})
	ctx := context.Background()
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Crash"})
	if err != nil {
		t.Fatal(err)
	}
	for range crashConversations {
		if _, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 6))
	acked := map[string]int{} // "cycle-batch" -> size, of every acknowledged batch
	totalAcked := 0
	for cycle := range cycles {
		durable := cycle%2 == 1
		n := runCrashChild(t, path, cycle, durable, r)
		for b := range n {
			acked[fmt.Sprintf("%d-%d", cycle, b)] = crashBatchSize(b)
		}
		totalAcked += n
		checkAfterCrash(t, path, acked)
		if t.Failed() {
			t.Fatalf("cycle %d (durable %v) broke the database", cycle, durable)
		}
	}
	t.Logf("%d cycles, %d batches acknowledged", cycles, totalAcked)
}

// runCrashChild starts a child appending to path, kills it at a random
// moment and returns how many batches it acknowledged.
func runCrashChild(t *testing.T, path string, cycle int, durable bool, r *rand.Rand) int {
	t.Helper()
	d := "0"
	if durable {
		d = "1"
	}
	cmd, lines, stderr := startChild(t, "crash", "CONVO_CRASH_DB="+path,
		"CONVO_CRASH_CYCLE="+strconv.Itoa(cycle), "CONVO_CRASH_DURABLE="+d)
	acks := make(chan int)
	go func() {
		defer close(acks)
		for line := range lines {
			if b, ok := strings.CutPrefix(line, "ack "); ok {
				n, _ := strconv.Atoi(b)
				acks <- n
			}
		}
	}()
	n, exited := 0, false
	wait := func(d time.Duration) {
		timer := time.After(d)
		for {
			select {
			case b, ok := <-acks:
				if !ok {
					exited = true
					return
				}
				n = b + 1
			case <-timer:
				return
			}
		}
	}
	if r.IntN(4) == 0 {
		// Any moment, even while the child opens the file or recovers it.
		wait(time.Duration(r.IntN(40)) * time.Millisecond)
	} else {
		// After the first acknowledgement, so that most cycles write.
		select {
		case b, ok := <-acks:
			exited = !ok
			n = b + 1
		case <-time.After(30 * time.Second):
			t.Fatalf("cycle %d: no acknowledgement in 30s", cycle)
		}
		if !exited {
			wait(time.Duration(r.IntN(25)) * time.Millisecond)
		}
	}
	if exited {
		cmd.Wait()
		t.Fatalf("cycle %d: the child exited by itself: %s", cycle, stderr.String())
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	for b := range acks { // acknowledgements printed before the kill
		n = b + 1
	}
	cmd.Wait() //nolint:errcheck // killed: the error is the signal
	return n
}

// checkAfterCrash reopens the file and checks it against the acknowledged batches.
func checkAfterCrash(t *testing.T, path string, acked map[string]int) {
	t.Helper()
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.CheckInvariants(ctx); err != nil {
		t.Errorf("invariants after kill: %v", err)
	}
	reader, err := sql.Open("sqlite", path) // behind the store's back
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	rows, err := reader.QueryContext(ctx, `SELECT source_id FROM convo_messages WHERE source_id IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	present := map[string]int{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		batch := id[:strings.LastIndexByte(id, '-')]
		present[batch]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for batch, size := range acked {
		if present[batch] != size {
			t.Errorf("acknowledged batch %s: %d of %d messages", batch, present[batch], size)
		}
	}
	for batch, n := range present {
		var b int
		fmt.Sscanf(batch[strings.IndexByte(batch, '-')+1:], "%d", &b)
		if n != crashBatchSize(b) {
			t.Errorf("batch %s is there in part: %d of %d messages", batch, n, crashBatchSize(b))
		}
	}
	var gaps int
	if err := reader.QueryRowContext(ctx, `SELECT count(*) FROM convo_conversations c
		WHERE c.last_seq != (SELECT coalesce(max(seq), 0) FROM convo_messages m WHERE m.account_id = c.account_id AND m.conversation_id = c.id)
		   OR c.messages_count != c.last_seq`).Scan(&gaps); err != nil {
		t.Fatal(err)
	}
	if gaps != 0 {
		t.Errorf("%d conversations whose last_seq is not their last message or whose sequence has gaps", gaps)
	}
	// The full-text index may have been behind when the child died: a
	// search still finds every message the child wrote.
	var total int64
	if err := reader.QueryRowContext(ctx, `SELECT count(*) FROM convo_messages WHERE content LIKE 'cycle %'`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	hits, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "cycle", Page: store.PageNumber(1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if int64(hits.Meta.Total) != total {
		t.Errorf("a search finds %d of the %d messages", hits.Meta.Total, total)
	}
}
