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
	err := s.write(ctx, func(tx *dbtx, now time.Time) (err error) {
		c, err = backend.MergeConversations(merger{ctx: ctx, tx: tx, accountID: accountID, now: now}, keepID, mergeID)
		return err
	})
	return c, err
}

// merger is a merge's write transaction (backend.Merge).
type merger struct {
	ctx       context.Context
	tx        *dbtx
	accountID int64
	now       time.Time
}

func (m merger) Get(id int64) (convo.Conversation, error) {
	return getConversation(m.ctx, m.tx, m.accountID, id, m.now)
}

func (m merger) Horizons(keepID, mergeID int64) (keep, merge map[uuid.UUID]int64, err error) {
	if keep, err = horizons(m.ctx, m.tx, m.accountID, keepID); err != nil {
		return nil, nil, err
	}
	merge, err = horizons(m.ctx, m.tx, m.accountID, mergeID)
	return keep, merge, err
}

func (m merger) MoveMessages(keepID, mergeID, offset int64) ([]int64, error) {
	var moved []int64
	if err := m.tx.SelectContext(m.ctx, &moved, selectMessageIDsBySeq, m.accountID, mergeID); err != nil {
		return nil, err
	}
	if _, err := m.tx.ExecContext(m.ctx, moveMessages, offset, m.accountID, keepID, mergeID); err != nil {
		return nil, err
	}
	// The moved messages left the index (its conversation column changed):
	// in again.
	return moved, indexPending(m.ctx, m.tx)
}

func (m merger) Combine(x backend.Merged) error {
	ctx, tx, keepID := m.ctx, m.tx, x.Keep.ID
	if _, err := tx.ExecContext(ctx, mergeInto, m.accountID, keepID, x.LastSeq, timeValue(x.WaitingSince),
		timeValue(x.FirstReplyAt), timeValue(m.now)); err != nil {
		return err
	}
	for _, l := range x.Labels {
		if _, err := tx.ExecContext(ctx, insertLabel, m.accountID, keepID, l); err != nil {
			return err
		}
	}
	if _, err := changeMembers(ctx, tx, m.accountID, keepID, insertParticipant, insertAudience, x.UserIDs, x.AudienceIDs); err != nil {
		return err
	}
	for i, user := range x.HorizonUsers {
		if _, err := tx.ExecContext(ctx, importHorizon, m.accountID, keepID, user.String(), x.HorizonSeqs[i]); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, refreshConversation, m.accountID, keepID, timeValue(m.now)); err != nil {
		return err
	}
	for _, q := range recountUnseen {
		if _, err := tx.ExecContext(ctx, q, m.accountID, keepID); err != nil {
			return err
		}
	}
	return nil
}

func (m merger) Retire(keepID, mergeID int64) error {
	if _, err := m.tx.ExecContext(m.ctx, moveRedirects, m.accountID, keepID, mergeID); err != nil {
		return err
	}
	if _, err := m.tx.ExecContext(m.ctx, insertRedirect, m.accountID, mergeID, keepID, timeValue(m.now)); err != nil {
		return err
	}
	_, err := m.tx.ExecContext(m.ctx, deleteConversation, m.accountID, mergeID)
	return err
}

func (m merger) AddActivity(conversationID int64, content string) error {
	return addActivity(m.ctx, m.tx, m.accountID, conversationID, content, m.now)
}

func (m merger) Log(c store.Change) {
	c.AccountID = m.accountID
	m.tx.changes.Add(c)
}

func (m merger) Changed(old, next convo.Conversation) { m.tx.changes.ConversationChanged(old, next) }

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
