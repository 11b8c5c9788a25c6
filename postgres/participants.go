package postgres

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Participants, audiences and read horizons. The unseen count of a user in
// a conversation is their horizon row's maintained unseen_count, or,
// without a row (an audience member who never read nor wrote there), the
// conversation's non_activity_count, also kept on its audience rows: see
// the migration for the triggers that keep both.

const (
	deleteParticipant = `DELETE FROM convo_conversation_participants WHERE account_id = $1 AND conversation_id = $2 AND user_id = $3`
	deleteAudience    = `DELETE FROM convo_conversation_audiences WHERE account_id = $1 AND conversation_id = $2 AND audience_id = $3`

	// touchMembers marks a conversation changed by a change of its members.
	touchMembers = `UPDATE convo_conversations SET updated_at = $1 WHERE account_id = $2 AND id = $3`

	// viewerConversations is the set of conversation ids a viewer sees, a
	// where fragment: arguments account, user, account, audience ids. Both
	// halves walk an index from the user or audience, so the cost follows
	// the viewer's conversations, never the account's.
	viewerConversations = `SELECT p.conversation_id FROM convo_conversation_participants p WHERE p.account_id = ? AND p.user_id = ?
	UNION ALL SELECT a.conversation_id FROM convo_conversation_audiences a
	WHERE a.account_id = ? AND a.audience_id = ANY(?::bigint[])`

	// unseenOf is a conversation c's unseen count for a user (argument), a
	// where fragment.
	unseenOf = `coalesce((SELECT h.unseen_count FROM convo_read_horizons h
	WHERE h.account_id = c.account_id AND h.conversation_id = c.id AND h.user_id = ?), c.non_activity_count)`

	// countUnseen sums a viewer's unseen counts from the viewer's own rows,
	// never touching conversations: the horizons of the conversations the
	// user takes part in directly, plus, for each conversation of one of
	// the viewer's audiences (once, however many of them are on it) where
	// the user is not a participant, the user's horizon or, without one,
	// the audience row's count. $1 account, $2 user, $3 audience ids.
	countUnseen = `SELECT ((SELECT coalesce(sum(h.unseen_count), 0) FROM convo_read_horizons h
	WHERE h.account_id = $1 AND h.user_id = $2 AND h.direct)
+ (SELECT coalesce(sum(n), 0) FROM (SELECT DISTINCT a.conversation_id, coalesce(h.unseen_count, a.non_activity_count) AS n
	FROM convo_conversation_audiences a
	LEFT JOIN convo_read_horizons h ON h.account_id = $1 AND h.user_id = $2 AND h.conversation_id = a.conversation_id
	WHERE a.account_id = $1 AND a.audience_id = ANY($3::bigint[]) AND h.direct IS NOT TRUE) AS audience))::bigint`

	// selectUnseen gives the unseen counts of conversations for a user.
	// $1 user, $2 account, $3 conversation ids.
	selectUnseen = `SELECT c.id, coalesce(h.unseen_count, c.non_activity_count) FROM convo_conversations c
LEFT JOIN convo_read_horizons h ON h.account_id = c.account_id AND h.conversation_id = c.id AND h.user_id = $1
WHERE c.account_id = $2 AND c.id = ANY($3::bigint[])`

	// viewerSees tells whether a viewer takes part in a conversation.
	// $1 account, $2 conversation, $3 user, $4 audience ids.
	viewerSees = `SELECT EXISTS (SELECT 1 FROM convo_conversation_participants
	WHERE account_id = $1 AND conversation_id = $2 AND user_id = $3)
OR EXISTS (SELECT 1 FROM convo_conversation_audiences
	WHERE account_id = $1 AND conversation_id = $2 AND audience_id = ANY($4::bigint[]))`

	selectSeenSeq = `SELECT coalesce((SELECT seen_seq FROM convo_read_horizons
	WHERE account_id = $1 AND conversation_id = $2 AND user_id = $3), 0)`

	// lockAgainstAppends holds off appends to a conversation (which lock
	// its row FOR UPDATE) while a horizon moves, so that the recount after
	// the move sees every message the horizon's row will not be told of.
	lockAgainstAppends = `SELECT 1 FROM convo_conversations WHERE account_id = $1 AND id = $2 FOR SHARE`

	// lockSeenSeq reads a horizon and locks it, so that the move after it
	// knows whether it moved the horizon. $1 account, $2 conversation, $3
	// user.
	lockSeenSeq = `SELECT seen_seq FROM convo_read_horizons
WHERE account_id = $1 AND conversation_id = $2 AND user_id = $3 FOR UPDATE`

	selectMessageSeq = `SELECT seq FROM convo_messages WHERE account_id = $1 AND id = $2 AND conversation_id = $3`

	// seeUpTo moves a horizon forward to seq $4, creating it.
	seeUpTo = `INSERT INTO convo_read_horizons AS h (account_id, conversation_id, user_id, seen_seq, unseen_count)
VALUES ($1, $2, $3, $4, 0)
ON CONFLICT (account_id, conversation_id, user_id) DO UPDATE SET seen_seq = greatest(h.seen_seq, excluded.seen_seq)
RETURNING seen_seq`
	// unseeFrom moves an existing horizon back to seq $4. Without a row
	// every message is unseen already.
	unseeFrom = `UPDATE convo_read_horizons SET seen_seq = least(seen_seq, $4)
WHERE account_id = $1 AND conversation_id = $2 AND user_id = $3 RETURNING seen_seq`
	// unseenAfterHorizon counts a convo_read_horizons row's unseen
	// messages: the messages after it, in one conversation, by its seq
	// key, not activity, by someone else. $1 account, $2 conversation.
	unseenAfterHorizon = `(SELECT count(*) FROM convo_messages m
	WHERE m.account_id = $1 AND m.conversation_id = $2 AND m.seq > convo_read_horizons.seen_seq
	AND ` + isReadable + ` AND m.author_id IS DISTINCT FROM convo_read_horizons.user_id)`
	// recountHorizon recounts one horizon's unseen messages after a move.
	recountHorizon = `UPDATE convo_read_horizons SET unseen_count = ` + unseenAfterHorizon + `
WHERE account_id = $1 AND conversation_id = $2 AND user_id = $3`
)

// AddParticipants implements store.Store.
func (s *Store) AddParticipants(ctx context.Context, accountID, conversationID int64, ch convo.ParticipantChange) (convo.Conversation, error) {
	return s.changeParticipants(ctx, accountID, conversationID, ch, insertParticipant, insertAudience)
}

// RemoveParticipants implements store.Store.
func (s *Store) RemoveParticipants(ctx context.Context, accountID, conversationID int64, ch convo.ParticipantChange) (convo.Conversation, error) {
	return s.changeParticipants(ctx, accountID, conversationID, ch, deleteParticipant, deleteAudience)
}

// changeParticipants adds or removes (by the queries given) the change's
// users and audiences; a change of any touches the conversation. The
// author is always a participant: removing them is ErrInvalid.
func (s *Store) changeParticipants(ctx context.Context, accountID, conversationID int64, ch convo.ParticipantChange,
	userQuery, audienceQuery string) (convo.Conversation, error) {
	if err := ch.Validate(); err != nil {
		return convo.Conversation{}, err
	}
	return s.change(ctx, accountID, conversationID, func(tx *wtx, old convo.Conversation, now time.Time) error {
		if userQuery == deleteParticipant && old.AuthorID != uuid.Nil && slices.Contains(ch.UserIDs, old.AuthorID) {
			return convo.Invalid("user_ids", convo.CodeMismatch, "the author is always a participant")
		}
		changed, err := changeMembers(ctx, tx, accountID, conversationID, userQuery, audienceQuery, ch.UserIDs, ch.AudienceIDs)
		if err != nil || !changed {
			return err
		}
		_, err = tx.Exec(ctx, touchMembers, now, accountID, conversationID)
		return err
	})
}

// attachUnseen fills in the unseen counts of conversations for a viewer
// (nothing without one), in one query.
func attachUnseen(ctx context.Context, tx pgx.Tx, accountID int64, list []convo.Conversation, v *convo.Viewer) error {
	if v == nil || len(list) == 0 {
		return nil
	}
	ids, index := backend.ConversationIDs(list)
	rows, err := tx.Query(ctx, selectUnseen, uuidValue(v.UserID), accountID, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, unseen int64
		if err := rows.Scan(&id, &unseen); err != nil {
			return err
		}
		list[index[id]].UnseenMessagesCount = int(unseen)
	}
	return rows.Err()
}

// andViewer narrows a conversation WHERE to the viewer's conversations and,
// when f.Unseen, to those with unseen messages.
func andViewer(w *where, accountID int64, f store.ConversationFilter) {
	if f.Viewer == nil {
		return
	}
	andInViewerConversations(w, "c.id", accountID, *f.Viewer)
	if f.Unseen {
		w.and(unseenOf+" > 0", uuidValue(f.Viewer.UserID))
	}
}

// andInViewerConversations narrows w to rows whose conversation id (column,
// a constant of this package) is one the viewer takes part in.
func andInViewerConversations(w *where, column string, accountID int64, v convo.Viewer) {
	w.and(column+" IN ("+viewerConversations+")", accountID, uuidValue(v.UserID), accountID, audienceIDs(v))
}

// audienceIDs are a viewer's audiences as an argument: never NULL, so that
// ANY over them is false rather than unknown.
func audienceIDs(v convo.Viewer) []int64 {
	if v.AudienceIDs == nil {
		return []int64{}
	}
	return v.AudienceIDs
}

// checkViewer returns ErrNotFound unless the viewer (if any) takes part in
// the conversation.
func checkViewer(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, v *convo.Viewer) error {
	if v == nil {
		return nil
	}
	var sees bool
	if err := tx.QueryRow(ctx, viewerSees, accountID, conversationID, uuidValue(v.UserID), audienceIDs(*v)).Scan(&sees); err != nil {
		return err
	}
	if !sees {
		return convo.ErrNotFound
	}
	return nil
}

// markSeen sets each message's Seen for a viewer (nothing without one):
// whether it stays out of the viewer's unseen count.
func markSeen(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, v *convo.Viewer, list []convo.Message) error {
	if v == nil || len(list) == 0 {
		return nil
	}
	var horizon int64
	if err := tx.QueryRow(ctx, selectSeenSeq, accountID, conversationID, uuidValue(v.UserID)).Scan(&horizon); err != nil {
		return err
	}
	backend.MarkSeen(list, v.UserID, horizon)
	return nil
}

// viewConversation reads a conversation as a viewer sees it (as it is
// without one), with its newest messages (none when messages is 0):
// ErrNotFound unless the viewer takes part in it. It only reads: the
// viewer's horizon moves by MarkSeen alone.
func viewConversation(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, v *convo.Viewer, messages int, now time.Time) (convo.Conversation, error) {
	if err := checkViewer(ctx, tx, accountID, conversationID, v); err != nil {
		return convo.Conversation{}, err
	}
	c, err := getConversationWithMessages(ctx, tx, accountID, conversationID, messages, now)
	if err != nil {
		return c, err
	}
	if err := markSeen(ctx, tx, accountID, conversationID, v, c.Messages); err != nil {
		return c, err
	}
	if err := attachOwnReactions(ctx, tx, accountID, v, c.Messages); err != nil {
		return c, err
	}
	list := []convo.Conversation{c}
	err = attachUnseen(ctx, tx, accountID, list, v)
	return list[0], err
}

// MarkSeen implements store.Store.
func (s *Store) MarkSeen(ctx context.Context, accountID, conversationID int64, viewer convo.Viewer, messageID int64) (convo.Conversation, error) {
	return s.moveHorizon(ctx, accountID, conversationID, viewer, messageID, seeUpTo, 0)
}

// MarkUnseen implements store.Store.
func (s *Store) MarkUnseen(ctx context.Context, accountID, conversationID int64, viewer convo.Viewer, messageID int64) (convo.Conversation, error) {
	return s.moveHorizon(ctx, accountID, conversationID, viewer, messageID, unseeFrom, -1)
}

// moveHorizon moves the viewer's horizon by move (seeUpTo or unseeFrom) to
// the message's seq plus offset, then recounts what is unseen after it. A
// horizon that moved is a change of the read state.
func (s *Store) moveHorizon(ctx context.Context, accountID, conversationID int64, v convo.Viewer, messageID int64, move string, offset int64) (convo.Conversation, error) {
	if err := backend.Check(accountID, v); err != nil {
		return convo.Conversation{}, err
	}
	var c convo.Conversation
	err := s.write(ctx, accountID, func(tx *wtx, now time.Time) error {
		if _, err := tx.Exec(ctx, lockAgainstAppends, accountID, conversationID); err != nil {
			return err
		}
		// A missing conversation has no participant: ErrNotFound too.
		if err := checkViewer(ctx, tx, accountID, conversationID, &v); err != nil {
			return err
		}
		var seq int64
		if err := queryOne(ctx, tx, selectMessageSeq, []any{accountID, messageID, conversationID}, &seq); err != nil {
			return err
		}
		user := uuidValue(v.UserID)
		var before, after int64
		if err := queryOne(ctx, tx, lockSeenSeq, []any{accountID, conversationID, user}, &before); err != nil &&
			!errors.Is(err, convo.ErrNotFound) { // none: nothing seen
			return err
		}
		switch err := tx.QueryRow(ctx, move, accountID, conversationID, user, seq+offset).Scan(&after); {
		case errors.Is(err, pgx.ErrNoRows): // no horizon to move back
			after = before
		case err != nil:
			return err
		}
		if after != before {
			tx.log(store.Change{Kind: store.ReadStateUpdated, ConversationID: conversationID, UserID: v.UserID, SeenSeq: after})
		}
		if _, err := tx.Exec(ctx, recountHorizon, accountID, conversationID, user); err != nil {
			return err
		}
		var err error
		c, err = viewConversation(ctx, tx, accountID, conversationID, &v, 0, now)
		return err
	})
	return c, err
}

// CountUnseen implements store.Store.
func (s *Store) CountUnseen(ctx context.Context, accountID int64, viewer convo.Viewer) (int, error) {
	if err := backend.Check(accountID, viewer); err != nil {
		return 0, err
	}
	var n int64
	err := s.read(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, countUnseen, accountID, uuidValue(viewer.UserID), audienceIDs(viewer)).Scan(&n)
	})
	return int(n), err
}
