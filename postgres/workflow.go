package postgres

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
	// snooze time. $1 status, $2 snoozed_until, $3 now, $4 account, $5 id.
	setStatus = `UPDATE convo_conversations SET status = $1::smallint,
	snoozed_until = CASE WHEN $1::smallint = 3 THEN $2::timestamptz END,
	waiting_since = CASE WHEN $1::smallint = 1 THEN NULL ELSE waiting_since END, updated_at = $3
WHERE account_id = $4 AND id = $5`

	// setContactBlocked blocks or unblocks a contact; one already so is
	// left alone. $1 blocked, $2 now, $3 account, $4 contact.
	setContactBlocked = `UPDATE convo_contacts SET blocked = $1, updated_at = $2
WHERE account_id = $3 AND id = $4 AND blocked <> $1`

	setAssignee = `UPDATE convo_conversations SET assignee_id = $1, updated_at = $2 WHERE account_id = $3 AND id = $4`

	// deleteLabels removes the labels $3 of a conversation; the triggers
	// keep its list and the label counts.
	deleteLabels = `DELETE FROM convo_conversation_labels
WHERE account_id = $1 AND conversation_id = $2 AND label = ANY($3::text[])`
	// insertLabels adds the labels $3 to a conversation.
	insertLabels = `INSERT INTO convo_conversation_labels (account_id, conversation_id, label)
SELECT $1, $2, l FROM unnest($3::text[]) AS l`
	touchConversation = `UPDATE convo_conversations SET updated_at = $1 WHERE account_id = $2 AND id = $3`

	// markRead: every message up to now is read. A call's time is taken
	// before it waits for the row's lock, so an append that held the lock
	// may have committed a message of a later time: it stays unread, by
	// the rule of an append (incoming, created after the agents' mark).
	// Only then is there anything to count: an append moves
	// last_activity_at to its time when later. $1 now, $2 reader, $3
	// account, $4 id.
	markRead = `UPDATE convo_conversations c SET agent_last_seen_at = $1,
	unread_count = CASE WHEN c.last_activity_at > $1 THEN (SELECT count(*) FROM convo_messages m
		WHERE m.account_id = c.account_id AND m.conversation_id = c.id AND ` + isIncoming + ` AND ` + isLive + `
		  AND m.created_at > $1) ELSE 0 END,
	assignee_last_seen_at = CASE WHEN c.assignee_id = $2::uuid THEN $1 ELSE c.assignee_last_seen_at END
WHERE c.account_id = $3 AND c.id = $4`

	// markUnread rewinds both read marks, the agents' and the assignee's,
	// to just before (1µs, the stored precision) the last incoming
	// message, as Chatwoot does, and recounts the unread messages by the
	// rule of an append (incoming, created after the agents' mark). The
	// conversation's updated_at stays. $1 account, $2 id.
	markUnread = `UPDATE convo_conversations c SET
	agent_last_seen_at = c.last_incoming_at - interval '1 microsecond',
	assignee_last_seen_at = c.last_incoming_at - interval '1 microsecond',
	unread_count = (SELECT count(*) FROM convo_messages m
		WHERE m.account_id = c.account_id AND m.conversation_id = c.id AND ` + isIncoming + ` AND ` + isLive + `
		  AND m.created_at > c.last_incoming_at - interval '1 microsecond')
WHERE c.account_id = $1 AND c.id = $2 AND c.last_incoming_at IS NOT NULL`
)

// ChangeStatus implements store.Store.
func (s *Store) ChangeStatus(ctx context.Context, accountID, conversationID int64, ch convo.StatusChange) (convo.Conversation, error) {
	return s.change(ctx, accountID, conversationID, func(tx *wtx, old convo.Conversation, now time.Time) error {
		next, until, changed, err := backend.StatusMove(old, ch, now)
		if err != nil || !changed {
			return err
		}
		return setStatusNoted(ctx, tx, old, next, until, ch.Quiet, now)
	})
}

// setStatusNoted moves old to status next (snoozed until until, if set)
// and, unless quiet, records the change as an activity message.
func setStatusNoted(ctx context.Context, tx *wtx, old convo.Conversation, next convo.Status, until time.Time, quiet bool, now time.Time) error {
	if _, err := tx.Exec(ctx, setStatus, statusCodes[next], timeValue(until), now, old.AccountID, old.ID); err != nil {
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
// quiet. A flag set to what it was changes nothing.
func changeMuted(ctx context.Context, tx *wtx, old convo.Conversation, muted, quiet bool, now time.Time) error {
	if muted == old.Muted {
		return nil
	}
	if muted && old.Status != convo.StatusResolved {
		if err := setStatusNoted(ctx, tx, old, convo.StatusResolved, time.Time{}, quiet, now); err != nil {
			return err
		}
	}
	tag, err := tx.Exec(ctx, setContactBlocked, muted, now, old.AccountID, old.ContactID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() > 0 {
		tx.log(store.Change{Kind: store.ContactUpdated, ContactID: old.ContactID, Fields: []string{"blocked"}})
	}
	if quiet {
		return nil
	}
	return addActivity(ctx, tx, old.AccountID, old.ID, convo.ActivityMute(muted), now)
}

// Assign implements store.Store.
func (s *Store) Assign(ctx context.Context, accountID, conversationID int64, a convo.Assignment) (convo.Conversation, error) {
	return s.change(ctx, accountID, conversationID, func(tx *wtx, old convo.Conversation, now time.Time) error {
		if old.AssigneeID == a.AssigneeID {
			return nil
		}
		if _, err := tx.Exec(ctx, setAssignee, uuidValue(a.AssigneeID), now, accountID, conversationID); err != nil {
			return err
		}
		if a.Quiet {
			return nil
		}
		return addActivity(ctx, tx, accountID, conversationID, convo.ActivityAssignee(a.AssigneeID), now)
	})
}

// ChangeLabels implements store.Store. Only the labels that come or go
// are written: the triggers keep the conversation's list and the counts.
func (s *Store) ChangeLabels(ctx context.Context, accountID, conversationID int64, ch convo.LabelChange) (convo.Conversation, error) {
	if err := ch.Validate(); err != nil {
		return convo.Conversation{}, err
	}
	return s.change(ctx, accountID, conversationID, func(tx *wtx, old convo.Conversation, now time.Time) error {
		_, added, removed := backend.LabelMove(old.Labels, ch)
		if len(added) == 0 && len(removed) == 0 {
			return nil
		}
		if len(removed) > 0 {
			if _, err := tx.Exec(ctx, deleteLabels, accountID, conversationID, removed); err != nil {
				return err
			}
		}
		if len(added) > 0 {
			if _, err := tx.Exec(ctx, insertLabels, accountID, conversationID, added); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, touchConversation, now, accountID, conversationID); err != nil {
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
	return s.change(ctx, accountID, conversationID, func(tx *wtx, old convo.Conversation, now time.Time) error {
		_, err := tx.Exec(ctx, markRead, now, uuidValue(agentID), accountID, conversationID)
		return err
	})
}

// MarkUnread implements store.Store.
func (s *Store) MarkUnread(ctx context.Context, accountID, conversationID int64) (convo.Conversation, error) {
	return s.change(ctx, accountID, conversationID, func(tx *wtx, old convo.Conversation, now time.Time) error {
		_, err := tx.Exec(ctx, markUnread, accountID, conversationID)
		return err
	})
}
