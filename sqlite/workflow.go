package sqlite

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

const (
	// setStatus: resolving ends the wait for a reply; only a snooze keeps a
	// snooze time. ?1 status, ?2 snoozed_until, ?3 now, ?4 account, ?5 id.
	setStatus = `UPDATE convo_conversations SET status = ?1, snoozed_until = CASE WHEN ?1 = 3 THEN ?2 END,
	waiting_since = CASE WHEN ?1 = 1 THEN NULL ELSE waiting_since END, updated_at = ?3
WHERE account_id = ?4 AND id = ?5`

	// setContactBlocked blocks or unblocks a contact; one already so is
	// left alone. ?1 blocked, ?2 now, ?3 account, ?4 contact.
	setContactBlocked = `UPDATE convo_contacts SET blocked = ?1, updated_at = ?2
WHERE account_id = ?3 AND id = ?4 AND blocked != ?1`

	setAssignee = `UPDATE convo_conversations SET assignee_id = ?, updated_at = ? WHERE account_id = ? AND id = ?`

	deleteLabels      = `DELETE FROM convo_conversation_labels WHERE conversation_id = ?`
	touchConversation = `UPDATE convo_conversations SET updated_at = ? WHERE account_id = ? AND id = ?`

	// markRead: every message so far is read. ?1 now, ?2 reader, ?3 account, ?4 id.
	markRead = `UPDATE convo_conversations SET agent_last_seen_at = ?1, unread_count = 0,
	assignee_last_seen_at = CASE WHEN assignee_id = ?2 THEN ?1 ELSE assignee_last_seen_at END
WHERE account_id = ?3 AND id = ?4`

	// markUnread rewinds both read marks, the agents' and the assignee's,
	// to just before (1µs, the stored precision) the last incoming
	// message, as Chatwoot does; refreshConversation then recounts.
	markUnread = `UPDATE convo_conversations SET agent_last_seen_at = last_incoming_at - 1,
	assignee_last_seen_at = last_incoming_at - 1
WHERE account_id = ? AND id = ? AND last_incoming_at IS NOT NULL`

	// wakeSnoozed reopens every conversation whose snooze time has passed.
	wakeSnoozed = `UPDATE convo_conversations SET status = 0, snoozed_until = NULL, updated_at = ?1
WHERE status = 3 AND snoozed_until <= ?1
RETURNING account_id, id, contact_id`
	nextSnoozeWake = `SELECT coalesce(min(snoozed_until), 9223372036854775807) FROM convo_conversations
WHERE status = 3 AND snoozed_until IS NOT NULL`
)

// ChangeStatus implements store.Store.
func (s *Store) ChangeStatus(ctx context.Context, accountID, conversationID int64, ch convo.StatusChange) (convo.Conversation, error) {
	return s.change(ctx, accountID, conversationID, func(tx *dbtx, old convo.Conversation, now time.Time) error {
		next, until, changed, err := backend.StatusMove(old, ch, now)
		if err != nil || !changed {
			return err
		}
		if !until.IsZero() {
			s.snoozes.scheduled(until)
		}
		return setStatusNoted(ctx, tx, old, next, until, ch.Quiet, now)
	})
}

// setStatusNoted moves old to status next (snoozed until until, if set)
// and, unless quiet, records the change as an activity message.
func setStatusNoted(ctx context.Context, tx *dbtx, old convo.Conversation, next convo.Status, until time.Time, quiet bool, now time.Time) error {
	if _, err := tx.ExecContext(ctx, setStatus, backend.StatusCodes[next], timeValue(until), timeValue(now), old.AccountID, old.ID); err != nil {
		return err
	}
	if quiet {
		return nil
	}
	return addActivity(ctx, tx, old.AccountID, old.ID, convo.ActivityStatus(old.Status, next, until), now)
}

// changeMuted carries out a change of the muted flag, which the caller
// writes, as Chatwoot does: muting resolves the conversation (as
// ChangeStatus would, with its activity message) and blocks its contact;
// unmuting unblocks the contact and leaves the status as it is. Each
// writes its own activity message after the status change's, unless
// quiet. A flag set to what it was changes nothing. The contact's change
// is logged at mark, after the conversation's (see store.Change).
func changeMuted(ctx context.Context, tx *dbtx, old convo.Conversation, muted, quiet bool, mark int, now time.Time) error {
	if muted == old.Muted {
		return nil
	}
	if muted && old.Status != convo.StatusResolved {
		if err := setStatusNoted(ctx, tx, old, convo.StatusResolved, time.Time{}, quiet, now); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, setContactBlocked, muted, timeValue(now), old.AccountID, old.ContactID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n > 0 {
		tx.changes.AddAt(mark, store.Change{Kind: store.ContactUpdated, AccountID: old.AccountID, ContactID: old.ContactID,
			Fields: []string{"blocked"}})
	}
	if quiet {
		return nil
	}
	return addActivity(ctx, tx, old.AccountID, old.ID, convo.ActivityMute(muted), now)
}

// Assign implements store.Store.
func (s *Store) Assign(ctx context.Context, accountID, conversationID int64, a convo.Assignment) (convo.Conversation, error) {
	return s.change(ctx, accountID, conversationID, func(tx *dbtx, old convo.Conversation, now time.Time) error {
		if old.AssigneeID == a.AssigneeID {
			return nil
		}
		if _, err := tx.ExecContext(ctx, setAssignee, uuidValue(a.AssigneeID), timeValue(now), accountID, conversationID); err != nil {
			return err
		}
		if a.Quiet {
			return nil
		}
		return addActivity(ctx, tx, accountID, conversationID, convo.ActivityAssignee(a.AssigneeID), now)
	})
}

// ChangeLabels implements store.Store.
func (s *Store) ChangeLabels(ctx context.Context, accountID, conversationID int64, ch convo.LabelChange) (convo.Conversation, error) {
	if err := ch.Validate(); err != nil {
		return convo.Conversation{}, err
	}
	return s.change(ctx, accountID, conversationID, func(tx *dbtx, old convo.Conversation, now time.Time) error {
		next, added, removed := backend.LabelMove(old.Labels, ch)
		if len(added) == 0 && len(removed) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, deleteLabels, conversationID); err != nil {
			return err
		}
		for _, l := range next {
			if _, err := tx.ExecContext(ctx, insertLabel, accountID, conversationID, l); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, touchConversation, timeValue(now), accountID, conversationID); err != nil {
			return err
		}
		if ch.Quiet {
			return nil
		}
		return addActivity(ctx, tx, accountID, conversationID, convo.ActivityLabels(added, removed), now)
	})
}

// MarkRead implements store.Store.
func (s *Store) MarkRead(ctx context.Context, accountID, conversationID int64, agentID uuid.UUID) (convo.Conversation, error) {
	if err := backend.AgentID(agentID).Validate(); err != nil {
		return convo.Conversation{}, err
	}
	return s.change(ctx, accountID, conversationID, func(tx *dbtx, old convo.Conversation, now time.Time) error {
		_, err := tx.ExecContext(ctx, markRead, timeValue(now), agentID.String(), accountID, conversationID)
		return err
	})
}

// MarkUnread implements store.Store.
func (s *Store) MarkUnread(ctx context.Context, accountID, conversationID int64) (convo.Conversation, error) {
	return s.change(ctx, accountID, conversationID, func(tx *dbtx, old convo.Conversation, now time.Time) error {
		if _, err := tx.ExecContext(ctx, markUnread, accountID, conversationID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, refreshConversation, accountID, conversationID, timeValue(old.UpdatedAt))
		return err
	})
}

// change runs one change of a conversation in a write transaction: it reads
// the conversation (ErrNotFound when missing), applies fn and returns the
// conversation as stored.
func (s *Store) change(ctx context.Context, accountID, conversationID int64, fn func(tx *dbtx, old convo.Conversation, now time.Time) error) (convo.Conversation, error) {
	var c convo.Conversation
	if err := convo.ValidateAccountID(accountID); err != nil {
		return c, err
	}
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
		old, err := getConversation(ctx, tx, accountID, conversationID, now)
		if err != nil {
			return err
		}
		mark := tx.changes.Len()
		if err := fn(tx, old, now); err != nil {
			return err
		}
		c, err = getConversation(ctx, tx, accountID, conversationID, now)
		tx.changes.ConversationChangedAt(mark, old, c)
		return err
	})
	return c, err
}
