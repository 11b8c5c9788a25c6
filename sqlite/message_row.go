package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
)

// messageColumns are read by every query that returns messages of more
// than one conversation; the contact comes from the conversation.
const messageColumns = `m.account_id, m.conversation_id, c.contact_id, ` + messageBodyColumns

// messageBodyColumns are a message's columns but the account, conversation
// and contact, which a query of one conversation's messages knows already
// (ownMessageRow). Every column costs the driver a few calls per row, and
// a text value costs it a copy, so what is nearly always the same is read
// as NULL: the content type and status when they are the defaults of
// convo.NewMessage (contentTypeOfM, statusOfM), the written and updated
// times when they are the creation time, and the four JSON columns when
// all are empty (messageExtras).
const messageBodyColumns = `m.id, m.seq, m.content, ` + contentTypeOfM + `, m.message_type, m.private, ` + statusOfM + `,
	m.source_id, m.sender_type, m.author_id, m.created_at, nullif(m.written_at, m.created_at),
	nullif(m.updated_at, m.created_at), ` + messageExtrasOfM + `, ` + threadOfM

// contentTypeOfM and statusOfM read message m's content type and status,
// NULL when they are the defaults; contentTypeOfLM and statusOfLM those of
// a conversation's last message, lm.
const (
	contentTypeOfM  = `nullif(m.content_type, '` + string(convo.ContentText) + `')`
	statusOfM       = `nullif(m.status, '` + string(convo.StatusSent) + `')`
	contentTypeOfLM = `nullif(lm.content_type, '` + string(convo.ContentText) + `')`
	statusOfLM      = `nullif(lm.status, '` + string(convo.StatusSent) + `')`
)

// messageExtrasOfM reads message m's four JSON columns as one, and
// messageExtrasOfLM those of a conversation's last message, lm.
const (
	messageExtrasOfM = `CASE WHEN m.content_attributes = '{}' AND m.attachments IN ('{}', '[]')
		AND m.external_source_ids = '{}' AND m.additional_attributes = '{}' THEN NULL
	ELSE json_array(m.content_attributes, m.attachments, m.external_source_ids, m.additional_attributes) END`
	messageExtrasOfLM = `CASE WHEN lm.content_attributes = '{}' AND lm.attachments IN ('{}', '[]')
		AND lm.external_source_ids = '{}' AND lm.additional_attributes = '{}' THEN NULL
	ELSE json_array(lm.content_attributes, lm.attachments, lm.external_source_ids, lm.additional_attributes) END`
)

// threadOfM reads what message m carries of its thread, reactions, edits,
// deletion and delivery error as one column, NULL when it has none of
// them (nearly every message); threadOfLM those of a conversation's last
// message, lm. The order is messageThread's.
const (
	threadOfM = `CASE WHEN m.reply_to_id IS NULL AND m.reply_count = 0 AND m.reactions IS NULL AND m.edit_count = 0
		AND m.deleted_at IS NULL AND m.external_error IS NULL THEN NULL
	ELSE json_array(m.reply_to_id, m.reply_count, m.last_reply_at, json(m.reactions), m.edit_count, m.edited_at,
		m.deleted_at, m.external_error) END`
	threadOfLM = `CASE WHEN lm.reply_to_id IS NULL AND lm.reply_count = 0 AND lm.reactions IS NULL AND lm.edit_count = 0
		AND lm.deleted_at IS NULL AND lm.external_error IS NULL THEN NULL
	ELSE json_array(lm.reply_to_id, lm.reply_count, lm.last_reply_at, json(lm.reactions), lm.edit_count, lm.edited_at,
		lm.deleted_at, lm.external_error) END`
)

const messageFrom = ` FROM convo_messages m JOIN convo_conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id`

// messageRow is a row of messages with its conversation's contact.
type messageRow struct {
	AccountID            int64
	ConversationID       int64
	ContactID            int64
	ID                   int64
	Seq                  int64
	Content              string
	ContentType          sql.NullString // NULL: convo.ContentText
	MessageType          int
	Private              bool
	Status               sql.NullString // NULL: convo.StatusSent
	SourceID             sql.NullString
	SenderType           string
	AuthorID             sql.NullString
	CreatedAt            dbTime
	WrittenAt            dbTime // zero: the creation time
	UpdatedAt            dbTime // zero: the creation time
	ContentAttributes    string
	Attachments          string
	ExternalSourceIDs    string
	AdditionalAttributes string
	Thread               messageThread
}

// messageThread is threadOfM: all zero when NULL.
type messageThread struct {
	ReplyToID     int64
	ReplyCount    int
	LastReplyAt   int64 // microseconds, 0 when none (as the other times: see time.go)
	Reactions     map[string]int
	EditCount     int
	EditedAt      int64
	DeletedAt     int64
	ExternalError string
}

// Scan implements sql.Scanner.
func (t *messageThread) Scan(v any) error {
	*t = messageThread{}
	var text []byte
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		text = []byte(v)
	case []byte:
		text = v
	default:
		return fmt.Errorf("sqlite: message thread holds %T, want TEXT", v)
	}
	var reply, lastReply, edited, deleted *int64
	var external *string
	fields := []any{&reply, &t.ReplyCount, &lastReply, &t.Reactions, &t.EditCount, &edited, &deleted, &external}
	var raw []json.RawMessage
	err := json.Unmarshal(text, &raw)
	if err == nil && len(raw) != len(fields) {
		err = fmt.Errorf("%d values, want %d", len(raw), len(fields))
	}
	for i := 0; err == nil && i < len(raw); i++ {
		err = json.Unmarshal(raw[i], fields[i])
	}
	if err != nil {
		return fmt.Errorf("sqlite: decode message thread: %w", err)
	}
	t.ReplyToID, t.LastReplyAt, t.EditedAt, t.DeletedAt = deref(reply), deref(lastReply), deref(edited), deref(deleted)
	t.ExternalError = deref(external)
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// microTime is a stored time in microseconds as a time, 0 as the zero time.
func microTime(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// dest lists where each of messageColumns scans, by hand as pages are.
func (r *messageRow) dest() []any {
	return append([]any{&r.AccountID, &r.ConversationID, &r.ContactID}, r.bodyDest()...)
}

// bodyDest lists where each of messageBodyColumns scans.
func (r *messageRow) bodyDest() []any {
	return []any{&r.ID, &r.Seq, &r.Content, &r.ContentType, &r.MessageType, &r.Private, &r.Status, &r.SourceID,
		&r.SenderType, &r.AuthorID, &r.CreatedAt, &r.WrittenAt, &r.UpdatedAt, (*messageExtras)(r), &r.Thread}
}

// ownMessageRow is a row of messageBodyColumns: a message of a conversation
// the caller knows.
type ownMessageRow struct{ messageRow }

func (r *ownMessageRow) dest() []any { return r.bodyDest() }

// messageExtras scans the four JSON columns of a message, read as one:
// NULL when all four are empty, else a JSON array of their texts.
type messageExtras messageRow

// Scan implements sql.Scanner.
func (x *messageExtras) Scan(v any) error {
	var text string
	switch v := v.(type) {
	case nil:
		x.ContentAttributes, x.Attachments, x.ExternalSourceIDs, x.AdditionalAttributes = "", "", "", ""
		return nil
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return fmt.Errorf("sqlite: message extras hold %T, want TEXT", v)
	}
	var four [4]string
	if err := json.Unmarshal([]byte(text), &four); err != nil {
		return fmt.Errorf("sqlite: decode message extras: %w", err)
	}
	x.ContentAttributes, x.Attachments, x.ExternalSourceIDs, x.AdditionalAttributes = four[0], four[1], four[2], four[3]
	return nil
}

func (r messageRow) toMessage() (convo.Message, error) {
	m := convo.Message{
		ID: r.ID, AccountID: r.AccountID, ConversationID: r.ConversationID, ContactID: r.ContactID, Seq: r.Seq,
		Content: r.Content, ContentType: convo.ContentText,
		Type: convo.MessageTypeFromCode(r.MessageType), Private: r.Private, Status: convo.StatusSent,
		SourceID: r.SourceID.String, SenderType: convo.SenderType(r.SenderType),
		WrittenAt: r.WrittenAt.Time, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time,
	}
	if r.ContentType.Valid {
		m.ContentType = convo.ContentType(r.ContentType.String)
	}
	if r.Status.Valid {
		m.Status = convo.MessageStatus(r.Status.String)
	}
	if m.WrittenAt.IsZero() {
		m.WrittenAt = m.CreatedAt
	}
	if m.UpdatedAt.IsZero() {
		m.UpdatedAt = m.CreatedAt
	}
	t := r.Thread
	m.ReplyToID, m.ReplyCount, m.LastReplyAt = t.ReplyToID, t.ReplyCount, microTime(t.LastReplyAt)
	m.Reactions, m.EditCount, m.EditedAt = t.Reactions, t.EditCount, microTime(t.EditedAt)
	m.DeletedAt, m.ExternalError = microTime(t.DeletedAt), t.ExternalError
	var errs [5]error
	m.AuthorID, errs[0] = parseNullUUID(r.AuthorID)
	m.ContentAttributes, errs[1] = backend.FromJSON[convo.Attributes](r.ContentAttributes)
	m.Attachments, errs[2] = backend.FromJSON[[]convo.Attachment](r.Attachments)
	m.ExternalSourceIDs, errs[3] = backend.FromJSON[map[string]string](r.ExternalSourceIDs)
	m.AdditionalAttributes, errs[4] = backend.FromJSON[convo.Attributes](r.AdditionalAttributes)
	err := errors.Join(errs[:]...)
	if err != nil {
		return convo.Message{}, fmt.Errorf("sqlite: message %d: %w", r.ID, err)
	}
	return m, nil
}

// selectMessages runs a query of messageColumns.
func selectMessages(ctx context.Context, tx *dbtx, query string, args ...any) ([]convo.Message, error) {
	var list []convo.Message
	err := eachRow(ctx, tx, query, args, func(r messageRow) error { return appendRowMessage(&list, r) })
	return list, err
}

// selectOwnMessages runs a query of messageBodyColumns over the messages of
// one conversation, whose account and contact the caller knows.
func selectOwnMessages(ctx context.Context, tx *dbtx, accountID, conversationID, contactID int64, query string, args ...any) ([]convo.Message, error) {
	var list []convo.Message
	err := eachRow(ctx, tx, query, args, func(r ownMessageRow) error {
		r.AccountID, r.ConversationID, r.ContactID = accountID, conversationID, contactID
		return appendRowMessage(&list, r.messageRow)
	})
	return list, err
}

// appendRowMessage converts r and appends it to list.
func appendRowMessage(list *[]convo.Message, r messageRow) error {
	m, err := r.toMessage()
	if err != nil {
		return err
	}
	*list = append(*list, m)
	return nil
}
