package postgres

import (
	"context"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
	"github.com/google/uuid"
)

// Stubs of the calls still being built: each returns errors.ErrUnsupported
// until its file lands, and this file goes with it.

func (s *Store) ListConversations(ctx context.Context, accountID int64, f store.ConversationFilter) (store.Page[convo.Conversation], error) {
	return store.Page[convo.Conversation]{}, errTODO
}
func (s *Store) CountConversations(ctx context.Context, accountID int64, f store.ConversationFilter) (store.Counts, error) {
	return store.Counts{}, errTODO
}
func (s *Store) CountUnread(ctx context.Context, accountID int64, agentID uuid.UUID) (int, error) {
	return 0, errTODO
}
