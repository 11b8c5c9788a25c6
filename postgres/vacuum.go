package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
)

// selectTables lists convo's tables in the store's schema, quoted.
const selectTables = `SELECT quote_ident(table_name) FROM information_schema.tables
WHERE table_schema = current_schema() AND table_name LIKE 'convo\_%' AND table_type = 'BASE TABLE'
ORDER BY table_name`

// Vacuum runs VACUUM (ANALYZE) over convo's tables, and only those: the
// planner learns the rows a bulk load brought, index-only scans find
// their pages all-visible again, and the words index merges its pending
// list. Autovacuum does the same in its own time, by thresholds a bulk
// load crosses only as it ends; a host that has just imported an account
// or added many messages with AddMessages can call Vacuum so that the
// reads right after run on a settled database. It takes about a second a
// million messages and blocks no reads or writes (VACUUM without FULL).
//
// It needs a writable store whose role owns convo's tables; a read-only
// store returns convo.ErrReadOnly.
func (s *Store) Vacuum(ctx context.Context) error {
	if err := s.open(); err != nil {
		return err
	}
	if s.readOnly {
		return convo.ErrReadOnly
	}
	err := s.onConn(ctx, func(conn *pgx.Conn) error {
		rows, err := conn.Query(ctx, selectTables)
		if err != nil {
			return err
		}
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		// VACUUM runs outside a transaction: one simple statement.
		_, err = conn.Exec(ctx, "VACUUM (ANALYZE) "+strings.Join(tables, ", "), pgx.QueryExecModeSimpleProtocol)
		return err
	})
	return s.result(ctx, err)
}
