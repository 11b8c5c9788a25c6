package sqlite

import (
	"context"
	"database/sql"

	"github.com/jmoiron/sqlx"
)

// OnWriter runs fn on the writer's connection, outside any transaction, for
// the package's tests: the store holds that connection, so the writer
// pool of database/sql has none to give.
func (s *Store) OnWriter(ctx context.Context, fn func(c *sql.Conn) error) error {
	return s.writer.outside(ctx, func(c *sqlx.Conn) error { return fn(c.Conn) })
}

// OnReader runs fn on a connection of the reader pool.
func (s *Store) OnReader(ctx context.Context, fn func(c *sql.Conn) error) error {
	return s.readers.outside(ctx, func(c *sqlx.Conn) error { return fn(c.Conn) })
}

// HoldConns takes the writer's connection and n reader connections at once,
// until release.
func (s *Store) HoldConns(ctx context.Context, n int) (writer *sql.Conn, readers []*sql.Conn, release func(), err error) {
	var held []*conn
	var pools []*pool
	release = func() {
		for i, c := range held {
			pools[i].release(c)
		}
	}
	take := func(p *pool) (*sql.Conn, error) {
		c, err := p.acquire(ctx)
		if err != nil {
			return nil, err
		}
		held, pools = append(held, c), append(pools, p)
		return c.conn.Conn, nil
	}
	if writer, err = take(s.writer); err != nil {
		release()
		return nil, nil, nil, err
	}
	for range n {
		c, err := take(s.readers)
		if err != nil {
			release()
			return nil, nil, nil, err
		}
		readers = append(readers, c)
	}
	return writer, readers, release, nil
}

// execOnWriter runs a statement on the writer's connection, behind the
// store's back.
func (s *Store) execOnWriter(ctx context.Context, query string, args ...any) error {
	return s.OnWriter(ctx, func(c *sql.Conn) error {
		_, err := c.ExecContext(ctx, query, args...)
		return err
	})
}

// IdleMerged reports whether the store's indexer, once the store was
// idle, merged the index until it found nothing left (idle.go).
func IdleMerged(s *Store) bool { return s.index != nil && s.index.merged.Load() }
