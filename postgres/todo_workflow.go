package postgres

import (
	"context"
	"time"

	"github.com/convokit/convo"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Stubs of the calls still being built: each returns errors.ErrUnsupported
// until its file lands, and this file goes with it.

func (s *Store) ChangeStatus(ctx context.Context, accountID, conversationID int64, ch convo.StatusChange) (convo.Conversation, error) {
	return convo.Conversation{}, errTODO
}
func (s *Store) Assign(ctx context.Context, accountID, conversationID int64, a convo.Assignment) (convo.Conversation, error) {
	return convo.Conversation{}, errTODO
}
func (s *Store) ChangeLabels(ctx context.Context, accountID, conversationID int64, ch convo.LabelChange) (convo.Conversation, error) {
	return convo.Conversation{}, errTODO
}
func (s *Store) MarkRead(ctx context.Context, accountID, conversationID int64, agentID uuid.UUID) (convo.Conversation, error) {
	return convo.Conversation{}, errTODO
}
func (s *Store) MarkUnread(ctx context.Context, accountID, conversationID int64) (convo.Conversation, error) {
	return convo.Conversation{}, errTODO
}
func changeMuted(ctx context.Context, tx pgx.Tx, old convo.Conversation, muted, quiet bool, now time.Time) error {
	if muted != old.Muted {
		return errTODO
	}
	return nil
}
