package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Read state in exports and imports: one record per read horizon.

const (
	// exportReadStates lists the account's horizons by conversation, then user.
	exportReadStates = `SELECT conversation_id, user_id, seen_seq, unseen_count FROM convo_read_horizons
WHERE account_id = ? ORDER BY conversation_id, user_id`

	// selectSeqCeiling is the highest seq a horizon may have in a
	// conversation: its last_seq or its newest message, whichever is
	// higher (an import recounts last_seq at its end). ?1 account, ?2
	// conversation.
	selectSeqCeiling = `SELECT max(c.last_seq, coalesce((SELECT max(m.seq) FROM convo_messages m
	WHERE m.account_id = ?1 AND m.conversation_id = ?2), 0)) FROM convo_conversations c WHERE c.account_id = ?1 AND c.id = ?2`

	selectHorizon = `SELECT seen_seq FROM convo_read_horizons WHERE account_id = ? AND conversation_id = ? AND user_id = ?`

	// importHorizon sets a horizon to exactly seq ?4, either way, creating
	// it; recountUnseen then counts what is unseen after it.
	importHorizon = `INSERT INTO convo_read_horizons (account_id, conversation_id, user_id, seen_seq, unseen_count)
VALUES (?1, ?2, ?3, ?4, 0) ON CONFLICT DO UPDATE SET seen_seq = excluded.seen_seq`
)

// recountUnseen recounts what the unseen-count triggers maintain for
// one conversation, from its own messages: its non-activity count, on the
// conversation and on its audience rows, then every horizon's unseen
// count. ?1 account, ?2 conversation.
var recountUnseen = []string{
	`UPDATE convo_conversations SET non_activity_count = (SELECT count(*) FROM convo_messages m
	WHERE m.account_id = ?1 AND m.conversation_id = ?2 AND ` + isCounted + `)
WHERE account_id = ?1 AND id = ?2`,
	`UPDATE convo_conversation_audiences SET non_activity_count = (SELECT c.non_activity_count FROM convo_conversations c
	WHERE c.account_id = ?1 AND c.id = ?2)
WHERE account_id = ?1 AND conversation_id = ?2`,
	`UPDATE convo_read_horizons SET unseen_count = ` + unseenAfterHorizon + `
WHERE account_id = ?1 AND conversation_id = ?2`,
}

// readStateRow is a row of exportReadStates.
type readStateRow struct {
	ConversationID int64
	UserID         string
	SeenSeq        int64
	UnseenCount    int
}

func (r *readStateRow) dest() []any {
	return []any{&r.ConversationID, &r.UserID, &r.SeenSeq, &r.UnseenCount}
}

func (r readStateRow) toRecord() (store.Record, error) {
	user, err := uuid.Parse(r.UserID)
	return store.Record{ReadState: &convo.ReadState{ConversationID: r.ConversationID, UserID: user,
		SeenSeq: r.SeenSeq, UnseenCount: r.UnseenCount}}, err
}

// ReadState implements backend.Importer: it sets a user's horizon in a
// conversation. In a conversation this import wrote (created, or gave
// messages, which move their authors' horizons), the record sets the
// horizon. In another, it is a record like any: a horizon stored as given
// is left alone, one stored with another seq is ErrConflict, a missing one
// is written.
func (im *importer) ReadState(r convo.ReadState) error {
	ctx, tx := im.ctx, im.tx
	if im.newIDs {
		r.ConversationID = backend.Ref(im.stats.ConversationIDs, r.ConversationID)
	}
	var ceiling int64
	if err := tx.GetContext(ctx, &ceiling, selectSeqCeiling, im.accountID, r.ConversationID); err != nil {
		return fmt.Errorf("conversation %d: %w", r.ConversationID, translate(err))
	}
	if r.SeenSeq > ceiling {
		return convo.Invalid("seen_seq", convo.CodeOutOfRange, "is after the conversation's last message")
	}
	user := r.UserID.String()
	if !im.touched[r.ConversationID] {
		var stored int64
		switch err := tx.GetContext(ctx, &stored, selectHorizon, im.accountID, r.ConversationID, user); {
		case err == nil && stored == r.SeenSeq:
			im.stats.Unchanged++
			return nil
		case err == nil:
			return fmt.Errorf("%w: the read state of user %s in conversation %d is stored with other values",
				convo.ErrConflict, user, r.ConversationID)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, importHorizon, im.accountID, r.ConversationID, user, r.SeenSeq); err != nil {
		return err
	}
	im.readStates[r.ConversationID] = true
	im.stats.ReadStates++
	return nil
}

// recountUnseen recounts the unseen counts of every conversation the
// import wrote to or set a read state in.
func (im *importer) recountUnseen() error {
	recount := func(id int64) error {
		for _, q := range recountUnseen {
			if _, err := im.tx.ExecContext(im.ctx, q, im.accountID, id); err != nil {
				return err
			}
		}
		return nil
	}
	for id := range im.touched {
		if err := recount(id); err != nil {
			return err
		}
	}
	for id := range im.readStates {
		if im.touched[id] {
			continue // recounted above
		}
		if err := recount(id); err != nil {
			return err
		}
	}
	return nil
}
