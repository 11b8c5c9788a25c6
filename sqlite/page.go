package sqlite

import (
	"context"

	"github.com/convokit/convo/store"
)

// trimPage splits the perPage+1 rows a list query fetched into the page and
// whether more rows follow.
func trimPage[T any](rows []T, perPage int) ([]T, bool) {
	if len(rows) > perPage {
		return rows[:perPage], true
	}
	return rows, false
}

// pageMeta fills in the meta of a page: Monica's paging meta, from a count, in
// page-number paging; only the page size in keyset paging.
func pageMeta(ctx context.Context, tx *dbtx, meta *store.PageMeta, p store.Paging, items int, countQuery string, args ...any) error {
	if p.Keyset() {
		*meta = store.PageMeta{PerPage: p.PerPage()}
		return nil
	}
	var total int
	if err := tx.GetContext(ctx, &total, countQuery, args...); err != nil {
		return err
	}
	*meta = store.NewPageMeta(p, total, items)
	return nil
}
