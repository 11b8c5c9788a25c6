package postgres

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Merging conversations (Store.MergeConversations): one conversation's
// messages move into another, which takes its members; a redirect row
// (convo_conversation_merges) then tells a read of the merged id where it
// went.

const (
	// selectMergeHorizons reads the read horizons of two conversations.
	// $1 account, $2 the conversations.
	selectMergeHorizons = `SELECT conversation_id, user_id, seen_seq FROM convo_read_horizons
WHERE account_id = $1 AND conversation_id = ANY($2::bigint[])`

	// moveMessages moves the messages of $2 into $3, numbered on from $4,
	// the last seq of $3: their new numbers are all above its own, so none
	// clashes. They keep their ids, and their words go with their rows. $1
	// account.
	moveMessages = `UPDATE convo_messages SET conversation_id = $3, seq = seq + $4
WHERE account_id = $1 AND conversation_id = $2 RETURNING id, seq`

	// mergeInto sets what a merge changes of the kept conversation $2 but
	// its members and unseen counts: its last seq $3, the earlier waiting
	// since $4 and first reply $5, and its derived columns, recounted
	// from the messages it has now (derived.go). $1 account, $6 now.
	mergeInto = `UPDATE convo_conversations AS c SET ` + recountDerived + `,
	last_seq = $3, waiting_since = $4, first_reply_created_at = $5, updated_at = $6
WHERE c.account_id = $1 AND c.id = $2`

	// mergeHorizons sets the kept conversation's horizons of users $3 (in
	// their order: sorted, so that the rows are locked in key order) to
	// seqs $4, creating them; recountUnseen then counts what is unseen.
	// $1 account, $2 conversation.
	mergeHorizons = `INSERT INTO convo_read_horizons AS h (account_id, conversation_id, user_id, seen_seq, unseen_count)
SELECT $1, $2, u.user_id, u.seen_seq, 0 FROM unnest($3::uuid[], $4::bigint[]) AS u(user_id, seen_seq)
ON CONFLICT (account_id, conversation_id, user_id) DO UPDATE SET seen_seq = excluded.seen_seq`

	// moveRedirects points the redirects to $3 at $2, where $3 now goes,
	// before $3 is deleted (which would drop them). $1 account.
	moveRedirects = `UPDATE convo_conversation_merges SET into_id = $2 WHERE account_id = $1 AND into_id = $3`

	// insertRedirect records that $2 went into $3. A row for $2 is one of
	// an earlier conversation of that id (an import may write a deleted
	// id again): the newer merge replaces it.
	insertRedirect = `INSERT INTO convo_conversation_merges AS r (account_id, merged_id, into_id, merged_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (account_id, merged_id) DO UPDATE SET into_id = excluded.into_id, merged_at = excluded.merged_at`

	selectRedirect = `SELECT into_id FROM convo_conversation_merges WHERE account_id = $1 AND merged_id = $2`
)

// MergeConversations implements store.Store.
func (s *Store) MergeConversations(ctx context.Context, accountID, keepID, mergeID int64) (convo.Conversation, error) {
	if err := backend.CheckMergeConversations(accountID, keepID, mergeID); err != nil {
		return convo.Conversation{}, err
	}
	var c convo.Conversation
	err := s.write(ctx, accountID, func(tx *wtx, _ time.Time) (err error) {
		// Both rows, in id order, as lockConversations: two merges of
		// the same pair, either way round, take turns.
		if _, err := tx.Exec(ctx, lockConversations, accountID, []int64{min(keepID, mergeID), max(keepID, mergeID)}); err != nil {
			return err
		}
		now := tx.clock() // once the rows are locked: see lockConversation
		c, err = backend.MergeConversations(merger{ctx: ctx, tx: tx, accountID: accountID, now: now}, keepID, mergeID)
		return err
	})
	return c, err
}

// merger is a merge's write transaction (backend.Merge).
type merger struct {
	ctx       context.Context
	tx        *wtx
	accountID int64
	now       time.Time
}

func (m merger) Get(id int64) (convo.Conversation, error) {
	return getConversation(m.ctx, m.tx, m.accountID, id, m.now)
}

func (m merger) Horizons(keepID, mergeID int64) (keep, merge map[uuid.UUID]int64, err error) {
	return mergeHorizonsOf(m.ctx, m.tx, m.accountID, keepID, mergeID)
}

func (m merger) MoveMessages(keepID, mergeID, offset int64) ([]int64, error) {
	rows, err := m.tx.Query(m.ctx, moveMessages, m.accountID, mergeID, keepID, offset)
	if err != nil {
		return nil, err
	}
	moved, err := pgx.CollectRows(rows, pgx.RowToStructByPos[movedMessage])
	slices.SortFunc(moved, func(a, b movedMessage) int { return cmp.Compare(a.Seq, b.Seq) })
	ids := make([]int64, len(moved))
	for i, mm := range moved {
		ids[i] = mm.ID
	}
	return ids, err
}

func (m merger) Combine(x backend.Merged) error {
	ctx, tx, keepID := m.ctx, m.tx, x.Keep.ID
	if _, err := tx.Exec(ctx, mergeInto, m.accountID, keepID, x.LastSeq, timeValue(x.WaitingSince),
		timeValue(x.FirstReplyAt), m.now); err != nil {
		return err
	}
	for _, l := range x.Labels {
		if _, err := tx.Exec(ctx, insertLabel, m.accountID, keepID, l); err != nil {
			return err
		}
	}
	if _, err := changeMembers(ctx, tx, m.accountID, keepID, insertParticipant, insertAudience, x.UserIDs, x.AudienceIDs); err != nil {
		return err
	}
	users := make([]pgtype.UUID, len(x.HorizonUsers))
	for i, u := range x.HorizonUsers {
		users[i] = pgtype.UUID{Bytes: u, Valid: true}
	}
	if _, err := tx.Exec(ctx, mergeHorizons, m.accountID, keepID, users, x.HorizonSeqs); err != nil {
		return err
	}
	for _, q := range recountUnseen {
		if _, err := tx.Exec(ctx, q, m.accountID, []int64{keepID}); err != nil {
			return err
		}
	}
	return nil
}

func (m merger) Retire(keepID, mergeID int64) error {
	if _, err := m.tx.Exec(m.ctx, moveRedirects, m.accountID, keepID, mergeID); err != nil {
		return err
	}
	if _, err := m.tx.Exec(m.ctx, insertRedirect, m.accountID, mergeID, keepID, m.now); err != nil {
		return err
	}
	_, err := m.tx.Exec(m.ctx, deleteConversation, m.accountID, mergeID)
	return err
}

func (m merger) AddActivity(conversationID int64, content string) error {
	return addActivity(m.ctx, m.tx, m.accountID, conversationID, content, m.now)
}

func (m merger) Log(c store.Change) { m.tx.log(c) }

func (m merger) Changed(old, next convo.Conversation) { m.tx.changes.ConversationChanged(old, next) }

// movedMessage is a row of moveMessages.
type movedMessage struct{ ID, Seq int64 }

// mergeHorizonsOf reads the horizons of the two conversations of a merge,
// by user.
func mergeHorizonsOf(ctx context.Context, tx pgx.Tx, accountID, keepID, mergeID int64) (keep, merge map[uuid.UUID]int64, err error) {
	rows, err := tx.Query(ctx, selectMergeHorizons, accountID, []int64{keepID, mergeID})
	if err != nil {
		return nil, nil, err
	}
	keep, merge = map[uuid.UUID]int64{}, map[uuid.UUID]int64{}
	var conversationID, seq int64
	var user pgtype.UUID
	_, err = pgx.ForEachRow(rows, []any{&conversationID, &user, &seq}, func() error {
		if conversationID == keepID {
			keep[user.Bytes] = seq
		} else {
			merge[user.Bytes] = seq
		}
		return nil
	})
	return keep, merge, err
}

// merged turns a conversation's ErrNotFound into a *convo.MergedError
// when it was merged into another.
func merged(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, err error) error {
	if !errors.Is(err, convo.ErrNotFound) {
		return err
	}
	var into int64
	switch lookErr := queryOne(ctx, tx, selectRedirect, []any{accountID, conversationID}, &into); {
	case lookErr == nil:
		return &convo.MergedError{ConversationID: conversationID, IntoID: into}
	case errors.Is(lookErr, convo.ErrNotFound):
		return err
	default:
		return lookErr
	}
}
