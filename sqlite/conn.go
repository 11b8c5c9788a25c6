package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"

	"github.com/jmoiron/sqlx"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
)

// Every query runs one way: on a connection the store holds for its life,
// inside a transaction begun and ended as plain statements of that
// connection, as a statement prepared on it and cached with it. The writer
// is a pool of one such connection (BEGIN IMMEDIATE: SQLite lets one
// writer in at a time, and its writes queue for it), the readers a pool of
// ReadConns (BEGIN). database/sql's Tx would start a goroutine for itself
// and one for every Rows of it (a Tx's context is always cancellable): a
// read of two small queries cost about 40 µs that way against 23 µs, and
// most of its jitter.

// The statements that begin a transaction of each pool.
const (
	beginRead  = "BEGIN"
	beginWrite = "BEGIN IMMEDIATE"
)

// maxCachedStatements bounds a connection's statements; list queries vary
// with their filter, and a rare shape beyond the bound runs unprepared.
const maxCachedStatements = 512

// pool lends the connections of one role, at most max at a time, opening
// them as they are first needed.
type pool struct {
	db    *sqlx.DB
	begin string        // the statement that begins a transaction
	free  chan *conn    // connections lent and given back
	slots chan struct{} // a token for each connection that may still be opened
	done  chan struct{} // closed by close: wakes every call still waiting

	mu     sync.Mutex
	closed bool
}

// conn is a held connection with its prepared statements.
type conn struct {
	conn  *sqlx.Conn
	stmts map[string]*sqlx.Stmt
	// dataVersion is the connection's PRAGMA data_version when it last
	// read the next snooze's end (snoozes.notice); 0: never.
	dataVersion int64
}

func newPool(db *sqlx.DB, max int, begin string) *pool {
	p := &pool{db: db, begin: begin, free: make(chan *conn, max), slots: make(chan struct{}, max), done: make(chan struct{})}
	for range max {
		p.slots <- struct{}{}
	}
	return p
}

// acquire returns a free connection, opening one if the pool may grow, or
// waits for one to be given back. Once the pool is closed it is
// convo.ErrClosed, also for a call that was already waiting.
func (p *pool) acquire(ctx context.Context) (*conn, error) {
	select {
	case <-p.done:
		return nil, convo.ErrClosed
	default:
	}
	select {
	case c := <-p.free:
		return c, nil
	default:
	}
	select {
	case <-p.done:
		return nil, convo.ErrClosed
	case c := <-p.free:
		return c, nil
	case <-p.slots:
		c, err := p.db.Connx(ctx)
		if err != nil {
			p.slots <- struct{}{}
			return nil, err
		}
		return &conn{conn: c, stmts: map[string]*sqlx.Stmt{}}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// release gives c back, or closes it once the pool is closed.
func (p *pool) release(c *conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.close(nil)
		return
	}
	p.free <- c
}

// discard closes c, whose state is unknown (a failed rollback), so that
// database/sql drops its connection, and lets the pool open another.
func (p *pool) discard(c *conn) {
	c.close(driver.ErrBadConn)
	p.slots <- struct{}{}
}

// close wakes the calls waiting for a connection and closes the free
// connections; those lent out close when they are given back.
func (p *pool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		close(p.done)
	}
	p.closed = true
	for {
		select {
		case c := <-p.free:
			c.close(nil)
		default:
			return
		}
	}
}

// close closes c's statements and gives its connection back to
// database/sql, which drops it when bad is driver.ErrBadConn.
func (c *conn) close(bad error) {
	for _, s := range c.stmts {
		s.Close()
	}
	c.stmts = nil
	if bad != nil {
		c.conn.Raw(func(any) error { return bad }) //nolint:errcheck // it reports bad
	}
	c.conn.Close()
}

// stmt returns query prepared on c, preparing it the first time. Beyond
// maxCachedStatements a query runs unprepared (nil).
func (c *conn) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	if len(c.stmts) >= maxCachedStatements {
		return nil, nil
	}
	s, err := c.conn.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = s
	return s, nil
}

// outside runs fn on a connection of p outside any transaction (a pragma
// that cannot run in one).
func (p *pool) outside(ctx context.Context, fn func(c *sqlx.Conn) error) error {
	c, err := p.acquire(ctx)
	if err != nil {
		return err
	}
	defer p.release(c)
	return fn(c.conn)
}

// inTx runs fn in a transaction on a connection of p: its begin statement,
// then COMMIT when fn returns nil, else ROLLBACK (also when fn panics). A
// connection whose rollback fails is discarded.
func (p *pool) inTx(ctx context.Context, fn func(tx *dbtx) error) (err error) {
	c, err := p.acquire(ctx)
	if err != nil {
		return err
	}
	tx := &dbtx{c: c, reads: p.begin == beginRead}
	if _, err := c.conn.ExecContext(ctx, p.begin); err != nil {
		// The context may have ended after BEGIN ran: end what it began.
		// Otherwise none began (a failed BEGIN starts none, and the
		// ROLLBACK fails harmlessly). The connection is kept: closing it
		// would also end an in-memory database whose last one it was.
		c.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK") //nolint:errcheck // see above
		p.release(c)
		return err
	}
	committed := false
	defer func() {
		if !committed && !rollback(context.WithoutCancel(ctx), c) {
			p.discard(c)
			return
		}
		p.release(c)
	}()
	if err := fn(tx); err != nil {
		return err
	}
	// A call whose context ended before its commit writes nothing; once
	// COMMIT starts, it finishes: the driver could otherwise report the
	// context's error for a commit that took place.
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := c.conn.ExecContext(context.WithoutCancel(ctx), "COMMIT"); err != nil {
		return err
	}
	committed = true
	return nil
}

// rollback ends c's transaction and reports whether c is fit to lend
// again. SQLite ends a transaction itself on some errors (a full disk), so
// a ROLLBACK that fails may leave a sound connection: one that can begin a
// transaction anew is kept; one that cannot is in a state nobody knows.
func rollback(ctx context.Context, c *conn) bool {
	if _, err := c.conn.ExecContext(ctx, "ROLLBACK"); err == nil {
		return true
	}
	if _, err := c.conn.ExecContext(ctx, "BEGIN"); err != nil {
		return false
	}
	_, err := c.conn.ExecContext(ctx, "ROLLBACK")
	return err == nil
}

// dbtx is a transaction of the store, on a held connection. Its methods
// have sqlx's names and signatures, and run each query as the statement
// prepared on the connection.
type dbtx struct {
	c     *conn
	reads bool // a read transaction, in a snapshot of its own
	// added is the newest message the transaction added (0: none), which
	// the indexer is told of once it commits.
	added int64
	// changes are what the call changed, stored just before it commits.
	changes backend.ChangeLog
}

// GetContext scans one row into dest.
func (t *dbtx) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	s, err := t.c.stmt(ctx, query)
	if err != nil {
		return err
	}
	if s == nil {
		return t.c.conn.GetContext(ctx, dest, query, args...)
	}
	return s.GetContext(ctx, dest, args...)
}

// SelectContext scans every row into dest, a pointer to a slice.
func (t *dbtx) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	s, err := t.c.stmt(ctx, query)
	if err != nil {
		return err
	}
	if s == nil {
		return t.c.conn.SelectContext(ctx, dest, query, args...)
	}
	return s.SelectContext(ctx, dest, args...)
}

// QueryContext runs a query whose rows the caller scans by hand.
func (t *dbtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := t.c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return t.c.conn.QueryContext(ctx, query, args...)
	}
	return s.QueryContext(ctx, args...)
}

// ExecContext runs a statement.
func (t *dbtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := t.c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return t.c.conn.ExecContext(ctx, query, args...)
	}
	return s.ExecContext(ctx, args...)
}

// NamedExecContext runs a statement with :name parameters taken from arg.
func (t *dbtx) NamedExecContext(ctx context.Context, query string, arg any) (sql.Result, error) {
	q, args, err := sqlx.Named(query, arg)
	if err != nil {
		return nil, err
	}
	return t.ExecContext(ctx, q, args...)
}

// once runs a statement unprepared, for one that runs once in the store's
// life (a check, a pragma): it would only fill the cache.
func (t *dbtx) once() *sqlx.Conn { return t.c.conn }
