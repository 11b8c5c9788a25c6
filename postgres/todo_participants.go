package postgres

import (
	"context"
	"time"

	"github.com/convokit/convo"
	"github.com/jackc/pgx/v5"
)

// Stubs of the calls still being built: each returns errors.ErrUnsupported
// until its file lands, and this file goes with it.

func (s *Store) AddParticipants(ctx context.Context, accountID, conversationID int64, ch convo.ParticipantChange) (convo.Conversation, error) {
	return convo.Conversation{}, errTODO
}
func (s *Store) RemoveParticipants(ctx context.Context, accountID, conversationID int64, ch convo.ParticipantChange) (convo.Conversation, error) {
	return convo.Conversation{}, errTODO
}
func (s *Store) MarkSeen(ctx context.Context, accountID, conversationID int64, viewer convo.Viewer, messageID int64) (convo.Conversation, error) {
	return convo.Conversation{}, errTODO
}
func (s *Store) MarkUnseen(ctx context.Context, accountID, conversationID int64, viewer convo.Viewer, messageID int64) (convo.Conversation, error) {
	return convo.Conversation{}, errTODO
}
func (s *Store) CountUnseen(ctx context.Context, accountID int64, viewer convo.Viewer) (int, error) {
	return 0, errTODO
}
func viewConversation(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, v *convo.Viewer, messages int, now time.Time) (convo.Conversation, error) {
	if v != nil {
		return convo.Conversation{}, errTODO
	}
	return getConversationWithMessages(ctx, tx, accountID, conversationID, messages, now)
}
