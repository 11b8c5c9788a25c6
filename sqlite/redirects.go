package sqlite

import (
	"database/sql"
	"errors"

	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Redirects of merged conversations (convo_conversation_merges) in
// exports and imports.

const (
	// exportRedirects lists the account's redirects by merged id. A
	// redirect whose id an import has since given to a conversation again
	// is left out: reads find the conversation, not the redirect.
	exportRedirects = `SELECT r.merged_id, r.into_id, r.merged_at FROM convo_conversation_merges r
WHERE r.account_id = ? AND NOT EXISTS (SELECT 1 FROM convo_conversations c WHERE c.account_id = r.account_id AND c.id = r.merged_id)
ORDER BY r.merged_id`

	selectRedirectRow = `SELECT merged_id, into_id, merged_at FROM convo_conversation_merges WHERE account_id = ? AND merged_id = ?`

	// bumpConversationIDs moves the conversations' AUTOINCREMENT counter
	// up to ?1, a merged id imported as given, so that no conversation
	// takes it again (as after the merge); it never moves it back.
	bumpConversationIDs = `UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'convo_conversations' AND seq < ?1`
)

// redirectRow is a row of exportRedirects.
type redirectRow struct {
	MergedID int64  `db:"merged_id"`
	IntoID   int64  `db:"into_id"`
	MergedAt dbTime `db:"merged_at"`
}

func (r *redirectRow) dest() []any { return []any{&r.MergedID, &r.IntoID, &r.MergedAt} }

func (r redirectRow) toRedirect() store.Redirect {
	return store.Redirect{ConversationID: r.MergedID, IntoID: r.IntoID, MergedAt: r.MergedAt.Time}
}

func (r redirectRow) toRecord() (store.Record, error) {
	x := r.toRedirect()
	return store.Record{Redirect: &x}, nil
}

// Redirect implements backend.Importer: it writes the redirect of a
// merged id into a conversation of the account, unless it is stored as
// given. Without NewIDs, the merged id is not handed out again.
func (im *importer) Redirect(x store.Redirect) error {
	ctx, tx := im.ctx, im.tx
	return backend.ImportRedirect(x, backend.RedirectImport{Stats: im.stats, NewIDs: im.newIDs,
		Exists: func(id int64) (bool, error) {
			var one int64
			err := tx.GetContext(ctx, &one, conversationExists, im.accountID, id)
			if errors.Is(err, sql.ErrNoRows) {
				return false, nil
			}
			return err == nil, err
		},
		Stored: func(id int64) (store.Redirect, bool, error) {
			var stored redirectRow
			err := tx.GetContext(ctx, &stored, selectRedirectRow, im.accountID, id)
			if errors.Is(err, sql.ErrNoRows) {
				return store.Redirect{}, false, nil
			}
			return stored.toRedirect(), err == nil, err
		},
		Insert: func(x store.Redirect) error {
			if _, err := tx.ExecContext(ctx, insertRedirect, im.accountID, x.ConversationID, x.IntoID, timeValue(x.MergedAt)); err != nil {
				return err
			}
			if im.newIDs {
				return nil
			}
			_, err := tx.ExecContext(ctx, bumpConversationIDs, x.ConversationID)
			return err
		},
	})
}
