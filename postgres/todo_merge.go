package postgres

import (
	"context"

	"github.com/convokit/convo"
)

// Stubs of the calls still being built: each returns errors.ErrUnsupported
// until its file lands, and this file goes with it.

func (s *Store) MergeContacts(ctx context.Context, accountID, keepID, mergeID int64) (convo.Contact, error) {
	return convo.Contact{}, errTODO
}
