package sqlite

import "strings"

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

// sql is the WHERE clause.
func (w where) sql() string {
	if len(w.clauses) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.clauses, " AND ")
}
