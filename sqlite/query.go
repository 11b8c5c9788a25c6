package sqlite

import (
	"context"
	"slices"
	"strings"
)

// where assembles a WHERE clause from fixed SQL fragments. Caller input only
// ever travels as bound arguments, never as SQL text.
type where struct {
	clauses []string
	args    []any
}

// and adds a fragment (a constant of this package) with its arguments.
func (w *where) and(clause string, args ...any) {
	w.clauses = append(w.clauses, clause)
	w.args = append(w.args, args...)
}

// with is w and one more fragment, leaving w as it is.
func (w where) with(clause string, args ...any) where {
	w.clauses = append(slices.Clip(w.clauses), clause)
	w.args = append(slices.Clip(w.args), args...)
	return w
}

// anys is a list as arguments (sort keys, ids, texts).
func anys[T any](list []T) []any {
	args := make([]any, len(list))
	for i, v := range list {
		args[i] = v
	}
	return args
}

// sql is the WHERE clause.
func (w where) sql() string {
	if len(w.clauses) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.clauses, " AND ")
}

// scannedRow is a row type that lists where each column of its query scans.
// Rows are scanned by hand, not by reflection: lists are the hottest reads.
type scannedRow[R any] interface {
	*R
	dest() []any
}

// eachRow runs a query and hands each row, scanned into an R, to fn.
func eachRow[R any, P scannedRow[R]](ctx context.Context, tx *dbtx, query string, args []any, fn func(R) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	// One R and one list of destinations serve every row: Scan sets every
	// column, and fn gets a copy.
	var r R
	dest := P(&r).dest()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryRows runs a query and returns its rows, scanned into Rs.
func queryRows[R any, P scannedRow[R]](ctx context.Context, tx *dbtx, query string, args ...any) ([]R, error) {
	var list []R
	err := eachRow[R, P](ctx, tx, query, args, func(r R) error {
		list = append(list, r)
		return nil
	})
	return list, err
}
