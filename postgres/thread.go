package postgres

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Replies, tombstones and purges. A message's reply count and last reply
// time live on its row, moved by the writes that add or purge its direct
// replies, under the lock of their conversation (every write to a message
// takes it first, as an append does).

const (
	// selectParentByID and selectParentBySource find the message a new
	// one replies to: its conversation, id, source id and reply columns.
	selectParentByID     = `SELECT conversation_id, id, coalesce(source_id, ''), reply_count, last_reply_at FROM convo_messages WHERE account_id = $1 AND id = $2`
	selectParentBySource = `SELECT conversation_id, id, coalesce(source_id, ''), reply_count, last_reply_at FROM convo_messages WHERE account_id = $1 AND source_id = $2`

	// bumpParent counts a new reply ($3 its created_at) on its parent. $1
	// account, $2 parent.
	bumpParent = `UPDATE convo_messages SET reply_count = reply_count + 1, last_reply_at = greatest(last_reply_at, $3)
WHERE account_id = $1 AND id = $2`

	// recountParent recounts the direct replies of a parent whose reply
	// went. $1 account, $2 parent.
	recountParent = `UPDATE convo_messages p SET
	reply_count = (SELECT count(*) FROM convo_messages r WHERE r.account_id = p.account_id AND r.reply_to_id = p.id),
	last_reply_at = (SELECT max(r.created_at) FROM convo_messages r WHERE r.account_id = p.account_id AND r.reply_to_id = p.id)
WHERE p.account_id = $1 AND p.id = $2
RETURNING reply_count, last_reply_at`

	// unlinkReplies makes the replies of a message that goes replies no
	// longer; their updated_at stays. $1 account, $2 the message.
	unlinkReplies = `UPDATE convo_messages SET reply_to_id = NULL WHERE account_id = $1 AND reply_to_id = $2 RETURNING id`

	// tombstoneMessage leaves a tombstone in a message's place
	// (backend.Tombstone): what it said and what was kept of it wiped, its
	// reactions and versions gone, its words too, so that search never
	// finds it. $1 account, $2 message, $3 now.
	tombstoneMessage = `WITH r AS (
	DELETE FROM convo_message_reactions WHERE account_id = $1 AND message_id = $2
), v AS (
	DELETE FROM convo_message_versions WHERE account_id = $1 AND message_id = $2
)
UPDATE convo_messages SET content = '', content_attributes = '{}', attachments = '[]', additional_attributes = '{}',
	reactions = NULL, edit_count = 0, edited_at = NULL, external_error = '', deleted_at = $3, updated_at = $3,
	words = ''::tsvector
WHERE account_id = $1 AND id = $2`

	// selectMessageParent reads what a list of a message's replies needs
	// of it: its conversation, the conversation's contact, its reply count.
	selectMessageParent = `SELECT m.conversation_id, c.contact_id, m.reply_count` + messageFrom + `
WHERE m.account_id = $1 AND m.id = $2`
)

// isReply reports whether in names a message it replies to.
func isReply(in convo.NewMessage) bool { return in.ReplyToID != 0 || in.ReplyToSourceID != "" }

// replyParent is the message a new one replies to, as far as its reply
// columns go.
type replyParent struct{ m convo.Message }

// findReplyParent resolves the parent of in (backend.ReplyParent): the
// zero replyParent when in is no reply after all.
func findReplyParent(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, in convo.NewMessage) (replyParent, error) {
	var p replyParent
	id, err := backend.ReplyParent(in, conversationID, func(id int64, sourceID string) (int64, int64, string, error) {
		query, arg := selectParentByID, any(id)
		if id == 0 {
			query, arg = selectParentBySource, sourceID
		}
		var source string
		var count int32
		var last dbTime
		err := queryOne(ctx, tx, query, []any{accountID, arg}, &p.m.ConversationID, &p.m.ID, &source, &count, &last)
		p.m.ReplyCount, p.m.LastReplyAt = int(count), last.Time
		return p.m.ConversationID, p.m.ID, source, err
	})
	if err != nil || id == 0 {
		return replyParent{}, err
	}
	p.m.AccountID = accountID
	return p, nil
}

// bump counts a reply created at now on the parent, and logs it.
func (p replyParent) bump(ctx context.Context, tx *wtx, now time.Time) error {
	if _, err := tx.Exec(ctx, bumpParent, p.m.AccountID, p.m.ID, now); err != nil {
		return err
	}
	next := p.m
	next.ReplyCount++
	if now.After(next.LastReplyAt) {
		next.LastReplyAt = now
	}
	tx.changes.MessageChanged(p.m, next)
	return nil
}

// DeleteMessage implements store.Store: it leaves a tombstone.
func (s *Store) DeleteMessage(ctx context.Context, accountID, messageID int64) (int64, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return 0, err
	}
	err := s.write(ctx, accountID, func(tx *wtx, _ time.Time) error {
		old, err := lockedMessage(ctx, tx, accountID, messageID)
		if err != nil || old.Deleted() {
			return err
		}
		now := tx.clock() // once the row is locked: see lockConversation
		if _, err := tx.Exec(ctx, tombstoneMessage, accountID, messageID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, refreshConversation, accountID, old.ConversationID, now); err != nil {
			return err
		}
		tx.changes.MessageChanged(old, backend.Tombstone(old, now))
		return nil
	})
	if err != nil {
		return 0, err
	}
	return messageID, nil
}

// PurgeMessage implements store.Store.
func (s *Store) PurgeMessage(ctx context.Context, accountID, messageID int64) (int64, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return 0, err
	}
	err := s.write(ctx, accountID, func(tx *wtx, _ time.Time) error {
		m, err := lockedMessage(ctx, tx, accountID, messageID)
		if err != nil {
			return err
		}
		now := tx.clock() // once the row is locked: see lockConversation
		var parent convo.Message
		if m.ReplyToID != 0 {
			if parent, err = getMessage(ctx, tx, accountID, m.ReplyToID); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, unlinkReplies, accountID, messageID)
		if err != nil {
			return err
		}
		replies, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		slices.Sort(replies)
		for _, id := range replies {
			tx.log(store.Change{Kind: store.MessageUpdated, ConversationID: m.ConversationID, MessageID: id,
				Fields: []string{"reply_to_id"}})
		}
		if _, err := tx.Exec(ctx, deleteMessage, accountID, messageID); err != nil {
			return err
		}
		tx.log(store.Change{Kind: store.MessageDeleted, ConversationID: m.ConversationID, MessageID: messageID})
		if m.ReplyToID != 0 {
			next := parent
			var count int32
			var last dbTime
			if err := queryOne(ctx, tx, recountParent, []any{accountID, parent.ID}, &count, &last); err != nil {
				return err
			}
			next.ReplyCount, next.LastReplyAt = int(count), last.Time
			tx.changes.MessageChanged(parent, next)
		}
		_, err = tx.Exec(ctx, refreshConversation, accountID, m.ConversationID, now)
		return err
	})
	if err != nil {
		return 0, err
	}
	return messageID, nil
}

// ListReplies implements store.Store.
func (s *Store) ListReplies(ctx context.Context, accountID, messageID int64, f store.MessageFilter) (store.Page[convo.Message], error) {
	var page store.Page[convo.Message]
	if err := backend.Check(accountID, f); err != nil {
		return page, err
	}
	list, cursor, err := backend.ReplyCursor(messageID, f)
	if err != nil {
		return page, err
	}
	err = s.read(ctx, func(tx pgx.Tx) error {
		page = store.Page[convo.Message]{}
		var conversationID, contactID int64
		var total int32
		if err := queryOne(ctx, tx, selectMessageParent, []any{accountID, messageID}, &conversationID, &contactID, &total); err != nil {
			return err
		}
		if err := checkViewer(ctx, tx, accountID, conversationID, f.Viewer); err != nil {
			return err
		}
		q := messagePageQuery{accountID: accountID, conversationID: conversationID, contactID: contactID,
			total: int(total), list: list, cursor: cursor}
		q.w.and("m.account_id = ?", accountID)
		q.w.and("m.reply_to_id = ?", messageID)
		return listMessagePage(ctx, tx, &page, q, f)
	})
	return page, err
}

// messagePageQuery is what listMessagePage needs of a list of messages of
// one conversation: the filter of its rows (w), how many it holds, its
// cursor's list name and keys.
type messagePageQuery struct {
	accountID, conversationID, contactID int64
	total                                int // in page-number paging
	w                                    where
	list                                 string
	cursor                               store.Cursor
}

// listMessagePage reads f's page of a list of one conversation's messages,
// in f's order: from a cursor either way, around a message or up to
// another cursor (f.Around, f.Until), with what a viewer reads of them.
func listMessagePage(ctx context.Context, tx pgx.Tx, page *store.Page[convo.Message], q messagePageQuery, f store.MessageFilter) error {
	if f.ContactSide {
		q.w.and("NOT m.private AND m.message_type <> 2")
	}
	if !f.Page.Keyset() && (f.TopLevel || f.ContactSide) {
		// The conversation counts its messages, not the ones a filter keeps.
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM convo_messages m`+q.w.sql(), q.w.args...).Scan(&q.total); err != nil {
			return err
		}
	}
	order := messageOrders[f.Order]
	until, err := backend.UntilCursor(q.list, f)
	if err != nil {
		return err
	}
	if until.Keys != nil {
		q.w.and(order.before, until.Keys[0])
	}
	items, before, after, err := backend.MessageWindow(f, q.cursor, q.rows(ctx, tx, order), func(id int64) (int64, error) {
		w := q.w.clone()
		w.and("m.id = ?", id)
		var seq int64
		return seq, queryOne(ctx, tx, `SELECT m.seq FROM convo_messages m`+w.sql(), w.args, &seq)
	})
	if err != nil {
		return err
	}
	if err := markSeen(ctx, tx, q.accountID, q.conversationID, f.Viewer, items); err != nil {
		return err
	}
	if err := attachOwnReactions(ctx, tx, q.accountID, f.Viewer, items); err != nil {
		return err
	}
	*page = backend.MessagePage(f, q.list, q.total, items, before, after)
	return nil
}

// rows reads the list's messages in order for backend.MessageWindow.
func (q messagePageQuery) rows(ctx context.Context, tx pgx.Tx, order messageOrder) backend.MessageRows {
	return func(reverse, past bool, key int64, n, offset int) ([]convo.Message, bool, error) {
		orderBy, cond := order.orderBy, order.after
		if reverse {
			orderBy, cond = order.reverse, order.before
		}
		w := q.w.clone()
		if past {
			w.and(cond, key)
		}
		query := `SELECT ` + messageBodyColumns + ` FROM convo_messages m` + w.sql() + ` ORDER BY ` + orderBy +
			w.bind(` LIMIT ? OFFSET ?`, n+1, offset)
		items, err := selectOwnMessages(ctx, tx, q.accountID, q.conversationID, q.contactID, query, w.args...)
		if err != nil {
			return nil, false, err
		}
		items, more := backend.TrimPage(items, n)
		return items, more, nil
	}
}
