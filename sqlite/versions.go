package sqlite

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// A message's edit history: the content each edit replaced, in
// convo_message_versions; the message keeps the count (edit_count).

const (
	insertVersionRow = `INSERT INTO convo_message_versions (account_id, message_id, version, content, edited_at, actor_type, user_id)
VALUES (?, ?, ?, ?, ?, ?, ?)`

	deleteVersions = `DELETE FROM convo_message_versions WHERE account_id = ? AND message_id = ?`

	selectVersions = `SELECT version, content, edited_at, actor_type, user_id FROM convo_message_versions
WHERE account_id = ? AND message_id = ? ORDER BY version`
)

// insertVersion keeps a version of a message.
func insertVersion(ctx context.Context, tx *dbtx, accountID int64, v convo.MessageVersion) error {
	_, err := tx.ExecContext(ctx, insertVersionRow, accountID, v.MessageID, v.Version, v.Content, timeValue(v.EditedAt),
		string(v.EditedBy.Type), actorUser(v.EditedBy))
	return err
}

// versionRow is a row of selectVersions.
type versionRow struct {
	Version   int    `db:"version"`
	Content   string `db:"content"`
	EditedAt  dbTime `db:"edited_at"`
	ActorType string `db:"actor_type"`
	UserID    string `db:"user_id"`
}

func (r versionRow) toVersion(messageID int64) (convo.MessageVersion, error) {
	by, err := actorOf(r.ActorType, r.UserID)
	return convo.MessageVersion{MessageID: messageID, Version: r.Version, Content: r.Content, EditedAt: r.EditedAt.Time,
		EditedBy: by}, err
}

// actorOf reads an actor's two columns.
func actorOf(actorType, user string) (convo.Actor, error) {
	a := convo.Actor{Type: convo.SenderType(actorType)}
	if user == "" {
		return a, nil
	}
	id, err := uuid.Parse(user)
	if err != nil {
		return convo.Actor{}, fmt.Errorf("sqlite: actor user_id %q: %w", user, err)
	}
	a.UserID = id
	return a, nil
}

// ListMessageVersions implements store.Store.
func (s *Store) ListMessageVersions(ctx context.Context, accountID, messageID int64) ([]convo.MessageVersion, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return nil, err
	}
	var out []convo.MessageVersion
	err := s.read(ctx, func(tx *dbtx) error {
		var one int
		if err := tx.GetContext(ctx, &one, messageExists, accountID, messageID); err != nil {
			return translate(err)
		}
		var rows []versionRow
		if err := tx.SelectContext(ctx, &rows, selectVersions, accountID, messageID); err != nil {
			return err
		}
		for _, r := range rows {
			v, err := r.toVersion(messageID)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}
