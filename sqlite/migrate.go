package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/convokit/convo"
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

// baseline is schema.sql and the schema version it builds, from its
// first line ("-- convo schema version N").
var baseline = func() struct {
	version int
	sql     string
} {
	first, _, _ := strings.Cut(baselineSQL, "\n")
	v, err := strconv.Atoi(strings.TrimPrefix(first, baselineHeader))
	if err != nil {
		panic("sqlite: schema.sql must begin " + strconv.Quote(baselineHeader+"N"))
	}
	return struct {
		version int
		sql     string
	}{v, baselineSQL}
}()

const baselineHeader = "-- convo schema version "

// applyBaseline builds a new database's schema from schema.sql and records
// every migration as applied.
func applyBaseline(ctx context.Context, tx *dbtx, now time.Time) error {
	if _, err := tx.once().ExecContext(ctx, baseline.sql); err != nil {
		return fmt.Errorf("schema.sql: %w", err)
	}
	for _, m := range migrations {
		if _, err := tx.ExecContext(ctx, `INSERT INTO convo_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, timeValue(now)); err != nil {
			return err
		}
	}
	return nil
}

// migration is one numbered .sql file of migrations/.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded migrations by version. File names are
// NNNN_name.sql, numbered from 1 without gaps.
var migrations = func() []migration {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		panic(err) // embedded at build time: cannot fail at run time
	}
	var list []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			panic("sqlite: migration file without a number: " + e.Name())
		}
		b, _ := migrationFS.ReadFile("migrations/" + e.Name())
		list = append(list, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	for i, m := range list {
		if m.version != i+1 {
			panic("sqlite: migrations must be numbered 1, 2, 3, ...: " + m.name)
		}
	}
	return list
}()

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
		var applied *migration
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
			if version == 0 && baseline.version == SchemaVersion() {
				created = true
				return applyBaseline(ctx, tx, now())
			}
			m := migrations[version]
			if _, err := tx.once().ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO convo_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, timeValue(now())); err != nil {
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
		log.Debug("convo: migration applied", "version", applied.version, "name", applied.name)
	}
}

// querier reads: a *sqlx.DB (a file being checked) or a transaction.
type querier interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}
