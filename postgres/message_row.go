package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
)

// messageColumns are a message's columns, of the table aliased m, with its
// conversation's contact (c joined).
const messageColumns = `m.account_id, m.conversation_id, c.contact_id, ` + messageBodyColumns

// messageBodyColumns are a message's columns but the account, conversation
// and contact.
const messageBodyColumns = `m.id, m.seq, m.content, m.content_type, m.message_type, m.private, m.status,
	m.source_id, m.sender_type, m.author_id, m.created_at, m.written_at, m.updated_at,
	m.content_attributes::text, m.attachments::text, m.external_source_ids::text, m.additional_attributes::text,
	m.reply_to_id, m.reply_count, m.last_reply_at, m.reactions::text, m.edit_count, m.edited_at, m.deleted_at,
	m.external_error`

const messageFrom = ` FROM convo_messages m JOIN convo_conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id`

const selectMessage = `SELECT ` + messageColumns + messageFrom + ` WHERE m.account_id = $1 AND m.id = $2`

// messageRow is a row of messageColumns.
type messageRow struct {
	AccountID            int64
	ConversationID       int64
	ContactID            int64
	ID                   int64
	Seq                  int64
	Content              string
	ContentType          string
	MessageType          int16
	Private              bool
	Status               string
	SourceID             *string
	SenderType           string
	AuthorID             nullUUID
	CreatedAt            dbTime
	WrittenAt            dbTime
	UpdatedAt            dbTime
	ContentAttributes    string
	Attachments          string
	ExternalSourceIDs    string
	AdditionalAttributes string
	ReplyToID            *int64
	ReplyCount           int32
	LastReplyAt          dbTime
	Reactions            *string // NULL: none
	EditCount            int32
	EditedAt             dbTime
	DeletedAt            dbTime
	ExternalError        string
}

func (r *messageRow) dest() []any {
	return append([]any{&r.AccountID, &r.ConversationID, &r.ContactID}, r.bodyDest()...)
}

func (r *messageRow) bodyDest() []any {
	return []any{&r.ID, &r.Seq, &r.Content, &r.ContentType, &r.MessageType, &r.Private, &r.Status, &r.SourceID,
		&r.SenderType, &r.AuthorID, &r.CreatedAt, &r.WrittenAt, &r.UpdatedAt, &r.ContentAttributes, &r.Attachments,
		&r.ExternalSourceIDs, &r.AdditionalAttributes, &r.ReplyToID, &r.ReplyCount, &r.LastReplyAt, &r.Reactions,
		&r.EditCount, &r.EditedAt, &r.DeletedAt, &r.ExternalError}
}

// ownMessageRow is a row of messageBodyColumns: a message of a conversation
// the caller knows.
type ownMessageRow struct{ messageRow }

func (r *ownMessageRow) dest() []any { return r.bodyDest() }

func (r messageRow) toMessage() (convo.Message, error) {
	m := convo.Message{
		ID: r.ID, AccountID: r.AccountID, ConversationID: r.ConversationID, ContactID: r.ContactID, Seq: r.Seq,
		Content: r.Content, ContentType: convo.ContentType(r.ContentType),
		Type: convo.MessageTypeFromCode(int(r.MessageType)), Private: r.Private, Status: convo.MessageStatus(r.Status),
		SourceID: deref(r.SourceID), SenderType: convo.SenderType(r.SenderType), AuthorID: r.AuthorID.UUID,
		WrittenAt: r.WrittenAt.Time, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time,
		ReplyToID: derefInt(r.ReplyToID), ReplyCount: int(r.ReplyCount), LastReplyAt: r.LastReplyAt.Time,
		EditCount: int(r.EditCount), EditedAt: r.EditedAt.Time, DeletedAt: r.DeletedAt.Time, ExternalError: r.ExternalError,
	}
	var errs [5]error
	m.ContentAttributes, errs[0] = backend.FromJSON[convo.Attributes](r.ContentAttributes)
	m.Attachments, errs[1] = backend.FromJSON[[]convo.Attachment](r.Attachments)
	m.ExternalSourceIDs, errs[2] = backend.FromJSON[map[string]string](r.ExternalSourceIDs)
	m.AdditionalAttributes, errs[3] = backend.FromJSON[convo.Attributes](r.AdditionalAttributes)
	if r.Reactions != nil {
		m.Reactions, errs[4] = backend.FromJSON[map[string]int](*r.Reactions)
	}
	if err := errors.Join(errs[:]...); err != nil {
		return convo.Message{}, fmt.Errorf("postgres: message %d: %w", r.ID, err)
	}
	return m, nil
}

// selectMessages runs a query of messageColumns.
func selectMessages(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]convo.Message, error) {
	var list []convo.Message
	err := eachRow(ctx, tx, query, args, func(r messageRow) error { return appendRowMessage(&list, r) })
	return list, err
}

// selectOwnMessages runs a query of messageBodyColumns over the messages of
// one conversation, whose account and contact the caller knows.
func selectOwnMessages(ctx context.Context, tx pgx.Tx, accountID, conversationID, contactID int64, query string, args ...any) ([]convo.Message, error) {
	var list []convo.Message
	err := eachRow(ctx, tx, query, args, func(r ownMessageRow) error {
		r.AccountID, r.ConversationID, r.ContactID = accountID, conversationID, contactID
		return appendRowMessage(&list, r.messageRow)
	})
	return list, err
}

func appendRowMessage(list *[]convo.Message, r messageRow) error {
	m, err := r.toMessage()
	if err != nil {
		return err
	}
	*list = append(*list, m)
	return nil
}

// getMessage reads one message, or ErrNotFound.
func getMessage(ctx context.Context, tx pgx.Tx, accountID, id int64) (convo.Message, error) {
	list, err := selectMessages(ctx, tx, selectMessage, accountID, id)
	if err != nil {
		return convo.Message{}, err
	}
	if len(list) == 0 {
		return convo.Message{}, convo.ErrNotFound
	}
	return list[0], nil
}
