package sqlite

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// A new database gets the schema the migrations build in one script,
// schema.sql, rather than migration by migration: an ALTER TABLE makes
// SQLite parse the whole schema again, and opening a new store (every
// test does) cost three times as much. TestBaselineSchema checks that the
// script is exactly what the migrations build, and writes it again with
// -update.
//
//go:embed schema.sql
var baselineSQL string

// baselineVersion is the schema version schema.sql builds, from its first
// line ("-- convo schema version N").
var baselineVersion = func() int {
	first, _, _ := strings.Cut(baselineSQL, "\n")
	v, err := strconv.Atoi(strings.TrimPrefix(first, baselineHeader))
	if err != nil {
		panic("sqlite: schema.sql must begin " + strconv.Quote(baselineHeader+"N"))
	}
	return v
}()

const baselineHeader = "-- convo schema version "

// applyBaseline builds a new database's schema from schema.sql and records
// every migration as applied.
func applyBaseline(ctx context.Context, tx *dbtx, now time.Time) error {
	if _, err := tx.once().ExecContext(ctx, baselineSQL); err != nil {
		return fmt.Errorf("schema.sql: %w", err)
	}
	for _, m := range migrations {
		if _, err := tx.ExecContext(ctx, `INSERT INTO convo_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.Version, m.Name, timeValue(now)); err != nil {
			return err
		}
	}
	return nil
}

// migrations lists the embedded migrations by version.
var migrations = backend.Migrations(migrationFS, "migrations")

// SchemaVersion is the schema version this package writes.
func SchemaVersion() int { return len(migrations) }

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS convo_schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
) STRICT`

// checkSchema tells whether db can hold convo's tables: it has none of
// them yet (a new file, or one with the host's own tables only), or
// convo's at this or an older version. A table named convo_* beside no
// convo_schema_migrations belongs to something else: ErrNotConvo.
func checkSchema(ctx context.Context, db querier) error {
	var tables []string
	if err := db.SelectContext(ctx, &tables, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'convo\_%' ESCAPE '\'`); err != nil {
		return translate(err)
	}
	if len(tables) == 0 {
		return nil
	}
	if !slices.Contains(tables, "convo_schema_migrations") {
		return fmt.Errorf("%w: it has tables named convo_* (%s) but no convo_schema_migrations", convo.ErrNotConvo, tables[0])
	}
	var version int
	if err := db.GetContext(ctx, &version, `SELECT coalesce(max(version), 0) FROM convo_schema_migrations`); err != nil {
		return translate(err)
	}
	if version > SchemaVersion() {
		return fmt.Errorf("%w: version %d, this convo knows up to %d", convo.ErrSchemaTooNew, version, SchemaVersion())
	}
	return nil
}

// migrate applies the migrations the database lacks, each in its own
// transaction, recording each in convo_schema_migrations (never in
// PRAGMA user_version, which is the host's when convo shares its file). The
// version is read inside each write transaction: several processes may
// open a new file at once, and only the first to take the lock applies a
// migration; the others find it applied.
func migrate(ctx context.Context, p *pool, now func() time.Time, log *slog.Logger) error {
	err := p.inTx(ctx, func(tx *dbtx) error {
		if err := checkSchema(ctx, tx); err != nil {
			return err
		}
		_, err := tx.once().ExecContext(ctx, createMigrationsTable)
		return err
	})
	if err != nil {
		return translate(err)
	}
	for {
		var applied *backend.Migration
		created := false // a new database, from schema.sql
		err := p.inTx(ctx, func(tx *dbtx) error {
			var version int
			if err := tx.GetContext(ctx, &version, `SELECT coalesce(max(version), 0) FROM convo_schema_migrations`); err != nil {
				return err
			}
			if version > SchemaVersion() {
				return fmt.Errorf("%w: version %d, this convo knows up to %d", convo.ErrSchemaTooNew, version, SchemaVersion())
			}
			if version == SchemaVersion() {
				return nil
			}
			if version == 0 && baselineVersion == SchemaVersion() {
				created = true
				return applyBaseline(ctx, tx, now())
			}
			m := migrations[version]
			if _, err := tx.once().ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO convo_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, timeValue(now())); err != nil {
				return err
			}
			applied = &m
			return nil
		})
		if err != nil {
			return translate(err)
		}
		if created {
			log.Debug("convo: schema created", "version", SchemaVersion())
			return nil
		}
		if applied == nil {
			return nil
		}
		log.Debug("convo: migration applied", "version", applied.Version, "name", applied.Name)
	}
}

// querier reads: a *sqlx.DB (a file being checked) or a transaction.
type querier interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}
