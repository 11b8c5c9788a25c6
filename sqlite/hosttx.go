package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// Tx runs the host's own statements in the transaction of WithTx. It is
// the transaction's connection (a *sql.Conn): the host must not begin,
// commit or roll back on it.
type Tx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// hostTx is the host's transaction that a Store given by WithTx runs in.
type hostTx struct {
	tx    *dbtx
	ended bool // WithTx has returned: every later call is ErrClosed
}

// WithTx runs fn in one write transaction of the store's file and commits
// it when fn returns nil, or rolls it back when fn returns an error or
// panics. fn gets the transaction, for the host's own statements on its own
// tables in the same file, and a store.Store whose every call runs inside
// that transaction: the host's rows and convo's writes are all or nothing
// together. For example, a host inserts the ticket a customer opened and
// creates the conversation about it in one commit.
//
// Each call of st is all or nothing within the transaction (a call that
// fails leaves no trace in it), sees what the transaction wrote before it,
// and runs on the transaction's connection: st is not safe for concurrent
// use, and is ErrClosed once WithTx has returned. fn must not begin,
// commit or roll back on tx itself. While fn runs, the store's other
// writes wait for it (SQLite has one writer at a time), and its reads see
// the file as it was before the transaction. So inside fn, write through st only: a write
// through s would wait for the transaction, which waits for fn. The tables
// convo reads and writes are named convo_*, and the host may read them
// (sqlite/migrations/0001_schema.sql documents their columns); writing
// them other than through the store is not supported: triggers keep the
// counts and row versions the store relies on.
//
// WithTx returns fn's error, or the store's error for the commit.
func (s *Store) WithTx(ctx context.Context, fn func(tx Tx, st store.Store) error) error {
	if s.in != nil {
		return convo.Invalid("tx", convo.CodeMismatch, "WithTx runs in a transaction already: use the Store it gave")
	}
	s.calls.begin()
	defer s.calls.end()
	// writeTx tells the indexer of the messages the calls added (tx.added)
	// once the whole transaction commits, or indexes them in it.
	return s.writeTx(ctx, func(tx *dbtx) error {
		h := &hostTx{tx: tx}
		defer func() { h.ended = true }()
		return fn(tx.once(), &Store{engine: s.engine, in: h})
	})
}

// inHost runs fn, a write of a Store that WithTx gave, in the host's
// transaction between a savepoint and its release, so that the call is all
// or nothing within the transaction.
func (s *Store) inHost(ctx context.Context, fn func(tx *dbtx) error) error {
	if s.in.ended {
		return fmt.Errorf("%w: the transaction of WithTx has ended", convo.ErrClosed)
	}
	tx := s.in.tx
	if _, err := tx.ExecContext(ctx, "SAVEPOINT convo_call"); err != nil {
		return s.result(ctx, err)
	}
	err := fn(tx)
	if err != nil {
		ctx := context.WithoutCancel(ctx)
		if _, rbErr := tx.ExecContext(ctx, "ROLLBACK TO convo_call"); rbErr != nil {
			return s.result(ctx, rbErr)
		}
	}
	if _, relErr := tx.ExecContext(context.WithoutCancel(ctx), "RELEASE convo_call"); relErr != nil && err == nil {
		err = relErr
	}
	return s.result(ctx, err)
}

// readHost runs fn, a read of a Store that WithTx gave, in the host's
// transaction, so that it sees what the transaction wrote.
func (s *Store) readHost(ctx context.Context, fn func(tx *dbtx) error) error {
	if s.in.ended {
		return fmt.Errorf("%w: the transaction of WithTx has ended", convo.ErrClosed)
	}
	return s.result(ctx, fn(s.in.tx))
}
