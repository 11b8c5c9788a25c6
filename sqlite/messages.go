package sqlite

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

const (

	// refreshConversation recounts what an edit or a delete of a message may
	// change, from the conversation's own messages. ?1 account, ?2
	// conversation, ?3 now.
	refreshConversation = `UPDATE convo_conversations AS c SET ` + recountDerived + `,
	updated_at = ?3
WHERE c.account_id = ?1 AND c.id = ?2`

	updateMessage = `UPDATE convo_messages SET content = ?, content_type = ?, content_attributes = ?, message_type = ?,
	private = ?, status = ?, sender_type = ?, written_at = ?, updated_at = ?, attachments = ?,
	external_source_ids = ?, additional_attributes = ?, external_error = ?, edit_count = ?, edited_at = ?,
	reactions = CASE WHEN ? THEN NULL ELSE reactions END, deleted_at = ?
WHERE account_id = ? AND id = ?`

	deleteMessage = `DELETE FROM convo_messages WHERE account_id = ? AND id = ?`

	selectMessage = `SELECT ` + messageColumns + messageFrom + ` WHERE m.account_id = ? AND m.id = ?`

	// newestMessages takes (account, conversation, limit); limit -1 is all.
	newestMessages = `SELECT ` + messageBodyColumns +
		` FROM convo_messages m WHERE m.account_id = ? AND m.conversation_id = ? ORDER BY m.seq DESC LIMIT ?`

	selectMessagesCount = `SELECT contact_id, messages_count FROM convo_conversations WHERE account_id = ? AND id = ?`
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

// AddMessage implements store.Store.
func (s *Store) AddMessage(ctx context.Context, accountID, conversationID int64, in convo.NewMessage) (convo.Message, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return convo.Message{}, err
	}
	var m convo.Message
	err := s.write(ctx, func(tx *dbtx, now time.Time) (err error) {
		a := newAppender(tx, accountID, now)
		if m, err = addMessage(ctx, a, conversationID, in); err != nil {
			return err
		}
		return a.flush(ctx)
	})
	return m, err
}

// AddMessages implements store.Store.
func (s *Store) AddMessages(ctx context.Context, accountID int64, batch []store.MessageTo) ([]convo.Message, error) {
	if err := backend.CheckBatch(accountID, batch); err != nil {
		return nil, err
	}
	out := make([]convo.Message, 0, len(batch))
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
		a := newAppender(tx, accountID, now)
		for i, item := range batch {
			m, err := addMessage(ctx, a, item.ConversationID, item.Message)
			if err != nil {
				return backend.BatchItemError(i, err)
			}
			out = append(out, m)
		}
		return a.flush(ctx)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// addMessage is AddMessage inside a transaction: defaults, validation,
// then the append, which a's flush completes.
func addMessage(ctx context.Context, a *appender, conversationID int64, in convo.NewMessage) (convo.Message, error) {
	in = in.WithDefaults(a.now)
	if err := in.Validate(); err != nil {
		return convo.Message{}, err
	}
	return a.add(ctx, conversationID, in)
}

// GetMessage implements store.Store.
func (s *Store) GetMessage(ctx context.Context, accountID, messageID int64) (convo.Message, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return convo.Message{}, err
	}
	var m convo.Message
	err := s.read(ctx, func(tx *dbtx) (err error) {
		m, err = getMessage(ctx, tx, accountID, messageID)
		return err
	})
	return m, err
}

func getMessage(ctx context.Context, tx *dbtx, accountID, messageID int64) (convo.Message, error) {
	list, err := selectMessages(ctx, tx, selectMessage, accountID, messageID)
	if err != nil {
		return convo.Message{}, err
	}
	if len(list) == 0 {
		return convo.Message{}, convo.ErrNotFound
	}
	return list[0], nil
}

// GetMessageBySourceID implements store.Store.
func (s *Store) GetMessageBySourceID(ctx context.Context, accountID int64, sourceID string) (convo.Message, error) {
	if err := backend.CheckSourceID(accountID, sourceID); err != nil {
		return convo.Message{}, err
	}
	var m convo.Message
	err := s.read(ctx, func(tx *dbtx) error {
		var found struct {
			ID             int64 `db:"id"`
			ConversationID int64 `db:"conversation_id"`
		}
		if err := tx.GetContext(ctx, &found, selectBySourceID, accountID, sourceID); err != nil {
			return translate(err)
		}
		var err error
		m, err = getMessage(ctx, tx, accountID, found.ID)
		return err
	})
	return m, err
}

// UpdateMessage implements store.Store.
func (s *Store) UpdateMessage(ctx context.Context, accountID, messageID int64, up convo.MessageUpdate) (convo.Message, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return convo.Message{}, err
	}
	var m convo.Message
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
		old, err := getMessage(ctx, tx, accountID, messageID)
		if err != nil {
			return err
		}
		var v *convo.MessageVersion
		if m, v, err = backend.UpdatedMessage(old, up, now); err != nil {
			return err
		}
		if v != nil {
			if err := insertVersion(ctx, tx, accountID, *v); err != nil {
				return err
			}
		}
		return rewriteMessage(ctx, tx, old, m, now)
	})
	return m, err
}

// rewriteMessage stores m over old, its stored version, logs the change
// and recounts the conversation.
func rewriteMessage(ctx context.Context, tx *dbtx, old, m convo.Message, now time.Time) error {
	j, err := backend.EncodeMessageJSON(m)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, updateMessage, m.Content, string(m.ContentType), j.ContentAttributes,
		m.Type.Code(), m.Private, string(m.Status), string(m.SenderType), timeValue(m.WrittenAt), timeValue(m.UpdatedAt),
		j.Attachments, j.ExternalIDs, j.Additional, nullString(m.ExternalError), m.EditCount, timeValue(m.EditedAt),
		m.Reactions == nil, timeValue(m.DeletedAt), m.AccountID, m.ID); err != nil {
		return err
	}
	if m.Content != old.Content { // out of the index, if it was in: in again
		if err := indexPending(ctx, tx); err != nil {
			return err
		}
	}
	tx.changes.MessageChanged(old, m)
	_, err = tx.ExecContext(ctx, refreshConversation, m.AccountID, m.ConversationID, timeValue(now))
	return err
}

// markReceipt moves the status of the messages a receipt covers. ?1
// status, ?2 now, ?3 account, ?4 conversation, ?5 up to, ?6 message types,
// ?7 the statuses behind ?1.
const markReceipt = `UPDATE convo_messages SET status = ?1, updated_at = ?2
WHERE account_id = ?3 AND conversation_id = ?4 AND created_at <= ?5 AND NOT private
AND message_type IN (SELECT value FROM json_each(?6)) AND status IN (SELECT value FROM json_each(?7))
RETURNING id`

// MarkReceipt implements store.Store.
func (s *Store) MarkReceipt(ctx context.Context, accountID, conversationID int64, status convo.MessageStatus, upTo time.Time) (int, error) {
	r, err := backend.CheckReceipt(accountID, status, upTo)
	if err != nil {
		return 0, err
	}
	types, _ := json.Marshal(r.Types)
	behind, _ := json.Marshal(r.Behind)
	var n int
	err = s.write(ctx, func(tx *dbtx, now time.Time) error {
		var id int64
		if err := tx.GetContext(ctx, &id, conversationExists, accountID, conversationID); err != nil {
			return translate(err)
		}
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, markReceipt, string(status), timeValue(now), accountID, conversationID,
			timeValue(backend.StoredTime(upTo)), string(types), string(behind)); err != nil || len(ids) == 0 {
			return err
		}
		slices.Sort(ids)
		n = len(ids)
		tx.changes.StatusChanged(accountID, conversationID, ids)
		_, err = tx.ExecContext(ctx, refreshConversation, accountID, conversationID, timeValue(now))
		return err
	})
	return n, err
}

// DeleteMessage implements store.Store.
func (s *Store) DeleteMessage(ctx context.Context, accountID, messageID int64) (int64, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return 0, err
	}
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
		old, err := getMessage(ctx, tx, accountID, messageID)
		if err != nil || old.Deleted() {
			return err
		}
		// A plain message has neither reactions nor versions: no statement.
		if old.Reactions != nil {
			if _, err := tx.ExecContext(ctx, deleteReactions, accountID, messageID); err != nil {
				return err
			}
		}
		if old.EditCount > 0 {
			if _, err := tx.ExecContext(ctx, deleteVersions, accountID, messageID); err != nil {
				return err
			}
		}
		return rewriteMessage(ctx, tx, old, backend.Tombstone(old, now), now)
	})
	if err != nil {
		return 0, err
	}
	return messageID, nil
}

// ListMessages implements store.Store.
func (s *Store) ListMessages(ctx context.Context, accountID, conversationID int64, f store.MessageFilter) (store.Page[convo.Message], error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return store.Page[convo.Message]{}, err
	}
	if err := f.Validate(); err != nil {
		return store.Page[convo.Message]{}, err
	}
	list, cursor, err := backend.MessageCursor(conversationID, f)
	if err != nil {
		return store.Page[convo.Message]{}, err
	}
	var page store.Page[convo.Message]
	err = s.read(ctx, func(tx *dbtx) error {
		var conv struct {
			ContactID int64 `db:"contact_id"`
			Total     int   `db:"messages_count"`
		}
		if err := tx.GetContext(ctx, &conv, selectMessagesCount, accountID, conversationID); err != nil {
			return merged(ctx, tx, accountID, conversationID, translate(err))
		}
		l := messageList{accountID: accountID, conversationID: conversationID, contactID: conv.ContactID,
			total: conv.Total, name: list, cursor: cursor}
		l.w.and("m.account_id = ?", accountID)
		l.w.and("m.conversation_id = ?", conversationID)
		if f.TopLevel {
			l.w.and("m.reply_to_id IS NULL")
		}
		page, err = l.read(ctx, tx, f)
		return err
	})
	return page, err
}

// ListReplies implements store.Store.
func (s *Store) ListReplies(ctx context.Context, accountID, messageID int64, f store.MessageFilter) (store.Page[convo.Message], error) {
	f.TopLevel = false
	if err := backend.Check(accountID, f); err != nil {
		return store.Page[convo.Message]{}, err
	}
	list, cursor, err := backend.ReplyCursor(messageID, f)
	if err != nil {
		return store.Page[convo.Message]{}, err
	}
	var page store.Page[convo.Message]
	err = s.read(ctx, func(tx *dbtx) error {
		var parent struct {
			ConversationID int64 `db:"conversation_id"`
			ContactID      int64 `db:"contact_id"`
			Total          int   `db:"reply_count"`
		}
		if err := tx.GetContext(ctx, &parent, selectRepliesCount, accountID, messageID); err != nil {
			return translate(err)
		}
		l := messageList{accountID: accountID, conversationID: parent.ConversationID, contactID: parent.ContactID,
			total: parent.Total, name: list, cursor: cursor}
		l.w.and("m.account_id = ?", accountID)
		l.w.and("m.reply_to_id = ?", messageID)
		page, err = l.read(ctx, tx, f)
		return err
	})
	return page, err
}

const (
	selectRepliesCount = `SELECT m.conversation_id, c.contact_id, m.reply_count FROM convo_messages m
	JOIN convo_conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id
WHERE m.account_id = ? AND m.id = ?`
)

// messageList is a list of one conversation's messages: the filter of
// its rows (w), how many it holds, and its cursor's list name and keys.
type messageList struct {
	accountID, conversationID, contactID int64
	total                                int
	w                                    where
	name                                 string
	cursor                               store.Cursor
}

// read reads f's page of the list, as the viewer sees it when f has one.
func (l messageList) read(ctx context.Context, tx *dbtx, f store.MessageFilter) (store.Page[convo.Message], error) {
	var page store.Page[convo.Message]
	if err := checkViewer(ctx, tx, l.accountID, l.conversationID, f.Viewer); err != nil {
		return page, err
	}
	if f.ContactSide {
		l.w.and("NOT m.private AND m.message_type != 2")
	}
	if !f.Page.Keyset() && (f.TopLevel || f.ContactSide) {
		// The conversation counts its messages, not the ones a filter keeps.
		if err := tx.GetContext(ctx, &l.total, `SELECT count(*) FROM convo_messages m`+l.w.sql(), l.w.args...); err != nil {
			return page, err
		}
	}
	order := messageOrders[f.Order]
	until, err := backend.UntilCursor(l.name, f)
	if err != nil {
		return page, err
	}
	if until.Keys != nil {
		l.w.and(order.before, until.Keys[0])
	}
	items, before, after, err := backend.MessageWindow(f, l.cursor, l.rows(ctx, tx, order), func(id int64) (int64, error) {
		w := l.w.with("m.id = ?", id)
		var seq int64
		return seq, translate(tx.GetContext(ctx, &seq, `SELECT m.seq FROM convo_messages m`+w.sql(), w.args...))
	})
	if err != nil {
		return page, err
	}
	if err := markSeen(ctx, tx, l.accountID, l.conversationID, f.Viewer, items); err != nil {
		return page, err
	}
	if err := markOwnReactions(ctx, tx, l.accountID, f.Viewer, items); err != nil {
		return page, err
	}
	return backend.MessagePage(f, l.name, l.total, items, before, after), nil
}

// rows reads the list's messages in order for backend.MessageWindow.
func (l messageList) rows(ctx context.Context, tx *dbtx, order messageOrder) backend.MessageRows {
	return func(reverse, past bool, key int64, n, offset int) ([]convo.Message, bool, error) {
		orderBy, cond := order.orderBy, order.after
		if reverse {
			orderBy, cond = order.reverse, order.before
		}
		w := l.w
		if past {
			w = w.with(cond, key)
		}
		query := `SELECT ` + messageBodyColumns + ` FROM convo_messages m` + w.sql() + ` ORDER BY ` + orderBy + ` LIMIT ? OFFSET ?`
		items, err := selectOwnMessages(ctx, tx, l.accountID, l.conversationID, l.contactID, query, append(slices.Clip(w.args), n+1, offset)...)
		if err != nil {
			return nil, false, err
		}
		items, more := backend.TrimPage(items, n)
		return items, more, nil
	}
}

const (
	// clearReplyTo makes the replies of ?2 replies no longer. ?1 account.
	clearReplyTo = `UPDATE convo_messages SET reply_to_id = NULL WHERE account_id = ?1 AND reply_to_id = ?2 RETURNING id`

	// uncountReply counts a purged reply of ?2 out. ?1 account.
	uncountReply = `UPDATE convo_messages SET reply_count = reply_count - 1,
	last_reply_at = (SELECT max(r.created_at) FROM convo_messages r WHERE r.account_id = ?1 AND r.reply_to_id = ?2)
WHERE account_id = ?1 AND id = ?2
RETURNING coalesce(last_reply_at, 0)`
)

// PurgeMessage implements store.Store.
func (s *Store) PurgeMessage(ctx context.Context, accountID, messageID int64) (int64, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return 0, err
	}
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
		m, err := getMessage(ctx, tx, accountID, messageID)
		if err != nil {
			return err
		}
		changed := func(id int64, fields ...string) {
			tx.changes.Add(store.Change{Kind: store.MessageUpdated, AccountID: accountID, ConversationID: m.ConversationID,
				MessageID: id, Fields: fields})
		}
		if m.ReplyCount > 0 {
			var replies []int64
			if err := tx.SelectContext(ctx, &replies, clearReplyTo, accountID, messageID); err != nil {
				return err
			}
			slices.Sort(replies)
			for _, id := range replies {
				changed(id, "reply_to_id")
			}
		}
		if _, err := tx.ExecContext(ctx, deleteMessage, accountID, messageID); err != nil {
			return err
		}
		tx.changes.Add(store.Change{Kind: store.MessageDeleted, AccountID: accountID, ConversationID: m.ConversationID,
			MessageID: messageID})
		if m.ReplyToID != 0 {
			var before, after int64
			if err := tx.GetContext(ctx, &before, selectLastReply, accountID, m.ReplyToID); err != nil {
				return err
			}
			if err := tx.GetContext(ctx, &after, uncountReply, accountID, m.ReplyToID); err != nil {
				return err
			}
			if before != after {
				changed(m.ReplyToID, "last_reply_at", "reply_count")
			} else {
				changed(m.ReplyToID, "reply_count")
			}
		}
		_, err = tx.ExecContext(ctx, refreshConversation, accountID, m.ConversationID, timeValue(now))
		return err
	})
	if err != nil {
		return 0, err
	}
	return messageID, nil
}

const selectLastReply = `SELECT coalesce(last_reply_at, 0) FROM convo_messages WHERE account_id = ? AND id = ?`
