package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// The import of reactions and message versions, and the recount of the
// counts they and replies keep on their message.

const (
	// selectImportTarget reads what a reaction or version needs of its
	// message: whether it is a tombstone, and its versions and reaction
	// kinds stored so far.
	selectImportTarget = `SELECT deleted_at IS NOT NULL AS deleted,
	(SELECT count(*) FROM convo_message_versions v WHERE v.account_id = m.account_id AND v.message_id = m.id) AS versions,
	(SELECT count(DISTINCT reaction) FROM convo_message_reactions x WHERE x.account_id = m.account_id AND x.message_id = m.id) AS kinds
FROM convo_messages m WHERE m.account_id = ? AND m.id = ?`

	selectStoredReaction = `SELECT created_at FROM convo_message_reactions
WHERE account_id = ? AND message_id = ? AND reaction = ? AND actor_type = ? AND user_id = ?`

	selectStoredVersion = `SELECT version, content, edited_at, actor_type, user_id FROM convo_message_versions
WHERE account_id = ? AND message_id = ? AND version = ?`

	// recountThread sets the counts a message keeps of its replies and
	// versions (its reaction counts, ?3, are counted by reactionCounts).
	// ?1 account, ?2 message.
	recountThread = `UPDATE convo_messages AS m SET
	reply_count = (SELECT count(*) FROM convo_messages r WHERE r.account_id = ?1 AND r.reply_to_id = ?2),
	last_reply_at = (SELECT max(r.created_at) FROM convo_messages r WHERE r.account_id = ?1 AND r.reply_to_id = ?2),
	reactions = ?3,
	edit_count = (SELECT count(*) FROM convo_message_versions v WHERE v.account_id = ?1 AND v.message_id = ?2),
	edited_at = (SELECT max(v.edited_at) FROM convo_message_versions v WHERE v.account_id = ?1 AND v.message_id = ?2)
WHERE m.account_id = ?1 AND m.id = ?2`

	reactionCounts = `SELECT reaction, count(*) AS n FROM convo_message_reactions
WHERE account_id = ? AND message_id = ? GROUP BY reaction`
)

// importTarget is a row of selectImportTarget.
type importTarget struct {
	Deleted  bool `db:"deleted"`
	Versions int  `db:"versions"`
	Kinds    int  `db:"kinds"`
}

// target reads the message a reaction or version is for; ErrNotFound
// names it, a tombstone is ErrInvalid.
func (im *importer) target(messageID int64) (importTarget, error) {
	var t importTarget
	if err := im.tx.GetContext(im.ctx, &t, selectImportTarget, im.accountID, messageID); err != nil {
		return t, fmt.Errorf("message %d: %w", messageID, translate(err))
	}
	if t.Deleted {
		return t, convo.Invalid("message_id", convo.CodeDeleted, "the message is deleted")
	}
	return t, nil
}

// Reaction implements backend.Importer: it writes a reaction, unless it
// is stored as given.
func (im *importer) Reaction(x convo.Reaction) error {
	ctx, tx := im.ctx, im.tx
	if im.newIDs {
		x.MessageID = backend.Ref(im.stats.MessageIDs, x.MessageID)
	}
	x.CreatedAt = backend.StoredTime(x.CreatedAt)
	t, err := im.target(x.MessageID)
	if err != nil {
		return err
	}
	var at dbTime
	switch err := tx.GetContext(ctx, &at, selectStoredReaction, im.accountID, x.MessageID, x.Reaction,
		string(x.By.Type), actorUser(x.By)); {
	case err == nil:
		stored := x
		stored.CreatedAt = at.Time
		return backend.Unchanged(im.stats, store.KindReaction, x.MessageID, stored, x)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	var kind int
	if err := tx.GetContext(ctx, &kind, `SELECT count(*) FROM convo_message_reactions
WHERE account_id = ? AND message_id = ? AND reaction = ?`, im.accountID, x.MessageID, x.Reaction); err != nil {
		return err
	}
	if kind == 0 && t.Kinds >= convo.MaxReactionKinds {
		return convo.Invalid("reaction", convo.CodeOutOfRange,
			fmt.Sprintf("a message takes at most %d different reactions", convo.MaxReactionKinds))
	}
	if _, err := tx.ExecContext(ctx, insertReaction, im.accountID, x.MessageID, x.Reaction, string(x.By.Type),
		actorUser(x.By), timeValue(x.CreatedAt)); err != nil {
		return err
	}
	im.threads[x.MessageID] = true
	im.stats.Reactions++
	return nil
}

// Version implements backend.Importer: it writes a message version,
// unless it is stored as given. Versions follow one another from 1.
func (im *importer) Version(v convo.MessageVersion) error {
	ctx, tx := im.ctx, im.tx
	if im.newIDs {
		v.MessageID = backend.Ref(im.stats.MessageIDs, v.MessageID)
	}
	v.EditedAt = backend.StoredTime(v.EditedAt)
	t, err := im.target(v.MessageID)
	if err != nil {
		return err
	}
	var r versionRow
	switch err := tx.GetContext(ctx, &r, selectStoredVersion, im.accountID, v.MessageID, v.Version); {
	case err == nil:
		stored, err := r.toVersion(v.MessageID)
		if err != nil {
			return err
		}
		return backend.Unchanged(im.stats, store.KindVersion, v.MessageID, stored, v)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if v.Version != t.Versions+1 {
		return convo.Invalid("version", convo.CodeOutOfRange, fmt.Sprintf("must be %d: versions follow one another from 1", t.Versions+1))
	}
	if err := insertVersion(ctx, tx, im.accountID, v); err != nil {
		return err
	}
	im.threads[v.MessageID] = true
	im.stats.Versions++
	return nil
}

// recountThreads recounts what the messages the import gave replies,
// reactions or versions keep of them.
func (im *importer) recountThreads() error {
	for id := range im.threads {
		var rows []struct {
			Reaction string `db:"reaction"`
			N        int    `db:"n"`
		}
		if err := im.tx.SelectContext(im.ctx, &rows, reactionCounts, im.accountID, id); err != nil {
			return err
		}
		var counts any // NULL when none
		if len(rows) > 0 {
			m := make(map[string]int, len(rows))
			for _, r := range rows {
				m[r.Reaction] = r.N
			}
			b, err := json.Marshal(m)
			if err != nil {
				return err
			}
			counts = string(b)
		}
		if _, err := im.tx.ExecContext(im.ctx, recountThread, im.accountID, id, counts); err != nil {
			return err
		}
	}
	return nil
}
