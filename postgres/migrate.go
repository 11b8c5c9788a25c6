package postgres

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrations lists the embedded migrations by version.
var migrations = backend.Migrations(migrationFS, "migrations")

// SchemaVersion is the schema version this package writes.
func SchemaVersion() int { return len(migrations) }

// migrationLock is the key of the advisory lock under which migrations
// run: instances that start at once take turns, and all but the first
// find the schema up to date.
const migrationLock = 0x636f6e766f // "convo"

// migrate brings the schema up to date, each migration in its own
// transaction, under the advisory lock.
func migrate(ctx context.Context, pool *pgxpool.Pool, now func() time.Time, log *slog.Logger) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return translate(err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock) //nolint:errcheck // the session's end unlocks too
	version, err := schemaVersion(ctx, conn.Conn())
	if err != nil {
		return err
	}
	for _, m := range migrations[version:] {
		err := pgx.BeginFunc(ctx, conn.Conn(), func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO convo_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, now().UTC())
			return err
		})
		if err != nil {
			return translate(err)
		}
		log.Debug("convo: migration applied", "version", m.Version, "name", m.Name)
	}
	return nil
}

// checkSchema is migrate for a read-only store: the schema must be this
// version's already.
func checkSchema(ctx context.Context, pool *pgxpool.Pool, _ func() time.Time, _ *slog.Logger) error {
	var version int
	err := pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM convo_schema_migrations`).Scan(&version)
	switch {
	case undefinedTable(err):
		return fmt.Errorf("%w: the database has no convo schema; open it writable once to make it", convo.ErrReadOnly)
	case err != nil:
		return translate(err)
	case version > SchemaVersion():
		return fmt.Errorf("%w: version %d, this convo knows up to %d", convo.ErrSchemaTooNew, version, SchemaVersion())
	case version < SchemaVersion():
		return fmt.Errorf("%w: the schema is at version %d, this convo needs %d; open it writable once to upgrade it",
			convo.ErrReadOnly, version, SchemaVersion())
	}
	return nil
}

// convoTables lists the tables named convo_* in the store's schema.
func convoTables(ctx context.Context, conn *pgx.Conn) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables
WHERE table_schema = current_schema() AND table_name LIKE 'convo\_%' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// schemaVersion reads the version of convo's schema in the database,
// making its table when there is none yet: 0 for a database without
// convo's tables (new, or the host's own only). convo_* tables beside no
// convo_schema_migrations are ErrNotConvo; a newer version ErrSchemaTooNew.
func schemaVersion(ctx context.Context, conn *pgx.Conn) (int, error) {
	tables, err := convoTables(ctx, conn)
	if err != nil {
		return 0, translate(err)
	}
	if len(tables) > 0 && !slices.Contains(tables, "convo_schema_migrations") {
		return 0, fmt.Errorf("%w: it has tables named convo_* (%s) but no convo_schema_migrations", convo.ErrNotConvo, tables[0])
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS convo_schema_migrations (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL
)`); err != nil {
		return 0, translate(err)
	}
	var version int
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM convo_schema_migrations`).Scan(&version); err != nil {
		return 0, translate(err)
	}
	if version > SchemaVersion() {
		return 0, fmt.Errorf("%w: version %d, this convo knows up to %d", convo.ErrSchemaTooNew, version, SchemaVersion())
	}
	return version, nil
}
