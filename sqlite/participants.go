package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Participants, audiences and read horizons. The unseen
// count of a user in a conversation is their horizon row's maintained
// unseen_count, or, without a row (an audience member who never read nor
// wrote there), the conversation's non_activity_count, also kept on its
// audience rows: see the migration for why that is exact.

const (
	insertParticipant = `INSERT INTO convo_conversation_participants (account_id, conversation_id, user_id) VALUES (?, ?, ?)
ON CONFLICT DO NOTHING`
	insertAudience = `INSERT INTO convo_conversation_audiences (account_id, conversation_id, audience_id) VALUES (?, ?, ?)
ON CONFLICT DO NOTHING`
	deleteParticipant = `DELETE FROM convo_conversation_participants WHERE account_id = ? AND conversation_id = ? AND user_id = ?`
	deleteAudience    = `DELETE FROM convo_conversation_audiences WHERE account_id = ? AND conversation_id = ? AND audience_id = ?`

	// viewerConversations is the set of conversation ids a viewer sees:
	// arguments account, user, account, JSON array of audience ids. Both
	// halves walk an index from the user or audience, so the cost follows
	// the viewer's conversations, never the account's.
	viewerConversations = `SELECT p.conversation_id FROM convo_conversation_participants p WHERE p.account_id = ? AND p.user_id = ?
	UNION ALL SELECT a.conversation_id FROM convo_conversation_audiences a
	WHERE a.account_id = ? AND a.audience_id IN (SELECT value FROM json_each(?))`

	// unseenOf is a conversation c's unseen count for a user (argument).
	unseenOf = `coalesce((SELECT h.unseen_count FROM convo_read_horizons h
	WHERE h.account_id = c.account_id AND h.conversation_id = c.id AND h.user_id = ?), c.non_activity_count)`

	// countUnseen sums a viewer's unseen counts from the viewer's own rows,
	// never touching conversations: the horizons of the conversations the
	// user takes part in directly, plus, for each conversation of one of
	// the viewer's audiences (once, however many of them are on it) where
	// the user is not a participant, the user's horizon or, without one,
	// the audience row's count. The audience rows and whether the user has
	// a horizon come from indexes alone (the user's entries lie together);
	// the table is read for the direct horizons' counts and for the rare
	// audience conversation the user read without taking part. The CROSS
	// JOIN keeps SQLite going from the audience ids to their rows; INDEXED
	// BY keeps it on those indexes, where without statistics it would
	// rather walk every row of the account by the primary key (which leads
	// with the account and the conversation, so that an append writes one
	// page). ?1 account, ?2 user, ?3 JSON array of audience ids.
	countUnseen = `SELECT (SELECT coalesce(sum(h.unseen_count), 0) FROM convo_read_horizons h INDEXED BY convo_read_horizons_user
	WHERE h.user_id = ?2 AND h.account_id = ?1 AND h.direct = 1)
+ (SELECT coalesce(sum(n), 0) FROM (SELECT DISTINCT a.conversation_id, coalesce(h.unseen_count, a.non_activity_count) AS n
	FROM json_each(?3) AS v CROSS JOIN convo_conversation_audiences a INDEXED BY convo_conversation_audiences_audience
	LEFT JOIN convo_read_horizons h INDEXED BY convo_read_horizons_user
		ON h.user_id = ?2 AND h.account_id = ?1 AND h.conversation_id = a.conversation_id
	WHERE a.audience_id = v.value AND a.account_id = ?1 AND h.direct IS NOT 1))`

	// selectUnseen gives the unseen counts of conversations for a user.
	// ?1 user, ?2 account, ?3 a JSON array of conversation ids.
	selectUnseen = `SELECT c.id, coalesce(h.unseen_count, c.non_activity_count) AS unseen FROM convo_conversations c
LEFT JOIN convo_read_horizons h ON h.account_id = c.account_id AND h.conversation_id = c.id AND h.user_id = ?1
WHERE +c.account_id = ?2 AND c.id IN (SELECT value FROM json_each(?3))`

	// viewerSees tells whether a viewer takes part in a conversation.
	// ?1 account, ?2 conversation, ?3 user, ?4 JSON array of audience ids.
	viewerSees = `SELECT EXISTS (SELECT 1 FROM convo_conversation_participants
	WHERE account_id = ?1 AND conversation_id = ?2 AND user_id = ?3)
OR EXISTS (SELECT 1 FROM convo_conversation_audiences
	WHERE account_id = ?1 AND conversation_id = ?2 AND audience_id IN (SELECT value FROM json_each(?4)))`

	selectSeenSeq = `SELECT coalesce((SELECT seen_seq FROM convo_read_horizons
	WHERE account_id = ? AND conversation_id = ? AND user_id = ?), 0)`

	selectMessageSeq = `SELECT seq FROM convo_messages WHERE account_id = ? AND id = ? AND conversation_id = ?`

	// seeUpTo moves a horizon forward to seq ?4, creating it.
	seeUpTo = `INSERT INTO convo_read_horizons (account_id, conversation_id, user_id, seen_seq, unseen_count)
VALUES (?1, ?2, ?3, ?4, 0) ON CONFLICT DO UPDATE SET seen_seq = max(seen_seq, excluded.seen_seq)`
	// unseeFrom moves an existing horizon back to seq ?4. Without a row
	// every message is unseen already.
	unseeFrom = `UPDATE convo_read_horizons SET seen_seq = min(seen_seq, ?4)
WHERE account_id = ?1 AND conversation_id = ?2 AND user_id = ?3`
	// unseenAfterHorizon counts a convo_read_horizons row's unseen messages: the
	// messages after it, in one conversation, by its seq index. ?1 account,
	// ?2 conversation.
	unseenAfterHorizon = `(SELECT count(*) FROM convo_messages m
	WHERE m.account_id = ?1 AND m.conversation_id = ?2 AND m.seq > convo_read_horizons.seen_seq
	AND ` + isCounted + ` AND m.author_id IS NOT convo_read_horizons.user_id)`
	// recountHorizon recounts one horizon's unseen messages after a move.
	recountHorizon = `UPDATE convo_read_horizons SET unseen_count = ` + unseenAfterHorizon + `
WHERE account_id = ?1 AND conversation_id = ?2 AND user_id = ?3`
)

// idsJSON is a JSON array of ids, bound as one argument so that a query's
// text does not change with the number of ids (and stays prepared).
func idsJSON(ids []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
	return b.String()
}

// changeMembers runs userQuery for each user and audienceQuery for each
// audience of a conversation (insert or delete, ignoring those already in
// the wanted state) and reports whether any row changed.
func changeMembers(ctx context.Context, tx *dbtx, accountID, conversationID int64, userQuery, audienceQuery string,
	users []uuid.UUID, audiences []int64) (bool, error) {
	changed := false
	exec := func(query string, member any) error {
		res, err := tx.ExecContext(ctx, query, accountID, conversationID, member)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		changed = changed || n > 0
		return err
	}
	for _, u := range users {
		if err := exec(userQuery, u.String()); err != nil {
			return false, err
		}
	}
	for _, a := range audiences {
		if err := exec(audienceQuery, a); err != nil {
			return false, err
		}
	}
	return changed, nil
}

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
	return s.change(ctx, accountID, conversationID, func(tx *dbtx, old convo.Conversation, now time.Time) error {
		if userQuery == deleteParticipant && old.AuthorID != uuid.Nil && slices.Contains(ch.UserIDs, old.AuthorID) {
			return convo.Invalid("user_ids", convo.CodeMismatch, "the author is always a participant")
		}
		changed, err := changeMembers(ctx, tx, accountID, conversationID, userQuery, audienceQuery, ch.UserIDs, ch.AudienceIDs)
		if err != nil || !changed {
			return err
		}
		_, err = tx.ExecContext(ctx, touchConversation, timeValue(now), accountID, conversationID)
		return err
	})
}

// attachUnseen fills in the unseen counts of conversations for a viewer
// (nothing without one), in one query.
func attachUnseen(ctx context.Context, tx *dbtx, accountID int64, list []convo.Conversation, v *convo.Viewer) error {
	if v == nil || len(list) == 0 {
		return nil
	}
	ids, index := backend.ConversationIDs(list)
	var rows []struct {
		ID     int64 `db:"id"`
		Unseen int   `db:"unseen"`
	}
	if err := tx.SelectContext(ctx, &rows, selectUnseen, v.UserID.String(), accountID, idsJSON(ids)); err != nil {
		return err
	}
	for _, r := range rows {
		list[index[r.ID]].UnseenMessagesCount = r.Unseen
	}
	return nil
}

// andViewer narrows a conversation WHERE to the viewer's conversations and,
// when f.Unseen, to those with unseen messages.
func andViewer(w *where, accountID int64, f store.ConversationFilter) {
	if f.Viewer == nil {
		return
	}
	andInViewerConversations(w, "c.id", accountID, *f.Viewer)
	if f.Unseen {
		w.and(unseenOf+" > 0", f.Viewer.UserID.String())
	}
}

// andInViewerConversations narrows w to rows whose conversation id (column,
// a constant of this package) is one the viewer takes part in.
func andInViewerConversations(w *where, column string, accountID int64, v convo.Viewer) {
	w.and(column+" IN ("+viewerConversations+")", accountID, v.UserID.String(), accountID, idsJSON(v.AudienceIDs))
}

// checkViewer returns ErrNotFound unless the viewer (if any) takes part in
// the conversation.
func checkViewer(ctx context.Context, tx *dbtx, accountID, conversationID int64, v *convo.Viewer) error {
	if v == nil {
		return nil
	}
	var sees bool
	if err := tx.GetContext(ctx, &sees, viewerSees, accountID, conversationID, v.UserID.String(), idsJSON(v.AudienceIDs)); err != nil {
		return err
	}
	if !sees {
		return convo.ErrNotFound
	}
	return nil
}

// markSeen sets each message's Seen for a viewer (nothing without one):
// whether it stays out of the viewer's unseen count.
func markSeen(ctx context.Context, tx *dbtx, accountID, conversationID int64, v *convo.Viewer, list []convo.Message) error {
	if v == nil || len(list) == 0 {
		return nil
	}
	var horizon int64
	if err := tx.GetContext(ctx, &horizon, selectSeenSeq, accountID, conversationID, v.UserID.String()); err != nil {
		return err
	}
	backend.MarkSeen(list, v.UserID, horizon)
	return nil
}

// viewConversation reads a conversation as a viewer sees it (as it is
// without one), with its newest messages (none when messages is 0):
// ErrNotFound unless the viewer takes part in it.
func viewConversation(ctx context.Context, tx *dbtx, accountID, conversationID int64, v *convo.Viewer, messages int, now time.Time) (convo.Conversation, error) {
	if err := checkViewer(ctx, tx, accountID, conversationID, v); err != nil {
		return convo.Conversation{}, err
	}
	var c convo.Conversation
	var err error
	if messages == 0 {
		c, err = getConversation(ctx, tx, accountID, conversationID, now)
	} else {
		c, err = getConversationWithMessages(ctx, tx, accountID, conversationID, messages, now)
	}
	if err != nil {
		return c, err
	}
	if err := markSeen(ctx, tx, accountID, conversationID, v, c.Messages); err != nil {
		return c, err
	}
	if err := markOwnReactions(ctx, tx, accountID, v, c.Messages); err != nil {
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
// the message's seq plus offset, then recounts what is unseen after it.
func (s *Store) moveHorizon(ctx context.Context, accountID, conversationID int64, v convo.Viewer, messageID int64, move string, offset int64) (convo.Conversation, error) {
	if err := backend.Check(accountID, v); err != nil {
		return convo.Conversation{}, err
	}
	var c convo.Conversation
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
		// A missing conversation has no participant: ErrNotFound too.
		if err := checkViewer(ctx, tx, accountID, conversationID, &v); err != nil {
			return err
		}
		var seq int64
		err := tx.GetContext(ctx, &seq, selectMessageSeq, accountID, messageID, conversationID)
		if errors.Is(err, sql.ErrNoRows) {
			return convo.ErrNotFound
		}
		if err != nil {
			return err
		}
		user := v.UserID.String()
		var before []int64 // the horizon; none before the user's first
		if err := tx.SelectContext(ctx, &before, selectHorizon, accountID, conversationID, user); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, move, accountID, conversationID, user, seq+offset); err != nil {
			return err
		}
		// seeUpTo only moves a horizon forward (making one), unseeFrom only
		// back: the horizon moved to seq+offset, or not at all.
		moved := len(before) == 0 || before[0] < seq+offset
		if move == unseeFrom {
			moved = len(before) == 1 && before[0] > seq+offset
		}
		if moved {
			tx.changes.Add(store.Change{Kind: store.ReadStateUpdated, AccountID: accountID,
				ConversationID: conversationID, UserID: v.UserID, SeenSeq: seq + offset})
		}
		if _, err := tx.ExecContext(ctx, recountHorizon, accountID, conversationID, user); err != nil {
			return err
		}
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
	var n int
	err := s.read(ctx, func(tx *dbtx) error {
		return tx.GetContext(ctx, &n, countUnseen, accountID, viewer.UserID.String(), idsJSON(viewer.AudienceIDs))
	})
	return n, err
}
