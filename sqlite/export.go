package sqlite

import (
	"context"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// An export streams each kind of record, by id, from one read transaction.
const (
	exportContacts      = `SELECT ` + contactColumns + ` FROM convo_contacts WHERE account_id = ? ORDER BY id`
	exportConversations = `SELECT ` + conversationColumns + conversationFrom + ` WHERE c.account_id = ? ORDER BY c.id`
	exportMessages      = `SELECT ` + messageColumns + messageFrom + ` WHERE m.account_id = ? ORDER BY m.id`
	exportReactions     = `SELECT message_id, id, reaction, actor_type, user_id, created_at FROM convo_message_reactions
WHERE account_id = ? ORDER BY message_id, reaction, id`
	exportVersions = `SELECT message_id, version, content, edited_at, actor_type, user_id FROM convo_message_versions
WHERE account_id = ? ORDER BY message_id, version`
)

// Export implements store.Store.
func (s *Store) Export(ctx context.Context, accountID int64, fn func(store.Record) error) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	now := s.clock()
	return s.read(ctx, func(tx *dbtx) error {
		return backend.Export(fn,
			exportRows(ctx, tx, exportContacts, accountID, func(r contactRow) (store.Record, error) { return backend.Record(r.toContact()) }),
			exportRows(ctx, tx, exportConversations, accountID, func(r conversationRow) (store.Record, error) { return backend.Record(r.toConversation(now)) }),
			exportRows(ctx, tx, exportMessages, accountID, func(r messageRow) (store.Record, error) { return backend.Record(r.toMessage()) }),
			exportRows(ctx, tx, exportReactions, accountID, func(r messageReactionRow) (store.Record, error) { return backend.Record(r.toReaction(r.MessageID)) }),
			exportRows(ctx, tx, exportVersions, accountID, func(r messageVersionRow) (store.Record, error) { return backend.Record(r.toVersion(r.MessageID)) }),
			exportRows(ctx, tx, exportReadStates, accountID, readStateRow.toRecord),
			exportRows(ctx, tx, selectViews, accountID, func(r viewRow) (store.Record, error) { return backend.Record(r.toView()) }),
			exportRows(ctx, tx, exportRedirects, accountID, redirectRow.toRecord))
	})
}

// exportRows is the step that streams the rows of query, converted to
// records.
func exportRows[R any, P scannedRow[R]](ctx context.Context, tx *dbtx, query string, accountID int64,
	convert func(R) (store.Record, error)) backend.ExportStep {
	return func(fn func(store.Record) error) error {
		return eachRow[R, P](ctx, tx, query, []any{accountID}, func(r R) error {
			rec, err := convert(r)
			if err != nil {
				return err
			}
			return fn(rec)
		})
	}
}

// messageReactionRow is a row of exportReactions.
type messageReactionRow struct {
	MessageID int64
	reactionRow
}

func (r *messageReactionRow) dest() []any {
	return []any{&r.MessageID, &r.ID, &r.Reaction, &r.ActorType, &r.UserID, &r.CreatedAt}
}

// messageVersionRow is a row of exportVersions.
type messageVersionRow struct {
	MessageID int64
	versionRow
}

func (r *messageVersionRow) dest() []any {
	return []any{&r.MessageID, &r.Version, &r.Content, &r.EditedAt, &r.ActorType, &r.UserID}
}
