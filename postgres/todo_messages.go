package postgres

import (
	"context"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// Stubs of the calls still being built: each returns errors.ErrUnsupported
// until its file lands, and this file goes with it.

func (s *Store) UpdateMessage(ctx context.Context, accountID, messageID int64, up convo.MessageUpdate) (convo.Message, error) {
	return convo.Message{}, errTODO
}
func (s *Store) DeleteMessage(ctx context.Context, accountID, messageID int64) (int64, error) {
	return 0, errTODO
}
func (s *Store) ListMessages(ctx context.Context, accountID, conversationID int64, f store.MessageFilter) (store.Page[convo.Message], error) {
	return store.Page[convo.Message]{}, errTODO
}
