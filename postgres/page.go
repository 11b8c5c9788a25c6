package postgres

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// where assembles a WHERE clause from fixed SQL fragments in which ? stands
// for the next argument: and numbers them ($1, $2, ...) in the order they
// are added. Caller input only ever travels as bound arguments, never as
// SQL text.
type where struct {
	clauses []string
	args    []any
}

// and adds a fragment (a constant of this package) with its arguments.
func (w *where) and(clause string, args ...any) {
	w.clauses = append(w.clauses, w.bind(clause, args...))
}

// bind numbers the ? of a fragment that follows the clause (an ORDER BY,
// a LIMIT) with its arguments, and returns it.
func (w *where) bind(fragment string, args ...any) string {
	var b strings.Builder
	i := 0
	for {
		at := strings.IndexByte(fragment, '?')
		if at < 0 {
			b.WriteString(fragment)
			break
		}
		b.WriteString(fragment[:at])
		w.args = append(w.args, args[i])
		i++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(len(w.args)))
		fragment = fragment[at+1:]
	}
	if i != len(args) {
		panic("postgres: a fragment's arguments do not match its placeholders: " + fragment)
	}
	return b.String()
}

// clone is a copy of w that more fragments leave w as it is.
func (w where) clone() where {
	return where{clauses: slices.Clone(w.clauses), args: slices.Clone(w.args)}
}

// sql is the WHERE clause.
func (w where) sql() string {
	if len(w.clauses) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.clauses, " AND ")
}

// pageMeta fills in the meta of a page: Monica's paging meta, from a count,
// in page-number paging; only the page size in keyset paging.
func pageMeta(ctx context.Context, tx pgx.Tx, meta *store.PageMeta, p store.Paging, items int, countQuery string, args ...any) error {
	var err error
	*meta, err = backend.PageMeta(p, items, func() (total int, err error) {
		err = tx.QueryRow(ctx, countQuery, args...).Scan(&total)
		return total, err
	})
	return err
}
