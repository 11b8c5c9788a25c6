package sqlite

import (
	"context"

	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// pageMeta fills in the meta of a page: Monica's paging meta, from a count, in
// page-number paging; only the page size in keyset paging.
func pageMeta(ctx context.Context, tx *dbtx, meta *store.PageMeta, p store.Paging, items int, countQuery string, args ...any) error {
	var err error
	*meta, err = backend.PageMeta(p, items, func() (total int, err error) {
		err = tx.GetContext(ctx, &total, countQuery, args...)
		return total, err
	})
	return err
}
