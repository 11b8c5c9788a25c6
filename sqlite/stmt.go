package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Statements are prepared once and reused: parsing SQL costs more than
// running most of convo's queries. The writer's are prepared for its pool
// (stmtCache); each held reader connection prepares its own (readConn).

// maxCachedStatements bounds a cache; list queries vary with their filter,
// and a rare shape beyond the bound simply runs unprepared.
const maxCachedStatements = 512

// stmtCache holds the prepared statements of one pool.
type stmtCache struct {
	db    *sqlx.DB
	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt
}

func newStmtCache(db *sqlx.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sqlx.Stmt{}}
}

// lookup returns the prepared statement of query, if there is one.
func (c *stmtCache) lookup(query string) *sqlx.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

// prepare prepares queries on the pool. It must not run while the caller
// holds a connection of the pool: the writer pool has only one, so
// preparing inside a transaction would wait for itself.
func (c *stmtCache) prepare(ctx context.Context, queries []string) {
	for _, q := range queries {
		c.mu.Lock()
		_, done := c.stmts[q]
		full := len(c.stmts) >= maxCachedStatements
		c.mu.Unlock()
		if done || full {
			continue
		}
		s, err := c.db.PreparexContext(ctx, q)
		if err != nil {
			continue // it keeps running unprepared
		}
		c.mu.Lock()
		if _, dup := c.stmts[q]; dup || c.stmts == nil {
			s.Close()
		} else {
			c.stmts[q] = s
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.stmts {
		s.Close()
	}
	c.stmts = nil
}

// dbtx is a transaction of the store whose queries run as prepared
// statements. Its methods have sqlx's names and signatures.
//
// A write transaction (a *sqlx.Tx of the writer) takes the statements
// cached for its pool: a query not yet prepared runs as it is and is noted
// in missed, to be prepared for the pool once the transaction has given
// its connection back; run again in the same transaction (a batch), it is
// prepared on the transaction itself. A read transaction runs on a held
// connection of the reader pool (conn), whose statements are its own.
type dbtx struct {
	conn   *readConn  // a read transaction's connection; nil in a write
	tx     *sqlx.Tx   // a write transaction; nil in a read
	stmts  *stmtCache // the write transaction's pool's statements
	missed []string
	local  map[string]*sqlx.Stmt // prepared on this transaction; nil until one is
	// added is the newest message the transaction added (0: none), which
	// the indexer is told of once it commits.
	added int64
}

// runner runs a statement as it is, unprepared: a *sqlx.Tx or a
// *sqlx.Conn.
type runner interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// reads reports whether the transaction is a read one.
func (t *dbtx) reads() bool { return t.conn != nil }

// run runs what is not prepared: on the read connection or the write
// transaction.
func (t *dbtx) run() runner {
	if t.conn != nil {
		return t.conn.conn
	}
	return t.tx
}

// stmt returns the prepared form of query bound to the transaction, or nil
// to run it as it is.
func (t *dbtx) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if t.conn != nil {
		return t.conn.stmt(ctx, query)
	}
	if s := t.stmts.lookup(query); s != nil {
		return t.tx.StmtxContext(ctx, s), nil
	}
	if s, ok := t.local[query]; ok {
		return s, nil
	}
	if !slices.Contains(t.missed, query) {
		t.missed = append(t.missed, query)
		return nil, nil
	}
	// A second run in one transaction: database/sql closes a statement
	// prepared on a transaction when the transaction ends.
	s, err := t.tx.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if t.local == nil {
		t.local = map[string]*sqlx.Stmt{}
	}
	t.local[query] = s
	return s, nil
}

// GetContext scans one row into dest.
func (t *dbtx) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return err
	}
	if s == nil {
		return t.run().GetContext(ctx, dest, query, args...)
	}
	return s.GetContext(ctx, dest, args...)
}

// SelectContext scans every row into dest, a pointer to a slice.
func (t *dbtx) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return err
	}
	if s == nil {
		return t.run().SelectContext(ctx, dest, query, args...)
	}
	return s.SelectContext(ctx, dest, args...)
}

// QueryContext runs a query whose rows the caller scans by hand.
func (t *dbtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return t.run().QueryContext(ctx, query, args...)
	}
	return s.QueryContext(ctx, args...)
}

// ExecContext runs a statement.
func (t *dbtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return t.run().ExecContext(ctx, query, args...)
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
