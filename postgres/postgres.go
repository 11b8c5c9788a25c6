package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Options tune a Store. The zero value is ready to use.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the open and each migration applied (Debug); nil
	// means silent.
	Logger *slog.Logger
	// MaxConns is the size of the connection pool, at most MaxPoolConns;
	// zero means max(4, GOMAXPROCS).
	MaxConns int
	// ReadOnly opens the store for reading only: every write is
	// convo.ErrReadOnly, and every transaction is read-only on the server
	// too, so a role that may only SELECT can read. The schema is not
	// migrated: a database convo has not brought up to this version is
	// convo.ErrReadOnly. A snooze that has ended reads as snoozed until a
	// writable store wakes it.
	ReadOnly bool
	// Replicas are the connection URLs of streaming replicas of the
	// primary (hot standbys), each with a pool of MaxConns. Reads go to
	// them in turn, writes to the primary. A read sees every write this
	// Store value made before it: it runs on a replica only when that has
	// replayed the Store's last write, else on the primary (also when the
	// replica is down: it is tried again a second later). Writes of other
	// Stores, in this process or another, reach a read on a replica once
	// it replays them.
	Replicas []string
	// ChangeRetention is how long the change feed keeps a change once
	// every durable consumer of its account has acknowledged it (at once
	// without consumers); zero means store.ChangeRetention.
	ChangeRetention time.Duration
	// MaxChangeRetention is how long the feed keeps a change however far
	// its consumers are; zero means store.MaxChangeRetention. It is at
	// least ChangeRetention.
	MaxChangeRetention time.Duration
}

// MaxPoolConns is the largest Options.MaxConns.
const MaxPoolConns = 1024

// Store is convo's store on one PostgreSQL database.
type Store struct {
	pool     *pgxpool.Pool
	now      func() time.Time
	clockMu  sync.Mutex // guards now: see clock
	log      *slog.Logger
	readOnly bool
	closed   atomic.Bool
	replicas *replicaSet // nil without Options.Replicas: see replica.go
	// The change feed: the waiters of WaitChanges and their listener
	// (notify.go), the retention and the last trim, in unix nanoseconds
	// of the store's clock (changes.go).
	waiters   *waiters
	retention backend.Retention
	lastTrim  atomic.Int64
}

var _ store.Store = (*Store)(nil)

// open returns ErrClosed after Close: the check of a call that needs no
// query.
func (s *Store) open() error {
	if s.closed.Load() {
		return convo.ErrClosed
	}
	return nil
}

// Open connects to the database at url (a PostgreSQL connection URL or
// key=value string) and brings convo's schema up to date: its tables are
// named convo_*, beside any of the host's. Bad options or a bad url are
// convo.ErrInvalid; a database with convo_* tables that are not convo's is
// convo.ErrNotConvo, one written by a newer convo convo.ErrSchemaTooNew.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if err := opts.validate(url); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, convo.Invalid("url", convo.CodeInvalid, "is not a PostgreSQL connection string: "+err.Error())
	}
	cfg.MaxConns = int32(opts.maxConns())
	if opts.ReadOnly {
		cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	}
	if _, set := cfg.ConnConfig.RuntimeParams["gin_pending_list_limit"]; !set {
		// the words index's pending list: see migration 0007
		cfg.ConnConfig.RuntimeParams["gin_pending_list_limit"] = wordsPendingList
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("convo: open postgres: %w", translate(err))
	}
	s := &Store{pool: pool, now: opts.Now, log: opts.Logger, readOnly: opts.ReadOnly,
		retention: opts.retention()}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.lastTrim.Store(neverTrimmed)
	listen := pool.Config().ConnConfig
	s.waiters = newWaiters(func(ctx context.Context) (*pgx.Conn, error) { return pgx.ConnectConfig(ctx, listen) }, s.log)
	check := migrate
	if opts.ReadOnly {
		check = checkSchema
	}
	if err := check(ctx, pool, s.now, s.log); err != nil {
		pool.Close()
		return nil, err
	}
	if s.replicas, err = openReplicas(opts); err != nil {
		pool.Close()
		return nil, err
	}
	s.log.Debug("convo: store open", "backend", "postgres", "schema_version", SchemaVersion())
	return s, nil
}

// Close closes the pool and the listener of WaitChanges, whose waiters
// return ErrClosed. It is safe to call more than once.
func (s *Store) Close() error {
	if s.closed.CompareAndSwap(false, true) {
		s.waiters.close()
		s.pool.Close()
		s.replicas.close()
	}
	return nil
}

func (o Options) validate(url string) error {
	var errs []convo.FieldError
	if strings.TrimSpace(url) == "" {
		errs = append(errs, convo.FieldError{Field: "url", Code: convo.CodeRequired, Message: "give a PostgreSQL connection URL"})
	}
	errs = append(errs, backend.OutOfRange("max_conns", int64(o.MaxConns), 0, MaxPoolConns)...)
	errs = append(errs, o.validateReplicas()...)
	_, problems := backend.RetentionOf(o.ChangeRetention, o.MaxChangeRetention)
	errs = append(errs, problems...)
	if len(errs) > 0 {
		return &convo.ValidationError{Errors: errs}
	}
	return nil
}

func (o Options) maxConns() int { return backend.Conns(o.MaxConns) }

// retention is the change feed's, validated by validate.
func (o Options) retention() backend.Retention {
	r, _ := backend.RetentionOf(o.ChangeRetention, o.MaxChangeRetention)
	return r
}
