package sqlite

import (
	"database/sql"
	"errors"

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

// recountUnseen recounts what appends and the unseen-count triggers keep for
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
// conversation (backend.ImportReadState).
func (im *importer) ReadState(r convo.ReadState) error {
	ctx, tx := im.ctx, im.tx
	return backend.ImportReadState(r, backend.ReadStateImport{Stats: im.stats, NewIDs: im.newIDs,
		Written: func(id int64) bool { return im.touched[id] },
		Ceiling: func(id int64) (ceiling int64, err error) {
			return ceiling, translate(tx.GetContext(ctx, &ceiling, selectSeqCeiling, im.accountID, id))
		},
		Stored: func(id int64, user uuid.UUID) (int64, bool, error) {
			var seq int64
			err := tx.GetContext(ctx, &seq, selectHorizon, im.accountID, id, user.String())
			if errors.Is(err, sql.ErrNoRows) {
				return 0, false, nil
			}
			return seq, err == nil, err
		},
		Set: func(r convo.ReadState) error {
			im.readStates[r.ConversationID] = true
			_, err := tx.ExecContext(ctx, importHorizon, im.accountID, r.ConversationID, r.UserID.String(), r.SeenSeq)
			return err
		},
	})
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
