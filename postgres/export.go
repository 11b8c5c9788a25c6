package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// An export streams each kind of record, by id, from one read snapshot.
const (
	exportContacts      = `SELECT ` + contactColumns + ` FROM convo_contacts ct WHERE ct.account_id = $1 ORDER BY ct.id`
	exportConversations = `SELECT ` + conversationColumns + conversationFrom + ` WHERE c.account_id = $1 ORDER BY c.id`
	exportMessages      = `SELECT ` + messageColumns + messageFrom + ` WHERE m.account_id = $1 ORDER BY m.id`
	// exportReactions lists the account's reactions by message, then as
	// ListReactions orders them.
	exportReactions = `SELECT ` + reactionColumns + ` FROM convo_message_reactions r WHERE r.account_id = $1
ORDER BY r.message_id, r.reaction, r.id`
	exportVersions = `SELECT ` + versionColumns + ` FROM convo_message_versions v WHERE v.account_id = $1
ORDER BY v.message_id, v.version`
	// exportReadStates lists the account's horizons by conversation, then
	// user (uuid order is byte order, as SQLite's text order of the same
	// lower-case uuids).
	exportReadStates = `SELECT conversation_id, user_id, seen_seq, unseen_count FROM convo_read_horizons
WHERE account_id = $1 ORDER BY conversation_id, user_id`
)

// Export implements store.Store.
func (s *Store) Export(ctx context.Context, accountID int64, fn func(store.Record) error) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	now := s.clock()
	return s.read(ctx, func(tx pgx.Tx) error {
		return backend.Export(fn,
			exportRows(ctx, tx, exportContacts, accountID, func(r contactRow) (store.Record, error) { return backend.Record(r.toContact()) }),
			exportRows(ctx, tx, exportConversations, accountID, func(r conversationRow) (store.Record, error) { return backend.Record(r.toConversation(now)) }),
			exportRows(ctx, tx, exportMessages, accountID, func(r messageRow) (store.Record, error) { return backend.Record(r.toMessage()) }),
			exportRows(ctx, tx, exportReactions, accountID, func(r reactionRow) (store.Record, error) { return backend.Record(r.toReaction(), nil) }),
			exportRows(ctx, tx, exportVersions, accountID, func(r versionRow) (store.Record, error) { return backend.Record(r.toVersion(), nil) }),
			exportRows(ctx, tx, exportReadStates, accountID, readStateRow.toRecord),
			exportRows(ctx, tx, selectViews, accountID, func(r viewRow) (store.Record, error) { return backend.Record(r.toView()) }),
			exportRows(ctx, tx, exportRedirects, accountID, redirectRow.toRecord))
	})
}

// exportRows is the step that streams the rows of query, converted to
// records.
func exportRows[R any, P scannedRow[R]](ctx context.Context, tx pgx.Tx, query string, accountID int64,
	convert func(R) (store.Record, error)) backend.ExportStep {
	return func(fn func(store.Record) error) error {
		return eachRow[R, P](ctx, tx, query, []any{accountID}, func(r R) error {
			rec, err := convert(r)
			if err != nil {
				return err
			}
			return fromHost(fn(rec)) // returned as it is
		})
	}
}

// readStateRow is a row of exportReadStates.
type readStateRow struct {
	ConversationID int64
	UserID         uuid.UUID
	SeenSeq        int64
	UnseenCount    int64
}

func (r *readStateRow) dest() []any {
	return []any{&r.ConversationID, &r.UserID, &r.SeenSeq, &r.UnseenCount}
}

func (r readStateRow) toRecord() (store.Record, error) {
	return store.Record{ReadState: &convo.ReadState{ConversationID: r.ConversationID, UserID: r.UserID,
		SeenSeq: r.SeenSeq, UnseenCount: int(r.UnseenCount)}}, nil
}
