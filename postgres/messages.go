package postgres

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

const (
	// refreshConversation recounts what an edit or a delete of a message
	// may change, from the conversation's own messages (derived.go). $1
	// account, $2 conversation, $3 now.
	refreshConversation = `UPDATE convo_conversations AS c SET ` + recountDerived + `,
	updated_at = $3
WHERE c.account_id = $1 AND c.id = $2`

	// lockMessageConversation locks the row of a message's conversation,
	// as an append does, so that an edit or a delete and an append take
	// turns: the recount after it then sees every committed message.
	lockMessageConversation = `SELECT c.id FROM convo_conversations c
	JOIN convo_messages m ON m.account_id = c.account_id AND m.conversation_id = c.id
WHERE m.account_id = $1 AND m.id = $2 FOR UPDATE OF c`

	updateMessage = `UPDATE convo_messages SET content = $1, content_type = $2, content_attributes = $3, message_type = $4,
	private = $5, status = $6, sender_type = $7, written_at = $8, updated_at = $9, attachments = $10,
	external_source_ids = $11, additional_attributes = $12, words = $13::tsvector, edit_count = $16, edited_at = $17,
	external_error = $18
WHERE account_id = $14 AND id = $15`

	// insertVersion keeps the content an edit replaced.
	insertVersion = `INSERT INTO convo_message_versions (account_id, message_id, version, content, edited_at, editor_type, editor_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)`

	deleteMessage = `DELETE FROM convo_messages WHERE account_id = $1 AND id = $2`

	// selectMessagesCount reads what a list of a conversation's messages
	// needs of the conversation: its contact and its count.
	selectMessagesCount = `SELECT contact_id, messages_count FROM convo_conversations WHERE account_id = $1 AND id = $2`
)

// messageOrder is the SQL of one store.MessageOrder, and of reading it
// backwards.
type messageOrder struct {
	orderBy, after  string
	reverse, before string
}

var messageOrders = map[store.MessageOrder]messageOrder{
	store.OldestFirst: {"m.seq", "m.seq > ?", "m.seq DESC", "m.seq < ?"},
	store.NewestFirst: {"m.seq DESC", "m.seq < ?", "m.seq", "m.seq > ?"},
}

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
	if s.replicas == nil && !isReply(in) {
		err := s.writePipelined(ctx, func(conn *pgx.Conn) (err error) {
			m, err = s.appendPipelined(ctx, conn, accountID, conversationID, in)
			return err
		})
		if err == nil {
			s.waiters.wake(accountID)
		}
		if !errors.Is(err, errAppendSlow) {
			return m, err
		}
	}
	err := s.write(ctx, accountID, func(tx *wtx, _ time.Time) (err error) {
		// The lock of the append itself, taken before the clock is read:
		// a message that is invalid is that before the conversation is
		// missing, as addMessage has it.
		var t appendTarget
		lockErr := queryOne(ctx, tx, lockAppendTarget, []any{accountID, conversationID}, t.dest()...)
		if lockErr != nil && !errors.Is(lockErr, convo.ErrNotFound) {
			return lockErr
		}
		now := tx.clock() // once the row is locked: see lockConversation
		in := in.WithDefaults(now)
		if err := in.Validate(); err != nil {
			return err
		}
		if lockErr != nil {
			return lockErr
		}
		m, err = appendLocked(ctx, tx, accountID, conversationID, &t, in, now)
		return err
	})
	return m, err
}

// AddMessages implements store.Store.
func (s *Store) AddMessages(ctx context.Context, accountID int64, batch []store.MessageTo) ([]convo.Message, error) {
	if err := backend.CheckBatch(accountID, batch); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(batch))
	for _, item := range batch {
		ids = append(ids, item.ConversationID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []convo.Message
	err := s.write(ctx, accountID, func(tx *wtx, _ time.Time) (err error) {
		out, err = appendBatch(ctx, tx, accountID, batch, ids)
		return err
	})
	if !errors.Is(err, errAppendSlow) {
		return out, err
	}
	out = make([]convo.Message, 0, len(batch))
	err = s.write(ctx, accountID, func(tx *wtx, _ time.Time) error {
		out = out[:0]
		if _, err := tx.Exec(ctx, lockConversations, accountID, ids); err != nil {
			return err
		}
		now := tx.clock() // once the rows are locked: see lockConversation
		for i, item := range batch {
			m, err := addMessage(ctx, tx, accountID, item.ConversationID, item.Message, now)
			if err != nil {
				return backend.BatchItemError(i, err)
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

// addMessage is AddMessage inside a transaction: defaults, validation,
// then the append.
func addMessage(ctx context.Context, tx *wtx, accountID, conversationID int64, in convo.NewMessage, now time.Time) (convo.Message, error) {
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

// GetMessageBySourceID implements store.Store.
func (s *Store) GetMessageBySourceID(ctx context.Context, accountID int64, sourceID string) (convo.Message, error) {
	if err := backend.CheckSourceID(accountID, sourceID); err != nil {
		return convo.Message{}, err
	}
	var m convo.Message
	err := s.read(ctx, func(tx pgx.Tx) error {
		var id, conversationID int64
		if err := queryOne(ctx, tx, selectBySourceID, []any{accountID, sourceID}, &id, &conversationID); err != nil {
			return err
		}
		var err error
		m, err = getMessage(ctx, tx, accountID, id)
		return err
	})
	return m, err
}

// lockedMessage locks the conversation of a message and reads the message,
// as it is once the lock is held: ErrNotFound when it is not there.
//
// A conversation merged away while the lock waited (MergeConversations)
// is gone when the wait ends, and the lock's statement, which found the
// message in it, then finds nothing; its messages are in the kept
// conversation: a second statement, which sees the merge, locks that one.
func lockedMessage(ctx context.Context, tx pgx.Tx, accountID, messageID int64) (convo.Message, error) {
	var conversationID int64
	err := queryOne(ctx, tx, lockMessageConversation, []any{accountID, messageID}, &conversationID)
	if errors.Is(err, convo.ErrNotFound) {
		err = queryOne(ctx, tx, lockMessageConversation, []any{accountID, messageID}, &conversationID)
	}
	if err != nil {
		return convo.Message{}, err
	}
	return getMessage(ctx, tx, accountID, messageID)
}

// UpdateMessage implements store.Store.
func (s *Store) UpdateMessage(ctx context.Context, accountID, messageID int64, up convo.MessageUpdate) (convo.Message, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return convo.Message{}, err
	}
	var m convo.Message
	err := s.write(ctx, accountID, func(tx *wtx, _ time.Time) error {
		old, err := lockedMessage(ctx, tx, accountID, messageID)
		if err != nil {
			return err
		}
		now := tx.clock() // once the row is locked: see lockConversation
		var v *convo.MessageVersion
		if m, v, err = backend.UpdatedMessage(old, up, now); err != nil {
			return err
		}
		if v != nil {
			if _, err := tx.Exec(ctx, insertVersion, accountID, messageID, v.Version, v.Content, v.EditedAt,
				string(v.EditedBy.Type), uuidValue(v.EditedBy.UserID)); err != nil {
				return err
			}
		}
		j, err := backend.EncodeMessageJSON(m)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, updateMessage, m.Content, string(m.ContentType), j.ContentAttributes,
			int16(m.Type.Code()), m.Private, string(m.Status), string(m.SenderType), timeValue(m.WrittenAt), now,
			j.Attachments, j.ExternalIDs, j.Additional, tsvector(accountID, m.Content), accountID, messageID,
			m.EditCount, timeValue(m.EditedAt), m.ExternalError); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, refreshConversation, accountID, m.ConversationID, now); err != nil {
			return err
		}
		tx.changes.MessageChanged(old, m)
		return nil
	})
	return m, err
}

// markReceipt moves the status of the messages a receipt covers. $1
// status, $2 now, $3 account, $4 conversation, $5 up to, $6 message types,
// $7 the statuses behind $1.
const markReceipt = `UPDATE convo_messages SET status = $1, updated_at = $2
WHERE account_id = $3 AND conversation_id = $4 AND created_at <= $5 AND NOT private
AND message_type = ANY($6::smallint[]) AND status = ANY($7::text[])
RETURNING id`

// MarkReceipt implements store.Store.
func (s *Store) MarkReceipt(ctx context.Context, accountID, conversationID int64, status convo.MessageStatus, upTo time.Time) (int, error) {
	r, err := backend.CheckReceipt(accountID, status, upTo)
	if err != nil {
		return 0, err
	}
	types := make([]int16, len(r.Types))
	for i, t := range r.Types {
		types[i] = int16(t)
	}
	var n int
	err = s.write(ctx, accountID, func(tx *wtx, _ time.Time) error {
		tag, err := tx.Exec(ctx, lockConversation, accountID, conversationID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return convo.ErrNotFound
		}
		now := tx.clock() // once the row is locked: see lockConversation
		rows, err := tx.Query(ctx, markReceipt, string(status), now, accountID, conversationID,
			backend.StoredTime(upTo), types, r.Behind)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil || len(ids) == 0 {
			return err
		}
		slices.Sort(ids)
		n = len(ids)
		tx.changes.StatusChanged(accountID, conversationID, ids)
		_, err = tx.Exec(ctx, refreshConversation, accountID, conversationID, now)
		return err
	})
	return n, err
}

// ListMessages implements store.Store.
func (s *Store) ListMessages(ctx context.Context, accountID, conversationID int64, f store.MessageFilter) (store.Page[convo.Message], error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return store.Page[convo.Message]{}, err
	}
	var page store.Page[convo.Message]
	if err := f.Validate(); err != nil {
		return page, err
	}
	list, cursor, err := backend.MessageCursor(conversationID, f)
	if err != nil {
		return page, err
	}
	err = s.read(ctx, func(tx pgx.Tx) error {
		page = store.Page[convo.Message]{}
		var contactID int64
		var total int
		if err := queryOne(ctx, tx, selectMessagesCount, []any{accountID, conversationID}, &contactID, &total); err != nil {
			return merged(ctx, tx, accountID, conversationID, err)
		}
		if err := checkViewer(ctx, tx, accountID, conversationID, f.Viewer); err != nil {
			return err
		}
		q := messagePageQuery{accountID: accountID, conversationID: conversationID, contactID: contactID,
			total: total, list: list, cursor: cursor}
		q.w.and("m.account_id = ?", accountID)
		q.w.and("m.conversation_id = ?", conversationID)
		if f.TopLevel {
			q.w.and("m.reply_to_id IS NULL")
		}
		return listMessagePage(ctx, tx, &page, q, f)
	})
	return page, err
}
