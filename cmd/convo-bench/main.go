// Command convo-bench runs the benchmark workload (docs/benchmarks.md) against a
// convo store, SQLite or PostgreSQL, and prints one JSON object per op to
// stdout; progress goes to stderr.
//
//	go run ./cmd/convo-bench -conversations 100000
//	go run ./cmd/convo-bench -backend postgres -postgres-url postgres://localhost/bench
//	go run ./cmd/convo-bench -conversations 100000 -accounts 100
//
// With -accounts N the data set is spread over N accounts of Zipf-distributed
// sizes, account 1 the largest with about half of it, the smallest written
// first (see layout); the usual ops run in account 1, then the read ops run
// again in the largest, the median and the smallest account, reported as
// op@largest, op@median and op@smallest.
//
// It is a module of its own, so that the PostgreSQL driver it links stays
// out of the library's go.mod.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "convo-bench:", err)
		os.Exit(1)
	}
}

// config holds the workload's flags.
type config struct {
	conversations, messagesPerConv, contacts int
	accounts                                 int // 0: accountOf's two
	dir                                      string
	backend, postgresURL                     string
	seed                                     uint64
	appends, iters                           int
	mixed                                    time.Duration
	readers                                  int
	cpuProfile                               string
	optimize                                 bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("convo-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.conversations, "conversations", 100000, "conversations in the data set")
	fs.IntVar(&c.messagesPerConv, "messages-per-conv", 10, "mean messages per conversation (lognormal)")
	fs.IntVar(&c.contacts, "contacts", 10000, "contacts")
	fs.IntVar(&c.accounts, "accounts", 0, "spread the data set over this many accounts of Zipf-distributed sizes and time reads in the\nlargest, the median and the smallest (0: two accounts, 1 % of the data in the second)")
	fs.StringVar(&c.backend, "backend", "sqlite", "the store: sqlite or postgres")
	fs.StringVar(&c.postgresURL, "postgres-url", os.Getenv("CONVO_POSTGRES_URL"), "the PostgreSQL database (-backend postgres): it must hold no convo tables")
	fs.StringVar(&c.dir, "dir", "", "where the database file goes, SQLite (default: a new temporary directory)")
	fs.Uint64Var(&c.seed, "seed", 42, "RNG seed: the same flags load the same data")
	fs.IntVar(&c.appends, "appends", 5000, "single-message appends timed")
	fs.IntVar(&c.iters, "iters", 1000, "iterations per read op")
	fs.DurationVar(&c.mixed, "mixed", 10*time.Second, "duration of the mixed concurrent phase")
	fs.IntVar(&c.readers, "readers", 4, "reader goroutines in the mixed phase")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the timed read ops to this file")
	fs.BoolVar(&c.optimize, "optimize", false, "merge the full-text indexes after the load, as a host would after a bulk load (SQLite's OptimizeSearch), timed as optimize_search")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.conversations < 100 || c.contacts < 100 || c.messagesPerConv < 1 || c.iters < 1 || c.readers < 1 {
		return c, fmt.Errorf("need at least 100 conversations and contacts, and positive counts")
	}
	if c.accounts < 0 || c.accounts == 1 || c.accounts > c.conversations || c.accounts > c.contacts {
		return c, fmt.Errorf("-accounts is 0 or from 2 up to the conversations and the contacts, not %d", c.accounts)
	}
	if c.backend != "sqlite" && c.backend != "postgres" {
		return c, fmt.Errorf("-backend is sqlite or postgres, not %q", c.backend)
	}
	if c.backend == "postgres" && c.postgresURL == "" {
		return c, fmt.Errorf("-backend postgres needs -postgres-url (or CONVO_POSTGRES_URL)")
	}
	return c, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if cfg.dir == "" {
		if cfg.dir, err = os.MkdirTemp("", "convo-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(cfg.dir)
	}
	path := filepath.Join(cfg.dir, "convo-bench.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	b, err := newBench(cfg, path, stdout, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	memory := watchMemory(100 * time.Millisecond)
	defer memory.stop()
	profile := &cpuProfile{path: cfg.cpuProfile}
	steps := []func() error{b.load, b.optimizeSearch, b.vacuum, b.appendMessages, b.appendParallel, b.feed, profile.start,
		b.inbox, b.counts, b.views, b.getConversation, b.search, b.unread, b.unseen, profile.stop, b.mixedPhase,
		b.accountReads}
	for _, step := range steps {
		if err := step(); err != nil {
			b.s.Close()
			return err
		}
	}
	b.logMemory("at the end") // before Close unmaps the database file
	anon, file := memory.peaks()
	b.logf("memory peaks: RssAnon %d MiB, RssFile %d MiB (each sampled every 100 ms), VmHWM %d MiB", mib(anon), mib(file), mib(peakRSS()))
	if err := b.s.Close(); err != nil {
		return err
	}
	size, err := b.size(path)
	if err != nil {
		return err
	}
	b.logf("done in %s", time.Since(start).Round(time.Second))
	summary := map[string]any{"op": "summary", "conversations": cfg.conversations, "messages": b.messages,
		"db_bytes": size, "peak_rss_bytes": peakRSS()}
	if cfg.accounts > 0 {
		summary["accounts"] = cfg.accounts
	}
	return b.emit(summary)
}

// result is one op's line of output.
type result struct {
	Op        string  `json:"op"`
	N         int     `json:"n"`
	OpsPerSec float64 `json:"ops_per_sec"`
	P50       float64 `json:"p50_us"`
	P99       float64 `json:"p99_us"`
	Mean      float64 `json:"mean_us"`
	Max       float64 `json:"max_us"`
	Note      string  `json:"note,omitempty"`
	// The account of an op@largest, @median or @smallest (-accounts), with
	// its conversations and the messages loaded in it.
	Account       int64 `json:"account,omitempty"`
	Conversations int   `json:"conversations,omitempty"`
	Messages      int   `json:"messages,omitempty"`
}

// summarize turns latencies measured over wall time into a result; n counts
// the units (messages for bulk_load, calls otherwise).
func summarize(op string, lat []time.Duration, n int, wall time.Duration) result {
	r := result{Op: op, N: n}
	if len(lat) == 0 {
		return r
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	us := func(d time.Duration) float64 { return round1(float64(d) / float64(time.Microsecond)) }
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	r.P50, r.P99, r.Max = us(pct(0.50)), us(pct(0.99)), us(lat[len(lat)-1])
	r.Mean = us(sum / time.Duration(len(lat)))
	if wall > 0 {
		r.OpsPerSec = round1(float64(n) / wall.Seconds())
	}
	return r
}

func round1(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }

func (b *bench) emit(v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(b.stdout, string(line))
	return err
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.stderr, "convo-bench: "+format+"\n", args...)
}

// cpuProfile profiles the single-threaded read ops when a path is given.
type cpuProfile struct {
	path string
	f    *os.File
}

func (p *cpuProfile) start() error {
	if p.path == "" {
		return nil
	}
	f, err := os.Create(p.path)
	if err != nil {
		return err
	}
	p.f = f
	return pprof.StartCPUProfile(f)
}

func (p *cpuProfile) stop() error {
	if p.f == nil {
		return nil
	}
	pprof.StopCPUProfile()
	return p.f.Close()
}
