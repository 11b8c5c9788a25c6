package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

var _ store.Store = (*Store)(nil)

// Options tune a Store. The zero value is ready to use; each field's
// comment says what its zero value means.
type Options struct {
	// Now is the clock; nil means time.Now. Tests inject a fake one.
	Now func() time.Time
	// Logger receives the store's few log records: the open and each
	// migration applied (Debug), and writes that failed for a reason other
	// than the caller's input or took longer than a second, waiting for the
	// writer included (Warn). Nil means silent.
	Logger *slog.Logger
	// BusyTimeout is how long a connection waits for a lock held by another
	// process before failing; zero means 5 seconds, at most MaxBusyTimeout.
	BusyTimeout time.Duration
	// ReadConns is the size of the reader pool, at most MaxReadConns; zero
	// means max(4, GOMAXPROCS). The store holds these connections, each with its
	// prepared statements, for its life: at most ReadConns reads run at
	// once, and more wait. There is no writer pool to size: SQLite lets one
	// writer in at a time, so the store writes through one connection and
	// its writes queue for it, each in one short transaction.
	ReadConns int
	// Durable makes every commit wait for the disk (synchronous=FULL), so
	// acknowledged writes survive power loss too. The default
	// (synchronous=NORMAL) survives a crash of the process.
	Durable bool
	// ReadOnly opens the database for reading only; every write is
	// convo.ErrReadOnly. A file in a directory this process cannot write
	// (where SQLite cannot make the WAL index beside it) is read as
	// immutable: it must not change while the store is open. A read-only
	// store searches the full-text index as its writer left it, which may
	// be up to ~50 ms behind a writer that is running (the writer indexes
	// new messages in batches, and all of them on Close). The default
	// opens it for reading and writing, creating the file when it does not
	// exist.
	ReadOnly bool
	// CacheSize is the page cache of each connection, in bytes, at most
	// MaxCacheSize; zero means
	// 32 MiB for each reader and 8 MiB for the writer (pages are cached as
	// they are read, so a small database takes what it needs). Without a
	// cache that holds the hot pages, every page of a list is a system call
	// when memory mapping is off. A larger writer cache makes every commit
	// slower: SQLite walks the writer's whole cache at the end of each
	// write transaction.
	CacheSize int64
	// MmapSize is how much of the database file each reader connection
	// reads through a memory map instead of read calls; zero means 1 GiB,
	// negative turns memory mapping off (for file systems where it is
	// unsafe, such as network ones). The writer reads through its page
	// cache. Every connection maps the file on its own, and the operating
	// system counts a page in the process's resident memory once per map
	// that touched it. In-memory databases ignore it and CacheSize. At
	// most MaxMmapSize.
	MmapSize int64
	// RowCache is how many conversation rows the store keeps in memory to
	// serve list pages: a page then reads only the ids and versions of its
	// rows and reads in full only those that changed; zero means 10,000,
	// negative turns the cache off, at most MaxRowCache. It is always
	// exact, whoever writes. A typical row costs about 1.6 KB of heap (16 MB
	// at the default; BenchmarkRowCacheMemory).
	RowCache int
	// ChangeRetention is how long the change feed keeps a change (see
	// store.Change); zero means store.ChangeRetention (7 days). A change
	// a durable consumer of its account has not acknowledged is kept
	// longer, up to MaxChangeRetention; zero means store.MaxChangeRetention
	// (30 days), and it must not be below ChangeRetention. Writes remove
	// expired changes as they go, once a minute by the store's clock.
	ChangeRetention    time.Duration
	MaxChangeRetention time.Duration

	immutable bool // set by Open for a read-only file in a read-only directory
}

// The largest value of each option: a value beyond it is ErrInvalid. They
// are far above any useful setting and keep a typo (an extra digit, a
// count of bytes where one of KiB was meant) from exhausting memory or
// file descriptors.
const (
	MaxBusyTimeout = time.Hour
	MaxReadConns   = 1024
	MaxCacheSize   = 64 << 30 // 64 GiB
	MaxMmapSize    = 1 << 50  // 1 PiB: SQLite itself caps the map at a compile-time limit
	MaxRowCache    = 10_000_000
)

// The defaults of CacheSize and MmapSize. The writer's cache is small on
// purpose: at the end of every write transaction SQLite walks the cache's
// hash table to drop pages past the end of the file, so each commit costs
// time in proportion to the cache. With 64 MiB that walk was 12 % of an
// append (8 MiB: 3 %) and the appends ran 10-20 % slower; the pages an
// append reads that fall out of it are read calls served by the operating
// system's cache.
const (
	defaultReaderCache = 32 << 20
	defaultWriterCache = 8 << 20
	defaultMmapSize    = 1 << 30
)

// Store is a store.Store on one SQLite database.
type Store struct {
	*engine
	// in is the host's transaction a Store given by WithTx runs every
	// call in; nil: each call runs in a transaction of its own.
	in *hostTx
}

// engine is what a Store and the Stores that WithTx gives share.
type engine struct {
	w        *sqlx.DB // the one writer connection
	r        *sqlx.DB // the reader pool
	writer   *pool    // the writer's one connection, held
	readers  *pool    // the reader pool's connections, held
	now      func() time.Time
	log      *slog.Logger
	readOnly bool
	// shared: other processes may write the file (a writable file
	// store), so reads look for the snoozes they set (snoozes.notice).
	shared  bool
	snoozes snoozes
	rows    *rowCache     // nil: no cache
	ckpt    *checkpointer // nil: in memory or read-only
	index   *indexer      // nil: read-only, or in memory
	calls   activity      // the callers' calls, for the indexer's merges
	// indexInline indexes the messages a write adds in its own
	// transaction: an in-memory store (see indexer.go).
	indexInline bool
	// feed wakes WaitChanges; polls: for a file, which other processes
	// may write, it also polls.
	feed      *feed
	polls     bool
	retention retention

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if need be) the database at path and brings its
// schema up to date. path ":memory:" opens a fresh in-memory database,
// private to this Store, that lives until Close.
//
// The file may hold the host's own tables: convo adds its own beside them,
// every one named convo_*, and leaves the host's and PRAGMA user_version
// alone (it does turn on WAL, which the file keeps). A file that is not an
// SQLite database is convo.ErrNotDatabase, a damaged one convo.ErrCorrupt,
// one with convo_* tables that are not convo's convo.ErrNotConvo, one
// written by a newer version of convo convo.ErrSchemaTooNew; in each case
// the file is left untouched. Bad options are convo.ErrInvalid.
func Open(path string, opts Options) (*Store, error) {
	if err := opts.validate(path); err != nil {
		return nil, err
	}
	memory := path == ":memory:"
	if memory {
		// The memdb VFS shares one in-memory database between all
		// connections that name it; a random name keeps stores apart.
		path = "/convo-" + uuid.NewString()
	} else if err := checkExisting(path, opts); err != nil {
		if !opts.ReadOnly || !errors.Is(err, convo.ErrReadOnly) {
			return nil, err
		}
		// WAL needs its index file beside the database; where it cannot be
		// made, only an immutable file can be read.
		opts.immutable = true
		if err := checkExisting(path, opts); err != nil {
			return nil, err
		}
	}

	s := &Store{engine: &engine{now: opts.Now, log: opts.Logger, readOnly: opts.ReadOnly, shared: !memory && !opts.ReadOnly,
		rows: newRowCache(opts.RowCache), feed: newFeed(), polls: !memory,
		retention: retention{Retention: opts.retention()}}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if s.w, err = sqlx.Open("sqlite", opts.dsn(path, memory, writerConn)); err != nil {
		return nil, translate(err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetConnMaxIdleTime(0)
	if s.r, err = sqlx.Open("sqlite", opts.dsn(path, memory, readerConn)); err != nil {
		s.w.Close()
		return nil, translate(err)
	}
	s.r.SetMaxOpenConns(opts.readConns())
	s.r.SetMaxIdleConns(opts.readConns())

	s.writer, s.readers = newPool(s.w, 1, beginWrite), newPool(s.r, opts.readConns(), beginRead)
	if err := s.setup(memory); err != nil {
		s.w.Close()
		s.r.Close()
		return nil, err
	}
	if !memory && !opts.ReadOnly {
		c, err := sqlx.Open("sqlite", opts.dsn(path, memory, checkpointConn))
		if err != nil {
			if s.index != nil {
				s.index.stop()
			}
			s.w.Close()
			s.r.Close()
			return nil, translate(err)
		}
		c.SetMaxOpenConns(1)
		s.ckpt = newCheckpointer(c, checkpointEvery, func(err error) {
			s.log.Warn("convo: checkpoint failed", "error", translate(err))
		})
	}
	s.log.Debug("convo: store open", "path", path, "memory", memory, "read_only", opts.ReadOnly,
		"durable", opts.Durable, "read_conns", opts.readConns(), "schema_version", SchemaVersion())
	return s, nil
}

// setup turns on WAL and migrates, through the writer's connection.
func (s *Store) setup(memory bool) error {
	ctx := context.Background()
	if s.readOnly {
		if err := checkSchema(ctx, s.r); err != nil {
			return err
		}
		// Nothing can be woken in a read-only store.
		s.snoozes.next.Store(math.MaxInt64)
		return nil
	}
	if !memory {
		err := s.writer.outside(ctx, func(c *sqlx.Conn) error {
			var mode string // a journal mode cannot change inside a transaction
			return c.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
		})
		if err != nil {
			return translate(err)
		}
	}
	if err := migrate(ctx, s.writer, s.now, s.log); err != nil {
		return err
	}
	// The index may be behind after a crash: the indexer starts there.
	var indexed, added int64
	err := s.writer.inTx(ctx, func(tx *dbtx) error {
		if err := s.snoozes.load(ctx, tx); err != nil {
			return err
		}
		return tx.once().QueryRowContext(ctx, selectIndexMarks).Scan(&indexed, &added)
	})
	if err != nil {
		return translate(err)
	}
	if memory {
		s.indexInline = true
		return nil
	}
	s.index = newIndexer(s, indexed, added, indexEvery, mergeIdle)
	return nil
}

// Close indexes for search the messages not yet indexed, then closes both
// pools. It is safe to call more than once. Close of a Store that WithTx
// gave does nothing: the Store that gave it owns the file.
func (s *Store) Close() error {
	if s.in != nil {
		return nil
	}
	s.closeOnce.Do(func() {
		var indexErr error
		if s.index != nil {
			s.index.stop()
			indexErr = s.index.catchUp(context.Background())
		}
		s.closed.Store(true)
		s.feed.close()
		s.writer.close()
		s.readers.close()
		var ckptErr error
		if s.ckpt != nil {
			ckptErr = s.ckpt.close()
		}
		s.closeErr = errors.Join(indexErr, ckptErr, s.r.Close(), s.w.Close())
	})
	return s.closeErr
}

func (o Options) validate(path string) error {
	var errs []convo.FieldError
	if strings.TrimSpace(path) == "" {
		errs = append(errs, convo.FieldError{Field: "path", Code: convo.CodeRequired, Message: "give a file path or \":memory:\""})
	}
	errs = append(errs, backend.OutOfRange("busy_timeout", int64(o.BusyTimeout), 0, int64(MaxBusyTimeout))...)
	errs = append(errs, backend.OutOfRange("read_conns", int64(o.ReadConns), 0, MaxReadConns)...)
	errs = append(errs, backend.OutOfRange("cache_size", o.CacheSize, 0, MaxCacheSize)...)
	errs = append(errs, backend.OutOfRange("mmap_size", o.MmapSize, math.MinInt64, MaxMmapSize)...)
	errs = append(errs, backend.OutOfRange("row_cache", int64(o.RowCache), math.MinInt64, MaxRowCache)...)
	_, problems := backend.RetentionOf(o.ChangeRetention, o.MaxChangeRetention)
	errs = append(errs, problems...)
	if strings.ContainsRune(path, 0) {
		errs = append(errs, convo.FieldError{Field: "path", Code: convo.CodeNULByte, Message: "must not contain a NUL byte"})
	}
	if o.ReadOnly && path == ":memory:" {
		errs = append(errs, convo.FieldError{Field: "read_only", Code: convo.CodeMismatch, Message: "an in-memory database cannot be read-only"})
	}
	if len(errs) > 0 {
		return &convo.ValidationError{Errors: errs}
	}
	return nil
}

// retention is the change feed's, validated by validate.
func (o Options) retention() backend.Retention {
	r, _ := backend.RetentionOf(o.ChangeRetention, o.MaxChangeRetention)
	return r
}

func (o Options) readConns() int { return backend.Conns(o.ReadConns) }

func (o Options) busyTimeout() time.Duration {
	if o.BusyTimeout > 0 {
		return o.BusyTimeout
	}
	return 5 * time.Second
}

// connRole is what a pool's connections are for.
type connRole int

const (
	writerConn     connRole = iota // the one connection that writes
	readerConn                     // the reader pool: query_only
	checkpointConn                 // the checkpointer's connection
)

// dsn builds the data source name of one pool. Pragmas go in the DSN so
// that every connection of the pool gets them, not only the first.
func (o Options) dsn(path string, memory bool, role connRole) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", o.busyTimeout().Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	sync := "NORMAL"
	if o.Durable {
		sync = "FULL"
	}
	q.Add("_pragma", "synchronous("+sync+")")
	switch {
	case memory:
		q.Set("vfs", "memdb")
	case o.ReadOnly:
		q.Set("mode", "ro")
		if o.immutable {
			q.Set("immutable", "1")
		}
	}
	if !memory && role != checkpointConn {
		cache := o.CacheSize
		if cache == 0 {
			cache = defaultReaderCache
			if role == writerConn {
				cache = defaultWriterCache
			}
		}
		mmap := o.MmapSize
		switch {
		case role == writerConn || mmap < 0:
			// The writer reads through its page cache: a map would count
			// every page a load touched in the process's resident memory.
			mmap = 0
		case mmap == 0:
			mmap = defaultMmapSize
		}
		// A negative cache_size is in KiB rather than pages.
		q.Add("_pragma", fmt.Sprintf("cache_size(%d)", -max(cache>>10, 1)))
		q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", mmap))
		q.Add("_pragma", "journal_size_limit(67108864)")
	}
	q.Add("_pragma", "temp_store(memory)")
	switch role {
	case writerConn:
		if !memory {
			// The checkpointer copies the log back; this is the backstop.
			q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walBackstopPages))
		}
	case readerConn:
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// checkExisting inspects an existing file through a read-only connection,
// so that a file convo must refuse is never written to.
func checkExisting(path string, opts Options) error {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		// A new file: its directory must exist, or SQLite fails with a
		// message that names neither the path nor the cause.
		if _, err := os.Stat(filepath.Dir(path)); err != nil {
			return fmt.Errorf("convo: open %s: %w", path, err)
		}
		return nil
	}
	if err == nil && info.Size() == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("convo: open %s: %w", path, err)
	}
	if info.IsDir() {
		return fmt.Errorf("%w: %s is a directory", convo.ErrNotDatabase, path)
	}
	if err := checkHeader(path, info.Size()); err != nil {
		return err
	}
	// Read-write unless the store is read-only: a crash during a file's
	// first open (its schema is written before WAL is on) leaves a hot
	// rollback journal, which only a connection that may write can roll
	// back; a read-only one is refused (SQLITE_READONLY_ROLLBACK).
	// query_only keeps the check itself from writing.
	mode := "rw"
	if opts.ReadOnly {
		mode = "ro"
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=" + mode + "&_pragma=query_only(1)" +
		fmt.Sprintf("&_pragma=busy_timeout(%d)", opts.busyTimeout().Milliseconds())
	if opts.immutable {
		dsn += "&immutable=1"
	}
	db, err := sqlx.Open("sqlite", dsn)
	if err != nil {
		return translate(err)
	}
	defer db.Close()
	return checkSchema(context.Background(), db)
}
