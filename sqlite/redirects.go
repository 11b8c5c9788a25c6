package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

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
	if im.newIDs {
		x.IntoID = backend.Ref(im.stats.ConversationIDs, x.IntoID)
	}
	var id int64
	switch err := tx.GetContext(ctx, &id, conversationExists, im.accountID, x.ConversationID); {
	case err == nil:
		return fmt.Errorf("%w: conversation %d is not merged: it is a conversation of the account", convo.ErrConflict, x.ConversationID)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if err := tx.GetContext(ctx, &id, conversationExists, im.accountID, x.IntoID); err != nil {
		return fmt.Errorf("conversation %d: %w", x.IntoID, translate(err))
	}
	var stored redirectRow
	switch err := tx.GetContext(ctx, &stored, selectRedirectRow, im.accountID, x.ConversationID); {
	case err == nil:
		return backend.UnchangedRedirect(im.stats, stored.toRedirect(), x)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if _, err := tx.ExecContext(ctx, insertRedirect, im.accountID, x.ConversationID, x.IntoID, timeValue(x.MergedAt)); err != nil {
		return err
	}
	if !im.newIDs {
		if _, err := tx.ExecContext(ctx, bumpConversationIDs, x.ConversationID); err != nil {
			return err
		}
	}
	im.stats.Redirects++
	return nil
}
