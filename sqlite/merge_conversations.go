package sqlite

import (
	"context"
	"errors"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
	"github.com/google/uuid"
)

const (
	selectMessageIDsBySeq = `SELECT id FROM convo_messages WHERE account_id = ? AND conversation_id = ? ORDER BY seq`

	// moveMessages moves the messages of ?4 into ?3, numbered on from ?1.
	// ?2 account. Their new numbers are all above ?3's, so none clashes.
	moveMessages = `UPDATE convo_messages SET conversation_id = ?3, seq = seq + ?1 WHERE account_id = ?2 AND conversation_id = ?4`

	selectHorizons = `SELECT user_id, seen_seq FROM convo_read_horizons WHERE account_id = ? AND conversation_id = ?`

	// mergeInto sets what a merge changes of the kept conversation ?2 but
	// its members and counts. ?1 account.
	mergeInto = `UPDATE convo_conversations SET last_seq = ?3, waiting_since = ?4, first_reply_created_at = ?5, updated_at = ?6
WHERE account_id = ?1 AND id = ?2`

	// moveRedirects points the redirects to ?3 at ?2, where ?3 now goes.
	moveRedirects = `UPDATE convo_conversation_merges SET into_id = ?2 WHERE account_id = ?1 AND into_id = ?3`

	// insertRedirect replaces a redirect of the same id: an import may
	// have reused an id merged away before.
	insertRedirect = `INSERT INTO convo_conversation_merges (account_id, merged_id, into_id, merged_at) VALUES (?, ?, ?, ?)
ON CONFLICT DO UPDATE SET into_id = excluded.into_id, merged_at = excluded.merged_at`

	selectRedirect = `SELECT into_id FROM convo_conversation_merges WHERE account_id = ? AND merged_id = ?`
)

// MergeConversations implements store.Store.
func (s *Store) MergeConversations(ctx context.Context, accountID, keepID, mergeID int64) (convo.Conversation, error) {
	if err := backend.CheckMergeConversations(accountID, keepID, mergeID); err != nil {
		return convo.Conversation{}, err
	}
	var c convo.Conversation
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
		keep, err := getConversation(ctx, tx, accountID, keepID, now)
		if err != nil {
			return err
		}
		merge, err := getConversation(ctx, tx, accountID, mergeID, now)
		if err != nil {
			return err
		}
		if err := backend.CheckMergedContacts(keep, merge); err != nil {
			return err
		}
		labels, err := backend.MergedLabels(keep, merge)
		if err != nil {
			return err
		}
		keepSeen, err := horizons(ctx, tx, accountID, keepID)
		if err != nil {
			return err
		}
		mergeSeen, err := horizons(ctx, tx, accountID, mergeID)
		if err != nil {
			return err
		}
		var moved []int64
		if err := tx.SelectContext(ctx, &moved, selectMessageIDsBySeq, accountID, mergeID); err != nil {
			return err
		}

		offset := keep.LastSeq
		if _, err := tx.ExecContext(ctx, moveMessages, offset, accountID, keepID, mergeID); err != nil {
			return err
		}
		for _, id := range moved {
			tx.changes.Add(store.Change{Kind: store.MessageUpdated, AccountID: accountID, ConversationID: keepID,
				MessageID: id, Fields: []string{"conversation_id", "seq"}})
		}
		if _, err := tx.ExecContext(ctx, mergeInto, accountID, keepID, offset+merge.LastSeq,
			timeValue(backend.EarlierTime(keep.WaitingSince, merge.WaitingSince)),
			timeValue(backend.EarlierTime(keep.FirstReplyCreatedAt, merge.FirstReplyCreatedAt)), timeValue(now)); err != nil {
			return err
		}
		for _, l := range labels {
			if _, err := tx.ExecContext(ctx, insertLabel, accountID, keepID, l); err != nil {
				return err
			}
		}
		if _, err := changeMembers(ctx, tx, accountID, keepID, insertParticipant, insertAudience,
			backend.Missing(keep.UserIDs, merge.UserIDs), backend.Missing(keep.AudienceIDs, merge.AudienceIDs)); err != nil {
			return err
		}
		users, seqs := backend.MergedHorizons(keepSeen, mergeSeen, offset)
		for i, user := range users {
			if _, err := tx.ExecContext(ctx, importHorizon, accountID, keepID, user.String(), seqs[i]); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, refreshConversation, accountID, keepID, timeValue(now)); err != nil {
			return err
		}
		for _, q := range recountUnseen {
			if _, err := tx.ExecContext(ctx, q, accountID, keepID); err != nil {
				return err
			}
		}
		merged, err := getConversation(ctx, tx, accountID, keepID, now)
		if err != nil {
			return err
		}
		tx.changes.ConversationChanged(keep, merged)
		if err := addActivity(ctx, tx, accountID, keepID, convo.ActivityMerge(mergeID), now); err != nil {
			return err
		}
		for _, q := range []string{moveRedirects, insertRedirect} {
			args := []any{accountID, keepID, mergeID}
			if q == insertRedirect {
				args = []any{accountID, mergeID, keepID, timeValue(now)}
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, deleteConversation, accountID, mergeID); err != nil {
			return err
		}
		tx.changes.Add(store.Change{Kind: store.ConversationDeleted, AccountID: accountID, ContactID: merge.ContactID,
			ConversationID: mergeID})
		c, err = getConversation(ctx, tx, accountID, keepID, now)
		return err
	})
	return c, err
}

// horizons reads the read horizons of a conversation, by user.
func horizons(ctx context.Context, tx *dbtx, accountID, conversationID int64) (map[uuid.UUID]int64, error) {
	var rows []struct {
		UserID  string `db:"user_id"`
		SeenSeq int64  `db:"seen_seq"`
	}
	if err := tx.SelectContext(ctx, &rows, selectHorizons, accountID, conversationID); err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]int64, len(rows))
	for _, r := range rows {
		user, err := uuid.Parse(r.UserID)
		if err != nil {
			return nil, err
		}
		out[user] = r.SeenSeq
	}
	return out, nil
}

// merged turns a conversation's ErrNotFound into a *convo.MergedError
// when it was merged into another.
func merged(ctx context.Context, tx *dbtx, accountID, conversationID int64, err error) error {
	if !errors.Is(err, convo.ErrNotFound) {
		return err
	}
	var into int64
	switch lookErr := tx.GetContext(ctx, &into, selectRedirect, accountID, conversationID); {
	case lookErr == nil:
		return &convo.MergedError{ConversationID: conversationID, IntoID: into}
	case errors.Is(translate(lookErr), convo.ErrNotFound):
		return err
	default:
		return lookErr
	}
}
