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

// size is how much the database takes: the SQLite file and its log, or the
// PostgreSQL database.
func (b *bench) size(path string) (int64, error) {
	if b.cfg.backend == "postgres" {
		c, err := pgx.Connect(b.ctx, b.cfg.postgresURL)
		if err != nil {
			return 0, err
		}
		defer c.Close(b.ctx)
		var size int64
		err = c.QueryRow(b.ctx, `SELECT pg_database_size(current_database())`).Scan(&size)
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

// vacuum, on PostgreSQL, runs the store's Vacuum after the load and times
// it as vacuum: the anchor runs VACUUM (ANALYZE) after its load too
// (post_load_analyze_checkpoint), so the reads of both run on settled
// tables rather than on whatever autovacuum has reached.
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
	took := time.Since(start)
	return b.emit(summarize("vacuum", []time.Duration{took}, 1, took))
}
