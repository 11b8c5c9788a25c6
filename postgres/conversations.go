package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

const (
	insertConversation = `INSERT INTO convo_conversations (uuid, account_id, contact_id, channel, inbox_id, team_id,
	assignee_id, author_id, status, snoozed_until, priority, muted, custom_attributes, additional_attributes,
	happened_at, created_at, updated_at, last_activity_at, waiting_since)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $16, $16) RETURNING id`

	insertLabel       = `INSERT INTO convo_conversation_labels (account_id, conversation_id, label) VALUES ($1, $2, $3)`
	insertParticipant = `INSERT INTO convo_conversation_participants (account_id, conversation_id, user_id) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING`
	insertAudience = `INSERT INTO convo_conversation_audiences (account_id, conversation_id, audience_id) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING`

	updateConversation = `UPDATE convo_conversations SET happened_at = $1, channel = $2, inbox_id = $3, team_id = $4,
	priority = $5, muted = $6, custom_attributes = $7, additional_attributes = $8, updated_at = $9
WHERE account_id = $10 AND id = $11`

	contactBlocked = `SELECT blocked FROM convo_contacts WHERE account_id = $1 AND id = $2`

	// newestMessages reads a conversation's newest $3 messages (all of them
	// when $3 is NULL), newest first.
	newestMessages = `SELECT ` + messageBodyColumns + ` FROM convo_messages m
WHERE m.account_id = $1 AND m.conversation_id = $2 ORDER BY m.seq DESC LIMIT $3`

	deleteConversation = `DELETE FROM convo_conversations WHERE account_id = $1 AND id = $2 RETURNING contact_id`
)

// CreateConversation implements store.Store.
func (s *Store) CreateConversation(ctx context.Context, accountID int64, in convo.NewConversation) (convo.Conversation, error) {
	in = in.WithDefaults()
	if err := backend.Check(accountID, in); err != nil {
		return convo.Conversation{}, err
	}
	if in.UUID == uuid.Nil {
		in.UUID = uuid.New()
	}
	var c convo.Conversation
	err := s.write(ctx, accountID, func(tx *wtx, now time.Time) error {
		var blocked bool
		if err := queryOne(ctx, tx, contactBlocked, []any{accountID, in.ContactID}, &blocked); err != nil {
			return fmt.Errorf("contact %d: %w", in.ContactID, err)
		}
		in = backend.StartFor(in, blocked)
		custom, additional, err := backend.AttributesJSON(in.CustomAttributes, in.AdditionalAttributes)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, insertConversation, in.UUID, accountID, in.ContactID, string(in.Channel),
			idValue(in.InboxID), idValue(in.TeamID), uuidValue(in.AssigneeID), uuidValue(in.AuthorID),
			statusCodes[in.Status], timeValue(in.SnoozedUntil), int16(in.Priority.Rank()), in.Muted,
			custom, additional, timeValue(in.HappenedAt), now).Scan(&id); err != nil {
			return err
		}
		for _, l := range in.Labels {
			if _, err := tx.Exec(ctx, insertLabel, accountID, id, l); err != nil {
				return err
			}
		}
		if _, err := changeMembers(ctx, tx, accountID, id, insertParticipant, insertAudience,
			in.Participants(), in.AudienceIDs); err != nil {
			return err
		}
		tx.log(store.Change{Kind: store.ConversationCreated, ContactID: in.ContactID, ConversationID: id})
		c, err = getConversation(ctx, tx, accountID, id, now)
		return err
	})
	return c, err
}

// changeMembers runs userQuery for each user and audienceQuery for each
// audience of a conversation (inserts or deletes), and reports whether any
// row changed.
func changeMembers(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, userQuery, audienceQuery string,
	users []uuid.UUID, audiences []int64) (bool, error) {
	changed := false
	for _, u := range users {
		tag, err := tx.Exec(ctx, userQuery, accountID, conversationID, uuidValue(u))
		if err != nil {
			return false, err
		}
		changed = changed || tag.RowsAffected() > 0
	}
	for _, a := range audiences {
		tag, err := tx.Exec(ctx, audienceQuery, accountID, conversationID, a)
		if err != nil {
			return false, err
		}
		changed = changed || tag.RowsAffected() > 0
	}
	return changed, nil
}

// GetConversation implements store.Store.
func (s *Store) GetConversation(ctx context.Context, accountID, conversationID int64, opts store.GetConversationOptions) (convo.Conversation, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return convo.Conversation{}, err
	}
	if err := opts.Validate(); err != nil {
		return convo.Conversation{}, err
	}
	now := s.clock()
	var c convo.Conversation
	if opts.Viewer == nil {
		// Without a viewer the reads do not depend on each other: one
		// round trip.
		var get func() (convo.Conversation, error)
		err := s.readBatch(ctx, func(b *pgx.Batch) {
			get = queueConversationWithMessages(b, accountID, conversationID, opts.Messages, now)
		}, nil)
		if err != nil {
			return c, err
		}
		if c, err = get(); !errors.Is(err, convo.ErrNotFound) {
			return c, err
		}
		// Not there: merged into another? A read of its own, paid only
		// by a miss.
		notFound := err
		err = s.read(ctx, func(tx pgx.Tx) error { return merged(ctx, tx, accountID, conversationID, notFound) })
		return c, err
	}
	err := s.read(ctx, func(tx pgx.Tx) (err error) {
		c, err = viewConversation(ctx, tx, accountID, conversationID, opts.Viewer, opts.Messages, now)
		return merged(ctx, tx, accountID, conversationID, err)
	})
	return c, err
}

// queueConversationWithMessages queues on b the queries of
// getConversationWithMessages, which go out together; get returns what it
// returns once the batch is closed.
func queueConversationWithMessages(b *pgx.Batch, accountID, id int64, n int, now time.Time) (get func() (convo.Conversation, error)) {
	var conv []conversationRow
	var msgs []convo.Message
	var convErr error // the first message that would not convert: see conversationPage.err
	b.Queue(selectConversation, accountID, id).Query(func(rows pgx.Rows) (err error) {
		conv, err = collectRows[conversationRow](rows, 1)
		return err
	})
	if n != 0 {
		var limit any
		size := 0
		if n != store.AllMessages {
			limit, size = n, min(n, store.MaxPerPage) // room for a page, not for any n asked
		}
		// The messages are converted as they are scanned (the
		// conversation's row came first in the batch): a page of rows is
		// not kept beside the page of messages.
		b.Queue(newestMessages, accountID, id, limit).Query(func(rows pgx.Rows) error {
			msgs, convErr = make([]convo.Message, 0, size), nil
			if len(conv) == 0 {
				return nil
			}
			contactID := conv[0].ContactID
			return scanEach(rows, func(r ownMessageRow) error {
				r.AccountID, r.ConversationID, r.ContactID = accountID, id, contactID
				if err := appendRowMessage(&msgs, r.messageRow); err != nil {
					convErr = cmp.Or(convErr, err)
				}
				return nil
			})
		})
	}
	return func() (convo.Conversation, error) {
		if len(conv) == 0 {
			return convo.Conversation{}, convo.ErrNotFound
		}
		c, err := conv[0].toConversation(now)
		if err = cmp.Or(err, convErr); err != nil || len(msgs) == 0 {
			return c, err
		}
		slices.Reverse(msgs) // oldest first
		c.Messages = msgs
		return c, nil
	}
}

// getConversationWithMessages reads one conversation as getConversation
// does, with its newest n messages (AllMessages: all), oldest first.
func getConversationWithMessages(ctx context.Context, tx pgx.Tx, accountID, id int64, n int, now time.Time) (convo.Conversation, error) {
	c, err := getConversation(ctx, tx, accountID, id, now)
	if err != nil || n == 0 {
		return c, err
	}
	var limit any
	if n != store.AllMessages {
		limit = n
	}
	c.Messages, err = selectOwnMessages(ctx, tx, accountID, id, c.ContactID, newestMessages, accountID, id, limit)
	slices.Reverse(c.Messages)
	return c, err
}

// UpdateConversation implements store.Store.
func (s *Store) UpdateConversation(ctx context.Context, accountID, conversationID int64, up convo.ConversationUpdate) (convo.Conversation, error) {
	if err := backend.Check(accountID, up); err != nil {
		return convo.Conversation{}, err
	}
	return s.change(ctx, accountID, conversationID, func(tx *wtx, old convo.Conversation, now time.Time) error {
		next := up.Apply(old)
		custom, additional, err := backend.AttributesJSON(next.CustomAttributes, next.AdditionalAttributes)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, updateConversation, timeValue(next.HappenedAt), string(next.Channel),
			idValue(next.InboxID), idValue(next.TeamID), int16(next.Priority.Rank()), next.Muted, custom, additional,
			now, accountID, conversationID); err != nil {
			return err
		}
		addUpdate := func(content string) error {
			return addActivity(ctx, tx, old.AccountID, old.ID, content, now)
		}
		if err := backend.UpdateActivities(old, next, up.Quiet, addUpdate); err != nil {
			return err
		}
		return changeMuted(ctx, tx, old, next.Muted, up.Quiet, now)
	})
}

// DeleteConversation implements store.Store. Its messages, labels and
// members go with it (ON DELETE CASCADE).
func (s *Store) DeleteConversation(ctx context.Context, accountID, conversationID int64) (int64, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return 0, err
	}
	err := s.write(ctx, accountID, func(tx *wtx, now time.Time) error {
		var contactID int64
		if err := queryOne(ctx, tx, deleteConversation, []any{accountID, conversationID}, &contactID); err != nil {
			return err
		}
		tx.log(store.Change{Kind: store.ConversationDeleted, ContactID: contactID, ConversationID: conversationID})
		return nil
	})
	if err != nil {
		return 0, err
	}
	return conversationID, nil
}

// change runs fn on the conversation, locked for the transaction, and
// returns the conversation as stored after it: the shape of every call
// that changes one conversation. It logs the conversation's update (the
// fields that differ) before what fn logged, and fn's messages last: the
// activity messages come after the changes they record.
func (s *Store) change(ctx context.Context, accountID, conversationID int64, fn func(tx *wtx, old convo.Conversation, now time.Time) error) (convo.Conversation, error) {
	var c convo.Conversation
	if err := convo.ValidateAccountID(accountID); err != nil {
		return c, err
	}
	err := s.write(ctx, accountID, func(tx *wtx, _ time.Time) error {
		if _, err := tx.Exec(ctx, lockConversation, accountID, conversationID); err != nil {
			return err
		}
		now := tx.clock() // read again once the row is locked: see lockConversation
		old, err := getConversation(ctx, tx, accountID, conversationID, now)
		if err != nil {
			return err
		}
		outer, inner := tx.changes, &backend.ChangeLog{}
		tx.changes = inner
		err = fn(tx, old, now)
		tx.changes = outer
		if err != nil {
			return err
		}
		if c, err = getConversation(ctx, tx, accountID, conversationID, now); err != nil {
			return err
		}
		// The conversation's update, a contact's (muting blocks it), then
		// the activity messages.
		tx.changes.ConversationChanged(old, c)
		for _, messages := range []bool{false, true} {
			for _, ch := range inner.Changes() {
				if (ch.MessageID != 0) == messages {
					tx.log(ch)
				}
			}
		}
		return nil
	})
	return c, err
}

// lockConversation locks a conversation's row, so that what a change reads
// of it holds until it commits. A call that locks a conversation reads the
// clock again once it holds the lock, so that the times of one
// conversation's writes follow the order of their commits (a MarkRead
// that waited for an append is not older than the message).
const lockConversation = `SELECT 1 FROM convo_conversations WHERE account_id = $1 AND id = $2 FOR UPDATE`
