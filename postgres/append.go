package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
)

// The append: the one path every message, activity messages included, is
// added by. It locks its conversation's row first (FOR UPDATE), so that
// appends to one conversation take turns and sequence numbers stay dense
// however many writers run; appends to different conversations run at once.

const (
	// lockAppendTarget reads what an append needs to know of its
	// conversation, locking its row for the rest of the transaction.
	lockAppendTarget = `SELECT contact_id, last_seq, status, last_activity_at, muted FROM convo_conversations
WHERE account_id = $1 AND id = $2 FOR UPDATE`

	selectBySourceID = `SELECT id, conversation_id FROM convo_messages WHERE account_id = $1 AND source_id = $2`

	// insertMessage adds a message. A source id already taken (the one
	// unique key a new message can meet) makes it insert nothing.
	insertMessage = `INSERT INTO convo_messages (account_id, conversation_id, seq, content, content_type, content_attributes,
	message_type, private, status, source_id, sender_type, author_id, written_at, created_at, updated_at,
	attachments, external_source_ids, additional_attributes, words)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17, $18::tsvector)
ON CONFLICT DO NOTHING RETURNING id`

	// bumpConversation keeps the conversation's maintained columns true
	// after an append, by the rules of derived.go one message at a time
	// (the message is the newest: unread when incoming and after the
	// agent's last look, the last non-activity one when not activity); an
	// incoming message starts the wait for a reply, a human reply ends it.
	// $1 now, $2 seq, $3 incoming, $4 not an activity, $5 message id, $6 a
	// human reply, $7 account, $8 conversation, $9 it moves the last
	// activity, $10 it reopens.
	bumpConversation = `UPDATE convo_conversations SET
	last_seq = $2,
	messages_count = messages_count + 1,
	updated_at = $1,
	last_incoming_at = CASE WHEN $3 THEN $1 ELSE last_incoming_at END,
	unread_count = unread_count + CASE WHEN $3 AND $1 > coalesce(agent_last_seen_at, '-infinity') THEN 1 ELSE 0 END,
	last_non_activity_message_id = CASE WHEN $4 THEN $5 ELSE last_non_activity_message_id END,
	non_activity_count = non_activity_count + CASE WHEN $4 THEN 1 ELSE 0 END,
	waiting_since = CASE WHEN $3 THEN coalesce(waiting_since, $1) WHEN $6 THEN NULL ELSE waiting_since END,
	first_reply_created_at = CASE WHEN $6 THEN coalesce(first_reply_created_at, $1) ELSE first_reply_created_at END,
	last_activity_at = CASE WHEN $9 THEN $1 ELSE last_activity_at END,
	status = CASE WHEN $10 THEN 0 ELSE status END,
	snoozed_until = CASE WHEN $10 THEN NULL ELSE snoozed_until END
WHERE account_id = $7 AND id = $8`

	touchContact = `UPDATE convo_contacts SET last_activity_at = $1 WHERE account_id = $2 AND id = $3`
)

// appendTarget is a row of lockAppendTarget.
type appendTarget struct {
	ContactID      int64
	LastSeq        int64
	Status         int16
	LastActivityAt dbTime
	Muted          bool
}

// appendMessage writes a valid message at the end of a conversation and
// keeps the conversation's maintained columns true. A message whose source
// id is already stored in the conversation is returned as stored instead.
func appendMessage(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, in convo.NewMessage, now time.Time) (convo.Message, error) {
	var t appendTarget
	err := queryOne(ctx, tx, lockAppendTarget, []any{accountID, conversationID},
		&t.ContactID, &t.LastSeq, &t.Status, &t.LastActivityAt, &t.Muted)
	if err != nil {
		return convo.Message{}, err
	}
	if in.ContactID != 0 && in.ContactID != t.ContactID {
		return convo.Message{}, convo.Invalid("contact_id", convo.CodeMismatch, "is not the conversation's contact")
	}
	m := convo.Message{
		AccountID: accountID, ConversationID: conversationID, ContactID: t.ContactID, Seq: t.LastSeq + 1,
		Content: in.Content, ContentType: in.ContentType, ContentAttributes: in.ContentAttributes, Type: in.Type,
		Private: in.Private, Status: in.Status, SourceID: in.SourceID, SenderType: in.SenderType,
		AuthorID: in.AuthorID, WrittenAt: storedTime(in.WrittenAt), CreatedAt: now, UpdatedAt: now,
		Attachments: in.Attachments, ExternalSourceIDs: in.ExternalSourceIDs, AdditionalAttributes: in.AdditionalAttributes,
	}
	j, err := encodeMessageJSON(m)
	if err != nil {
		return convo.Message{}, err
	}
	err = tx.QueryRow(ctx, insertMessage, accountID, conversationID, m.Seq, m.Content, string(m.ContentType),
		j.contentAttributes, int16(m.Type.Code()), m.Private, string(m.Status), textValue(m.SourceID),
		string(m.SenderType), uuidValue(m.AuthorID), timeValue(m.WrittenAt), now, j.attachments, j.externalIDs,
		j.additional, tsvector(m.Content)).Scan(&m.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return messageBySourceID(ctx, tx, accountID, conversationID, m.SourceID)
	}
	if err != nil {
		return convo.Message{}, err
	}
	incoming := m.Type == convo.MessageIncoming
	humanReply := m.Type == convo.MessageOutgoing && !m.Private && m.SenderType == convo.SenderUser
	moves := now.After(t.LastActivityAt.Time)
	reopens := incoming && !t.Muted && (t.Status == statusCodes[convo.StatusResolved] || t.Status == statusCodes[convo.StatusSnoozed])
	if _, err := tx.Exec(ctx, bumpConversation, now, m.Seq, incoming, m.Type != convo.MessageActivity, m.ID,
		humanReply, accountID, conversationID, moves, reopens); err != nil {
		return convo.Message{}, err
	}
	if incoming {
		_, err = tx.Exec(ctx, touchContact, now, accountID, t.ContactID)
	}
	return m, err
}

// addActivity records a change in the conversation's timeline.
func addActivity(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, content string, now time.Time) error {
	in := convo.NewMessage{Type: convo.MessageActivity, Content: content}.WithDefaults(now)
	_, err := appendMessage(ctx, tx, accountID, conversationID, in, now)
	return err
}

// messageBySourceID returns the message of the conversation with the
// source id, ErrConflict when the source id belongs to another
// conversation. It is asked only when an insert met a taken key.
func messageBySourceID(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, sourceID string) (convo.Message, error) {
	var id, inConversation int64
	err := convo.ErrNotFound
	if sourceID != "" {
		err = queryOne(ctx, tx, selectBySourceID, []any{accountID, sourceID}, &id, &inConversation)
	}
	switch {
	case errors.Is(err, convo.ErrNotFound):
		return convo.Message{}, fmt.Errorf("%w: the next seq of conversation %d is taken", convo.ErrConflict, conversationID)
	case err != nil:
		return convo.Message{}, err
	case inConversation != conversationID:
		return convo.Message{}, fmt.Errorf("%w: source_id %q is used in conversation %d", convo.ErrConflict, sourceID, inConversation)
	}
	return getMessage(ctx, tx, accountID, id)
}
