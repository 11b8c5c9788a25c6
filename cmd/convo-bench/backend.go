package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo/postgres"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// benchRetention keeps every change the workload makes.
const benchRetention = 2 * 366 * 24 * time.Hour

// openStore opens the store the flags name: an SQLite file at path, or the
// PostgreSQL database at -postgres-url.
func openStore(ctx context.Context, cfg config, path string, now func() time.Time) (store.Store, error) {
	if cfg.backend == "postgres" {
		return postgres.Open(ctx, cfg.postgresURL, postgres.Options{Now: now, MaxConns: max(cfg.readers, 8) + 2})
	}
	// The load backdates a year of data: with the default retention the
	// first writes after it would trim all of its changes at once.
	return sqlite.Open(path, sqlite.Options{Now: now, ReadConns: cfg.readers, ChangeRetention: benchRetention,
		MaxChangeRetention: benchRetention})
}

// onPostgres runs fn on a connection of its own to -postgres-url, the
// benchmark's, outside the store.
func (b *bench) onPostgres(fn func(c *pgx.Conn) error) error {
	c, err := pgx.Connect(b.ctx, b.cfg.postgresURL)
	if err != nil {
		return err
	}
	defer c.Close(b.ctx)
	return fn(c)
}

// size is how much the database takes: the SQLite file and its log, or the
// PostgreSQL database.
func (b *bench) size(path string) (int64, error) {
	if b.cfg.backend == "postgres" {
		var size int64
		err := b.onPostgres(func(c *pgx.Conn) error {
			return c.QueryRow(b.ctx, `SELECT pg_database_size(current_database())`).Scan(&size)
		})
		return size, err
	}
	var size int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(path + suffix); err == nil {
			size += fi.Size()
		}
	}
	return size, nil
}

// optimizeSearch, with -optimize, merges the SQLite store's full-text
// indexes (sqlite.Store.OptimizeSearch) and times it as optimize_search.
func (b *bench) optimizeSearch() error {
	if !b.cfg.optimize {
		return nil
	}
	s, ok := b.s.(*sqlite.Store)
	if !ok {
		return fmt.Errorf("-optimize is for -backend sqlite")
	}
	b.logf("merging the full-text indexes")
	start := time.Now()
	if err := s.OptimizeSearch(b.ctx); err != nil {
		return err
	}
	took := time.Since(start)
	return b.emit(summarize("optimize_search", []time.Duration{took}, 1, took))
}

// vacuum, on PostgreSQL, runs the store's Vacuum after the load, then a
// CHECKPOINT, timed together as vacuum: the anchor does the same after its
// load (post_load_analyze_checkpoint), so the timed ops of both start on
// analyzed tables and with the load's pages written, not while autovacuum
// or a checkpoint the load set off is still at work. CHECKPOINT is the
// benchmark's, not the library's: it needs a superuser (or
// pg_checkpoint), and is skipped with a note without one.
func (b *bench) vacuum() error {
	s, ok := b.s.(*postgres.Store)
	if !ok {
		return nil
	}
	b.logf("vacuuming")
	start := time.Now()
	if err := s.Vacuum(b.ctx); err != nil {
		return err
	}
	note := "Store.Vacuum, then CHECKPOINT"
	err := b.onPostgres(func(c *pgx.Conn) error {
		if _, err := c.Exec(b.ctx, "CHECKPOINT"); err != nil {
			note = "Store.Vacuum; no CHECKPOINT: " + err.Error()
		}
		return nil
	})
	if err != nil {
		return err
	}
	took := time.Since(start)
	r := summarize("vacuum", []time.Duration{took}, 1, took)
	r.Note = note
	return b.emit(r)
}
