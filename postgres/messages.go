package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// lockConversations locks the rows of a batch's conversations in id order,
// so that two batches over the same conversations take turns rather than
// deadlock.
const lockConversations = `SELECT id FROM convo_conversations WHERE account_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE`

// AddMessage implements store.Store.
func (s *Store) AddMessage(ctx context.Context, accountID, conversationID int64, in convo.NewMessage) (convo.Message, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return convo.Message{}, err
	}
	var m convo.Message
	err := s.write(ctx, func(tx pgx.Tx, now time.Time) (err error) {
		m, err = addMessage(ctx, tx, accountID, conversationID, in, now)
		return err
	})
	return m, err
}

// AddMessages implements store.Store.
func (s *Store) AddMessages(ctx context.Context, accountID int64, batch []store.MessageTo) ([]convo.Message, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return nil, err
	}
	if len(batch) == 0 {
		return nil, convo.Invalid("messages", convo.CodeRequired, "give at least one message")
	}
	if len(batch) > store.MaxBatch {
		return nil, convo.Invalid("messages", convo.CodeOutOfRange, fmt.Sprintf("at most %d messages in one batch", store.MaxBatch))
	}
	ids := make([]int64, 0, len(batch))
	for _, item := range batch {
		ids = append(ids, item.ConversationID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]convo.Message, 0, len(batch))
	err := s.write(ctx, func(tx pgx.Tx, now time.Time) error {
		out = out[:0]
		if _, err := tx.Exec(ctx, lockConversations, accountID, ids); err != nil {
			return err
		}
		for i, item := range batch {
			m, err := addMessage(ctx, tx, accountID, item.ConversationID, item.Message, now)
			if err != nil {
				return batchItemError(i, err)
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// batchItemError names the batch item in a validation error.
func batchItemError(i int, err error) error {
	var ve *convo.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("messages[%d]: %w", i, err)
	}
	named := &convo.ValidationError{Errors: make([]convo.FieldError, len(ve.Errors))}
	for k, fe := range ve.Errors {
		fe.Field = fmt.Sprintf("messages[%d].%s", i, fe.Field)
		named.Errors[k] = fe
	}
	return named
}

// addMessage is AddMessage inside a transaction: defaults, validation,
// then the append.
func addMessage(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, in convo.NewMessage, now time.Time) (convo.Message, error) {
	in = in.WithDefaults(now)
	if err := in.Validate(); err != nil {
		return convo.Message{}, err
	}
	return appendMessage(ctx, tx, accountID, conversationID, in, now)
}

// GetMessage implements store.Store.
func (s *Store) GetMessage(ctx context.Context, accountID, messageID int64) (convo.Message, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return convo.Message{}, err
	}
	var m convo.Message
	err := s.read(ctx, func(tx pgx.Tx) (err error) {
		m, err = getMessage(ctx, tx, accountID, messageID)
		return err
	})
	return m, err
}
