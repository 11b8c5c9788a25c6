package convotest

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// Account is the account the builders write to unless a spec says another.
const Account int64 = 1

// Epoch is when the builders' conversations happened unless told
// otherwise: a fixed time, so that tests read the same on every run.
var Epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// Option tunes New.
type Option func(*sqlite.Options)

// WithClock gives the store a clock (a *Clock's Now, or any func), so a
// test decides what "now" is: timestamps, snoozes that wake, reply windows.
func WithClock(now func() time.Time) Option {
	return func(o *sqlite.Options) { o.Now = now }
}

// New returns a fresh, empty store in memory, private to the test (no
// other test, parallel or not, sees it), closed when the test ends.
func New(t testing.TB, opts ...Option) store.Store {
	t.Helper()
	var o sqlite.Options
	for _, opt := range opts {
		opt(&o)
	}
	s, err := sqlite.Open(":memory:", o)
	if err != nil {
		t.Fatalf("convotest: open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Load imports a JSON Lines export (package jsonl) from the file at path
// into the account its header names, keeping the file's ids, and returns
// what was written. Any error fails the test, naming the bad line. A
// fixture may leave out every timestamp: the store's clock fills them in.
func Load(t testing.TB, s store.Store, path string) store.ImportStats {
	t.Helper()
	return load(t, s, path, store.ImportOptions{})
}

// LoadWithNewIDs is Load giving every record a new id, so that a fixture
// loads beside rows the test built (or loads twice). The returned stats
// map the file's ids to the stored ones (ConversationIDs and the like).
func LoadWithNewIDs(t testing.TB, s store.Store, path string) store.ImportStats {
	t.Helper()
	return load(t, s, path, store.ImportOptions{NewIDs: true})
}

func load(t testing.TB, s store.Store, path string, opts store.ImportOptions) store.ImportStats {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("convotest: load: %v", err)
	}
	defer f.Close()
	r, err := jsonl.NewReader(f)
	if err != nil {
		t.Fatalf("convotest: load %s: %v", path, err)
	}
	stats, err := s.Import(t.Context(), r.Header().AccountID, r.Records(), opts)
	if err != nil {
		t.Fatalf("convotest: load %s: %v", path, err)
	}
	return stats
}

// Clock is a settable clock for tests, safe for concurrent use. Pass its
// Now to WithClock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
