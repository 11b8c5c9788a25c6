package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Reactions: a row each in convo_message_reactions, and their counts by
// reaction on the message's row (reactions, NULL when none), moved in the
// statement that adds or removes the row, under the lock of the message's
// conversation (lockedMessage), as every write to a message.

const (
	// addReaction adds a reaction and counts it on its message; no row
	// when the reactor had made it already. $1 account, $2 message, $3
	// reaction, $4 reactor type, $5 user, $6 now.
	addReaction = `WITH r AS (
	INSERT INTO convo_message_reactions (account_id, message_id, reaction, reactor_type, user_id, created_at)
	VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1
)
UPDATE convo_messages SET reactions = jsonb_set(coalesce(reactions, '{}'), ARRAY[$3::text],
	to_jsonb(coalesce((reactions->>$3::text)::integer, 0) + 1))
WHERE account_id = $1 AND id = $2 AND EXISTS (SELECT FROM r)
RETURNING reactions::text`

	// removeReaction removes a reaction and its count; no row when the
	// reactor had not made it. Arguments as addReaction's, but now.
	removeReaction = `WITH r AS (
	DELETE FROM convo_message_reactions WHERE account_id = $1 AND message_id = $2 AND reaction = $3
		AND reactor_type = $4 AND user_id IS NOT DISTINCT FROM $5::uuid
	RETURNING 1
)
UPDATE convo_messages SET reactions = nullif(CASE WHEN (reactions->>$3::text)::integer > 1
	THEN jsonb_set(reactions, ARRAY[$3::text], to_jsonb((reactions->>$3::text)::integer - 1))
	ELSE reactions - $3::text END, '{}'::jsonb)
WHERE account_id = $1 AND id = $2 AND EXISTS (SELECT FROM r)
RETURNING reactions::text`

	// messageExists finds a message of the account.
	messageExists = `SELECT id FROM convo_messages WHERE account_id = $1 AND id = $2`

	// reactionColumns are a reaction's, of the table aliased r.
	reactionColumns = `r.id, r.message_id, r.reaction, r.reactor_type, r.user_id, r.created_at`

	// selectOwnReactions reads a user's reactions to some messages, each
	// message's in byte order. $1 account, $2 messages, $3 user type, $4
	// user.
	selectOwnReactions = `SELECT message_id, reaction FROM convo_message_reactions
WHERE account_id = $1 AND message_id = ANY($2::bigint[]) AND reactor_type = $3 AND user_id = $4
ORDER BY message_id, reaction`
)

// reactionRow is a row of reactionColumns.
type reactionRow struct {
	ID          int64
	MessageID   int64
	Reaction    string
	ReactorType string
	UserID      nullUUID
	CreatedAt   dbTime
}

func (r *reactionRow) dest() []any {
	return []any{&r.ID, &r.MessageID, &r.Reaction, &r.ReactorType, &r.UserID, &r.CreatedAt}
}

func (r reactionRow) toReaction() convo.Reaction {
	return convo.Reaction{MessageID: r.MessageID, Reaction: r.Reaction,
		By: convo.Actor{Type: convo.SenderType(r.ReactorType), UserID: r.UserID.UUID}, CreatedAt: r.CreatedAt.Time}
}

// AddReaction implements store.Store.
func (s *Store) AddReaction(ctx context.Context, accountID, messageID int64, by convo.Actor, reaction string) (convo.Message, error) {
	return s.react(ctx, accountID, messageID, by, reaction, true)
}

// RemoveReaction implements store.Store.
func (s *Store) RemoveReaction(ctx context.Context, accountID, messageID int64, by convo.Actor, reaction string) (convo.Message, error) {
	return s.react(ctx, accountID, messageID, by, reaction, false)
}

// react adds (add) or removes a reaction, and logs the message's change
// of counts when there is one.
func (s *Store) react(ctx context.Context, accountID, messageID int64, by convo.Actor, reaction string, add bool) (convo.Message, error) {
	if err := backend.CheckReaction(accountID, messageID, by, reaction); err != nil {
		return convo.Message{}, err
	}
	var m convo.Message
	err := s.write(ctx, accountID, func(tx *wtx, _ time.Time) error {
		old, err := lockedMessage(ctx, tx, accountID, messageID)
		if err != nil {
			return err
		}
		m = old
		now := tx.clock() // once the row is locked: see lockConversation
		query, args := removeReaction, []any{accountID, messageID, reaction, string(by.Type), uuidValue(by.UserID)}
		if add {
			if err := backend.CheckReactionAdded(old, reaction); err != nil {
				return err
			}
			query, args = addReaction, append(args, now)
		}
		var counts *string
		switch err := tx.QueryRow(ctx, query, args...).Scan(&counts); {
		case errors.Is(err, pgx.ErrNoRows):
			return nil // made already, or not made: no change
		case err != nil:
			return err
		}
		m.Reactions = nil
		if counts != nil {
			if m.Reactions, err = backend.FromJSON[map[string]int](*counts); err != nil {
				return err
			}
		}
		tx.changes.MessageChanged(old, m)
		return nil
	})
	if err != nil {
		return convo.Message{}, err
	}
	return m, nil
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
	err = s.read(ctx, func(tx pgx.Tx) error {
		page = store.Page[convo.Reaction]{}
		var id int64
		if err := queryOne(ctx, tx, messageExists, []any{accountID, messageID}, &id); err != nil {
			return err
		}
		var w where
		w.and("r.account_id = ?", accountID)
		w.and("r.message_id = ?", messageID)
		if f.Reaction != "" {
			w.and("r.reaction = ?::text", f.Reaction)
		}
		counted := w
		counted.clauses, counted.args = append([]string(nil), w.clauses...), append([]any(nil), w.args...)
		offset := 0
		switch {
		case cursor.Keys != nil:
			w.and(`(r.reaction, r.id) > (?::text COLLATE "C", ?::bigint)`, cursor.Text, cursor.Keys[0])
		case !f.Page.Keyset():
			offset = f.Page.Offset()
		}
		query := `SELECT ` + reactionColumns + ` FROM convo_message_reactions r` + w.sql() +
			` ORDER BY r.reaction, r.id` + w.bind(` LIMIT ? OFFSET ?`, f.Page.PerPage()+1, offset)
		rows, err := queryRows[reactionRow](ctx, tx, f.Page.PerPage()+1, query, w.args...)
		if err != nil {
			return err
		}
		rows, more := backend.TrimPage(rows, f.Page.PerPage())
		page.Items = make([]convo.Reaction, len(rows))
		for i, r := range rows {
			page.Items[i] = r.toReaction()
		}
		if more {
			last := rows[len(rows)-1]
			page.Next = store.Cursor{List: list, Keys: []int64{last.ID}, Text: last.Reaction}.Encode()
		}
		return pageMeta(ctx, tx, &page.Meta, f.Page, len(rows),
			`SELECT count(*) FROM convo_message_reactions r`+counted.sql(), counted.args...)
	})
	return page, err
}

// attachOwnReactions fills in, for a viewer, the OwnReactions of the
// messages that have reactions: one query, none when no message has any.
func attachOwnReactions(ctx context.Context, tx pgx.Tx, accountID int64, v *convo.Viewer, list []convo.Message) error {
	if v == nil {
		return nil
	}
	ids, at := backend.Reacted(list)
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, selectOwnReactions, accountID, ids, string(convo.SenderUser), uuidValue(v.UserID))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var reaction string
		if err := rows.Scan(&id, &reaction); err != nil {
			return err
		}
		m := &list[at[id]]
		m.OwnReactions = append(m.OwnReactions, reaction)
	}
	return rows.Err()
}

// ListMessageVersions implements store.Store.
func (s *Store) ListMessageVersions(ctx context.Context, accountID, messageID int64) ([]convo.MessageVersion, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return nil, err
	}
	var list []convo.MessageVersion
	err := s.read(ctx, func(tx pgx.Tx) error {
		list = nil
		var id int64
		if err := queryOne(ctx, tx, messageExists, []any{accountID, messageID}, &id); err != nil {
			return err
		}
		return eachRow(ctx, tx, selectVersions, []any{accountID, messageID}, func(r versionRow) error {
			list = append(list, r.toVersion())
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

const (
	// versionColumns are a version's, of the table aliased v.
	versionColumns = `v.message_id, v.version, v.content, v.edited_at, v.editor_type, v.editor_id`
	// selectVersions lists a message's versions, oldest first.
	selectVersions = `SELECT ` + versionColumns + ` FROM convo_message_versions v
WHERE v.account_id = $1 AND v.message_id = $2 ORDER BY v.version`
)

// versionRow is a row of versionColumns.
type versionRow struct {
	MessageID  int64
	Version    int32
	Content    string
	EditedAt   dbTime
	EditorType string
	EditorID   nullUUID
}

func (r *versionRow) dest() []any {
	return []any{&r.MessageID, &r.Version, &r.Content, &r.EditedAt, &r.EditorType, &r.EditorID}
}

func (r versionRow) toVersion() convo.MessageVersion {
	return convo.MessageVersion{MessageID: r.MessageID, Version: int(r.Version), Content: r.Content, EditedAt: r.EditedAt.Time,
		EditedBy: convo.Actor{Type: convo.SenderType(r.EditorType), UserID: r.EditorID.UUID}}
}
