package postgres

import (
	"context"
	"iter"

	"github.com/convokit/convo/store"
)

// Stubs of the calls still being built: each returns errors.ErrUnsupported
// until its file lands, and this file goes with it.

func (s *Store) Export(ctx context.Context, accountID int64, fn func(store.Record) error) error {
	return errTODO
}
func (s *Store) Import(ctx context.Context, accountID int64, records iter.Seq2[store.Record, error], opts store.ImportOptions) (store.ImportStats, error) {
	return store.ImportStats{}, errTODO
}
