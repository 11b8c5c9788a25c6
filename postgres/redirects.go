package postgres

import (
	"errors"

	"github.com/convokit/convo"
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
WHERE r.account_id = $1 AND NOT EXISTS (SELECT 1 FROM convo_conversations c WHERE c.account_id = r.account_id AND c.id = r.merged_id)
ORDER BY r.merged_id`

	selectRedirectRow = `SELECT merged_id, into_id, merged_at FROM convo_conversation_merges WHERE account_id = $1 AND merged_id = $2`
)

// redirectRow is a row of exportRedirects.
type redirectRow struct {
	MergedID, IntoID int64
	MergedAt         dbTime
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
			err := queryOne(ctx, tx, conversationExists, []any{im.accountID, id}, &one)
			if errors.Is(err, convo.ErrNotFound) {
				return false, nil
			}
			return err == nil, err
		},
		Stored: func(id int64) (store.Redirect, bool, error) {
			var stored redirectRow
			err := queryOne(ctx, tx, selectRedirectRow, []any{im.accountID, id}, stored.dest()...)
			if errors.Is(err, convo.ErrNotFound) {
				return store.Redirect{}, false, nil
			}
			return stored.toRedirect(), err == nil, err
		},
		Insert: func(x store.Redirect) error {
			if err := im.reserve("convo_conversations", x.ConversationID); err != nil { // never handed out again
				return err
			}
			_, err := tx.Exec(ctx, insertRedirect, im.accountID, x.ConversationID, x.IntoID, x.MergedAt)
			return err
		},
	})
}
