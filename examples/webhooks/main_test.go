package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

const (
	account = 1
	other   = 2 // an account whose changes must not be forwarded
)

// TestProgram builds the program and runs it as a host would, in processes
// of its own, on a database file that the test writes to from its process.
func TestProgram(t *testing.T) {
	bin := buildProgram(t)
	t.Run("KilledMidStream", func(t *testing.T) { testKilledMidStream(t, bin) })
	t.Run("Expired", func(t *testing.T) { testExpired(t, bin) })
}

// testKilledMidStream: while messages and status changes keep coming, the
// program is killed (SIGKILL) at random moments and started again; the
// endpoint fails some requests (500s, dropped connections). At the end the
// endpoint must have received every message.created and every status
// change of the account, as the feed holds them: duplicates are allowed,
// gaps are not.
func testKilledMidStream(t *testing.T, bin string) {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	path := filepath.Join(t.TempDir(), "webhooks.db")
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := &receiver{got: map[int64]event{}}
	srv := httptest.NewServer(rec)
	defer srv.Close()

	w := startWriter(ctx, t, s, seed, rec)
	began := time.Now()
	// Kill it a few times, each once it is under way, at a random moment.
	for range 4 {
		p, base := startProgram(ctx, t, bin, path, srv.URL), rec.received()
		p.waitFor(ctx, t, "it forwards changes", func() bool { return rec.received() >= base+5 })
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
		p.kill()
		t.Logf("%v: killed after %d changes received", time.Since(began).Round(time.Millisecond), rec.received())
	}
	// The last run forwards the rest, once the writer has written enough.
	p, base := startProgram(ctx, t, bin, path, srv.URL), rec.received()
	p.waitFor(ctx, t, "it forwards changes", func() bool { return rec.received() >= base+5 && w.writes.Load() >= 6*writeCycle })
	writes, err := w.stop()
	if err != nil {
		t.Fatalf("writer: %v", err)
	}

	// What the endpoint must have received: the feed, read directly.
	want := map[int64]store.Change{}
	statusChanges, otherUpdates := 0, 0
	f := store.ChangeFilter{Kinds: []store.ChangeKind{store.MessageCreated, store.ConversationUpdated}, Limit: store.MaxChangeLimit}
	for after := int64(0); ; {
		page, err := s.Changes(ctx, account, after, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Changes {
			switch {
			case c.Kind == store.MessageCreated:
				want[c.Position] = c
			case c.Changed("status"):
				want[c.Position] = c
				statusChanges++
			default:
				otherUpdates++
			}
		}
		if after = page.Next; !page.More {
			break
		}
	}
	if statusChanges == 0 || otherUpdates == 0 {
		t.Fatalf("the writer made %d status changes and %d other updates: want some of each", statusChanges, otherUpdates)
	}
	t.Logf("%v: writer stopped", time.Since(began).Round(time.Millisecond))
	p.waitFor(ctx, t, fmt.Sprintf("the endpoint receives all %d changes", len(want)), func() bool { return rec.hasAll(want) })
	t.Logf("%v: all received", time.Since(began).Round(time.Millisecond))

	// Then the program acknowledges the end of the feed, and stops cleanly
	// on SIGINT.
	newest, err := s.Changes(ctx, account, store.FromNow, store.ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	p.waitFor(ctx, t, "it acknowledges the newest change", func() bool {
		acked, err := s.AckedChanges(ctx, account, consumer)
		return err == nil && acked == newest.Next
	})
	t.Logf("%v: all acknowledged", time.Since(began).Round(time.Millisecond))
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if <-p.done; p.err != nil {
		t.Errorf("the program stopped on SIGINT with %v, want exit status 0", p.err)
	}
	t.Logf("%v: stopped", time.Since(began).Round(time.Millisecond))

	rec.mu.Lock()
	defer rec.mu.Unlock()
	t.Logf("%d writes, %d changes forwarded, %d requests: %d failed on purpose, %d duplicates",
		writes, len(want), rec.requests, rec.failed, rec.duplicates)
	for _, p := range rec.problems {
		t.Error(p)
	}
	for pos, e := range rec.got {
		c, ok := want[pos]
		switch {
		case !ok:
			t.Errorf("position %d (%s) was forwarded: not a message or a status change of account %d", pos, e.Kind, account)
		case e.Kind != c.Kind || e.ConversationID != c.ConversationID || e.MessageID != c.MessageID:
			t.Errorf("position %d: forwarded %s of conversation %d, message %d; the feed has %s, %d, %d",
				pos, e.Kind, e.ConversationID, e.MessageID, c.Kind, c.ConversationID, c.MessageID)
		case c.Message != nil && (e.Message == nil || e.Message.Content != c.Message.Content):
			t.Errorf("position %d: forwarded message %+v, want content %q", pos, e.Message, c.Message.Content)
		case c.Kind == store.ConversationUpdated && e.Status == "":
			t.Errorf("position %d: a status change without the status", pos)
		}
	}
	if rec.failed == 0 {
		t.Error("no request failed: the retries were not exercised")
	}
}

// testExpired: the program is stopped for longer than the feed keeps what it
// has not acknowledged; started again, it goes on with the changes made from
// then on.
func testExpired(t *testing.T, bin string) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	// This process's store keeps changes for a millisecond, even those the
	// program has not acknowledged, and its clock jumps: its writes remove
	// what is older.
	var ahead atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	path := filepath.Join(t.TempDir(), "webhooks.db")
	s, err := sqlite.Open(path, sqlite.Options{Now: clock, ChangeRetention: time.Millisecond, MaxChangeRetention: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := &receiver{got: map[int64]event{}}
	srv := httptest.NewServer(rec)
	defer srv.Close()

	c, err := s.CreateContact(ctx, account, convo.NewContact{FirstName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	conv, err := s.CreateConversation(ctx, account, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelWeb, HappenedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	say := func(text string) int64 {
		t.Helper()
		if _, err := s.AddMessage(ctx, account, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: text}); err != nil {
			t.Fatal(err)
		}
		page, err := s.Changes(ctx, account, store.FromNow, store.ChangeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return page.Next
	}
	acked := func(pos int64) func() bool {
		return func() bool {
			p, err := s.AckedChanges(ctx, account, consumer)
			return err == nil && p == pos
		}
	}

	first := say("forwarded")
	p := startProgram(ctx, t, bin, path, srv.URL)
	p.waitFor(ctx, t, "it acknowledges the first message", acked(first))
	p.kill()
	missed := []int64{say("missed"), say("missed too")}
	ahead.Store(int64(2 * time.Minute))
	resync := say("written as the missed ones expire")
	if _, err := s.Changes(ctx, account, first, store.ChangeFilter{}); !errors.Is(err, convo.ErrChangesExpired) {
		t.Fatalf("reading after position %d: %v, want ErrChangesExpired", first, err)
	}

	p = startProgram(ctx, t, bin, path, srv.URL)
	p.waitFor(ctx, t, "it starts over from the newest change", acked(resync))
	last := say("forwarded after the restart")
	p.waitFor(ctx, t, "it forwards the new message", acked(last))

	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, pos := range append(missed, resync) {
		if _, ok := rec.got[pos]; ok {
			t.Errorf("position %d, written while the program was stopped, was forwarded", pos)
		}
	}
	for _, pos := range []int64{first, last} {
		if _, ok := rec.got[pos]; !ok {
			t.Errorf("position %d was not forwarded", pos)
		}
	}
}

// program is the program running in a process of its own.
type program struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	err  error         // how it exited, once done
}

// startProgram starts the program on the database file, forwarding to url;
// the test kills it at the latest when it ends.
func startProgram(ctx context.Context, t *testing.T, bin, path, url string) *program {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, "-db", path, "-account", strconv.Itoa(account), "-url", url, "-backoff", "5ms")
	cmd.Stdout, cmd.Stderr = t.Output(), t.Output()
	// A program built with the race detector waits a second as it exits,
	// unless told not to.
	cmd.Env = append(os.Environ(), "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &program{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.kill)
	return p
}

// kill kills the program (SIGKILL) and waits until it has exited.
func (p *program) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// waitFor waits until cond holds, polling it; it fails the test when ctx
// ends first or when the program exits.
func (p *program) waitFor(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting until %s: %v", what, ctx.Err())
		case <-p.done:
			t.Fatalf("waiting until %s: the program exited: %v", what, p.err)
		case <-tick.C:
		}
	}
}

// buildProgram builds this program into a temporary directory, with the
// race detector when this test has it.
func buildProgram(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "webhooks")
	args := []string{"build", "-o", bin}
	if info, ok := debug.ReadBuildInfo(); ok && slices.Contains(info.Settings, debug.BuildSetting{Key: "-race", Value: "true"}) {
		args = append(args, "-race")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	if out, err := exec.CommandContext(ctx, "go", append(args, ".")...).CombinedOutput(); err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, out)
	}
	t.Logf("built in %v", time.Since(start).Round(time.Millisecond))
	return bin
}

// receiver is the endpoint. It records the events it accepts by position,
// and fails some requests on purpose: a 500 for every 7th, a dropped
// connection for every 11th.
type receiver struct {
	mu         sync.Mutex
	requests   int
	failed     int
	accepted   int
	duplicates int
	got        map[int64]event
	maxPos     int64
	problems   []string
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var e event
	err := json.NewDecoder(req.Body).Decode(&e)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	switch {
	case r.requests%7 == 0:
		r.failed++
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	case r.requests%11 == 0:
		r.failed++
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	case err != nil:
		r.problems = append(r.problems, fmt.Sprintf("request %d: %v", r.requests, err))
	case req.Header.Get("Convo-Position") != strconv.FormatInt(e.Position, 10):
		r.problems = append(r.problems, fmt.Sprintf("position %d: header Convo-Position %q", e.Position, req.Header.Get("Convo-Position")))
	case e.AccountID != account:
		r.problems = append(r.problems, fmt.Sprintf("position %d: account %d", e.Position, e.AccountID))
	}
	if _, dup := r.got[e.Position]; dup {
		r.duplicates++
	}
	r.got[e.Position] = e
	r.maxPos = max(r.maxPos, e.Position)
	r.accepted++
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) received() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.accepted
}

// newest is the newest position received.
func (r *receiver) newest() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.maxPos
}

func (r *receiver) hasAll(want map[int64]store.Change) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for pos := range want {
		if _, ok := r.got[pos]; !ok {
			return false
		}
	}
	return true
}

// writer writes into the database from this process, as the host's other
// processes would: messages (incoming ones reopen resolved conversations),
// status toggles, assignments and labels (updates not to forward), and
// messages of another account. It writes every few milliseconds, pausing
// while the account's feed is more than maxAhead positions ahead of what the
// endpoint received (as when the program is down), so that the program
// catches up in a moment, however slow the machine.
type writer struct {
	cancel context.CancelFunc
	done   chan struct{}
	writes atomic.Int64
	err    error // read after done
}

const (
	maxAhead   = 50
	writeCycle = 20
)

func startWriter(ctx context.Context, t *testing.T, s store.Store, seed uint64, rec *receiver) *writer {
	t.Helper()
	var convs [3]int64
	for i := range convs {
		c, err := s.CreateContact(ctx, account, convo.NewContact{FirstName: fmt.Sprintf("Contact %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		conv, err := s.CreateConversation(ctx, account, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelWeb, HappenedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		convs[i] = conv.ID
	}
	c, err := s.CreateContact(ctx, other, convo.NewContact{FirstName: "Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, err := s.CreateConversation(ctx, other, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelWeb, HappenedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(ctx)
	w := &writer{cancel: cancel, done: make(chan struct{})}
	rng := rand.New(rand.NewPCG(seed, 2))
	go func() {
		defer close(w.done)
		for n := 1; ; n++ {
			pause := time.Duration(2+rng.IntN(10)) * time.Millisecond
			for ; ; pause = 5 * time.Millisecond {
				select {
				case <-ctx.Done():
					return
				case <-time.After(pause):
				}
				head, err := s.Changes(ctx, account, store.FromNow, store.ChangeFilter{})
				if err == nil && head.Next-rec.newest() <= maxAhead {
					break
				}
			}
			conv := convs[rng.IntN(len(convs))]
			var err error
			// Any writeCycle writes in a row hold every kind of write.
			switch r := n * 7 % writeCycle; {
			case r < 5:
				_, err = s.AddMessage(ctx, account, conv, convo.NewMessage{Type: convo.MessageIncoming, Content: fmt.Sprintf("question %d", n)})
			case r < 10:
				_, err = s.AddMessage(ctx, account, conv, convo.NewMessage{Type: convo.MessageOutgoing, Content: fmt.Sprintf("answer %d", n)})
			case r < 14:
				_, err = s.ChangeStatus(ctx, account, conv, convo.StatusChange{Toggle: true, Quiet: r < 12})
			case r < 16:
				_, err = s.Assign(ctx, account, conv, convo.Assignment{AssigneeID: uuid.New(), Quiet: true})
			case r < 17:
				_, err = s.ChangeLabels(ctx, account, conv, convo.LabelChange{Add: []string{fmt.Sprintf("label-%d", n)}})
			default:
				_, err = s.AddMessage(ctx, other, elsewhere.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "not forwarded"})
			}
			if err != nil && ctx.Err() == nil {
				w.err = err
				return
			}
			w.writes.Store(int64(n))
		}
	}()
	t.Cleanup(func() { w.stop() })
	return w
}

// stop stops the writer and returns how many writes it made, and the error
// that stopped it early.
func (w *writer) stop() (int64, error) {
	w.cancel()
	<-w.done
	return w.writes.Load(), w.err
}
