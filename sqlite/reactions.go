package sqlite

import (
	"context"
	"encoding/json"
	"maps"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// A message's reactions are rows of convo_message_reactions; their counts
// are kept on the message, as JSON, so that every read of a message has
// them without a join.

const (
	insertReaction = `INSERT INTO convo_message_reactions (account_id, message_id, reaction, actor_type, user_id, created_at)
VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`

	deleteReaction = `DELETE FROM convo_message_reactions
WHERE account_id = ? AND message_id = ? AND reaction = ? AND actor_type = ? AND user_id = ?`

	deleteReactions = `DELETE FROM convo_message_reactions WHERE account_id = ? AND message_id = ?`

	setReactionCounts = `UPDATE convo_messages SET reactions = ? WHERE account_id = ? AND id = ?`

	messageExists = `SELECT 1 FROM convo_messages WHERE account_id = ? AND id = ?`

	// selectOwnReactions reads a user's reactions to a list of messages
	// (?3, a JSON array of ids). ?1 account, ?2 user.
	selectOwnReactions = `SELECT message_id, reaction FROM convo_message_reactions
WHERE account_id = ?1 AND message_id IN (SELECT value FROM json_each(?3)) AND actor_type = 'user' AND user_id = ?2
ORDER BY message_id, reaction`

	reactionColumns = `SELECT id, reaction, actor_type, user_id, created_at FROM convo_message_reactions`
)

// AddReaction implements store.Store.
func (s *Store) AddReaction(ctx context.Context, accountID, messageID int64, by convo.Actor, reaction string) (convo.Message, error) {
	return s.react(ctx, accountID, messageID, by, reaction, true)
}

// RemoveReaction implements store.Store.
func (s *Store) RemoveReaction(ctx context.Context, accountID, messageID int64, by convo.Actor, reaction string) (convo.Message, error) {
	return s.react(ctx, accountID, messageID, by, reaction, false)
}

// react adds or removes one reaction and moves its count.
func (s *Store) react(ctx context.Context, accountID, messageID int64, by convo.Actor, reaction string, add bool) (convo.Message, error) {
	if err := backend.CheckReaction(accountID, messageID, by, reaction); err != nil {
		return convo.Message{}, err
	}
	var m convo.Message
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
		old, err := getMessage(ctx, tx, accountID, messageID)
		if err != nil {
			return err
		}
		m = old
		user := actorUser(by)
		var res interface{ RowsAffected() (int64, error) }
		if add {
			if err := backend.CheckReactionAdded(old, reaction); err != nil {
				return err
			}
			res, err = tx.ExecContext(ctx, insertReaction, accountID, messageID, reaction, string(by.Type), user, timeValue(now))
		} else {
			res, err = tx.ExecContext(ctx, deleteReaction, accountID, messageID, reaction, string(by.Type), user)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // already there, or not there: nothing changes
		}
		m.Reactions = countReaction(old.Reactions, reaction, add)
		var counts any // NULL when none
		if m.Reactions != nil {
			b, err := json.Marshal(m.Reactions)
			if err != nil {
				return err
			}
			counts = string(b)
		}
		if _, err := tx.ExecContext(ctx, setReactionCounts, counts, accountID, messageID); err != nil {
			return err
		}
		tx.changes.MessageChanged(old, m)
		return nil
	})
	return m, err
}

// countReaction returns counts with reaction's count one up (add) or
// down, a copy; nil when none is left.
func countReaction(counts map[string]int, reaction string, add bool) map[string]int {
	next := maps.Clone(counts)
	if next == nil {
		next = map[string]int{}
	}
	if add {
		next[reaction]++
	} else if next[reaction]--; next[reaction] <= 0 {
		delete(next, reaction)
	}
	if len(next) == 0 {
		return nil
	}
	return next
}

// actorUser is the user_id column of an actor: ” unless a user.
func actorUser(a convo.Actor) string {
	if a.UserID == uuid.Nil {
		return ""
	}
	return a.UserID.String()
}

// reactionRow is a row of reactionColumns.
type reactionRow struct {
	ID        int64  `db:"id"`
	Reaction  string `db:"reaction"`
	ActorType string `db:"actor_type"`
	UserID    string `db:"user_id"`
	CreatedAt dbTime `db:"created_at"`
}

func (r reactionRow) toReaction(messageID int64) (convo.Reaction, error) {
	by, err := actorOf(r.ActorType, r.UserID)
	return convo.Reaction{MessageID: messageID, Reaction: r.Reaction, By: by, CreatedAt: r.CreatedAt.Time}, err
}

// ListReactions implements store.Store.
func (s *Store) ListReactions(ctx context.Context, accountID, messageID int64, f store.ReactionFilter) (store.Page[convo.Reaction], error) {
	var page store.Page[convo.Reaction]
	if err := backend.Check(accountID, f); err != nil {
		return page, err
	}
	list, cursor, err := backend.ReactionCursor(messageID, f)
	if err != nil {
		return page, err
	}
	err = s.read(ctx, func(tx *dbtx) error {
		var one int
		if err := tx.GetContext(ctx, &one, messageExists, accountID, messageID); err != nil {
			return translate(err)
		}
		var w where
		w.and("account_id = ?", accountID)
		w.and("message_id = ?", messageID)
		if f.Reaction != "" {
			w.and("reaction = ?", f.Reaction)
		}
		count, countArgs, offset := `SELECT count(*) FROM convo_message_reactions`+w.sql(), w.args, 0
		switch {
		case cursor.Keys != nil:
			w.and("(reaction > ? OR reaction = ? AND id > ?)", cursor.Text, cursor.Text, cursor.Keys[0])
		case !f.Page.Keyset():
			offset = f.Page.Offset()
		}
		var rows []reactionRow
		if err := tx.SelectContext(ctx, &rows, reactionColumns+w.sql()+` ORDER BY reaction, id LIMIT ? OFFSET ?`,
			append(w.args, f.Page.PerPage()+1, offset)...); err != nil {
			return err
		}
		rows, more := backend.TrimPage(rows, f.Page.PerPage())
		var err error
		if page.Items, err = backend.Convert(rows, func(r reactionRow) (convo.Reaction, error) { return r.toReaction(messageID) }); err != nil {
			return err
		}
		if more {
			last := rows[len(rows)-1]
			page.Next = store.Cursor{List: list, Keys: []int64{last.ID}, Text: last.Reaction}.Encode()
		}
		return pageMeta(ctx, tx, &page.Meta, f.Page, len(rows), count, countArgs...)
	})
	return page, err
}

// markOwnReactions fills in the viewer's own reactions on the messages of
// a page, with one query when any of them has reactions.
func markOwnReactions(ctx context.Context, tx *dbtx, accountID int64, v *convo.Viewer, list []convo.Message) error {
	if v == nil {
		return nil
	}
	ids, at := backend.Reacted(list)
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		MessageID int64  `db:"message_id"`
		Reaction  string `db:"reaction"`
	}
	if err := tx.SelectContext(ctx, &rows, selectOwnReactions, accountID, v.UserID.String(), idsJSON(ids)); err != nil {
		return err
	}
	for _, r := range rows {
		m := &list[at[r.MessageID]]
		m.OwnReactions = append(m.OwnReactions, r.Reaction)
	}
	return nil
}
