package postgres

import (
	"context"

	"github.com/convokit/convo/store"
)

// Stubs of the calls still being built: each returns errors.ErrUnsupported
// until its file lands, and this file goes with it.

func (s *Store) SearchMessages(ctx context.Context, accountID int64, f store.MessageSearch) (store.Page[store.MessageHit], error) {
	return store.Page[store.MessageHit]{}, errTODO
}
