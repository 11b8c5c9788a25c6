package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/convokit/convo"
)

// messageColumns are read by every query that returns messages; the
// contact comes from the conversation.
const messageColumns = `c.contact_id, ` + messageOwnColumns

// messageOwnColumns are a message's columns without its contact.
// The JSON columns, mostly empty ('{}'), come back as NULL then: a NULL
// costs the driver one call, a text three and a copy (see jsonColumn).
const messageOwnColumns = `m.id, m.account_id, m.conversation_id, m.seq, m.content, m.content_type,
	nullif(m.content_attributes, '{}'), m.message_type, m.private, m.status, m.source_id, m.sender_type, m.author_id,
	m.written_at, m.created_at, m.updated_at, nullif(m.attachments, '{}'), nullif(m.external_source_ids, '{}'),
	nullif(m.additional_attributes, '{}')`

// ownMessageColumns read one conversation's messages: the caller binds the
// conversation's contact, already known, as the first argument instead of
// joining every message to its conversation.
const ownMessageColumns = `? AS contact_id, ` + messageOwnColumns

const messageFrom = ` FROM messages m JOIN conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id`

// messageRow is a row of messages with its conversation's contact.
type messageRow struct {
	ID                   int64
	AccountID            int64
	ConversationID       int64
	ContactID            int64
	Seq                  int64
	Content              string
	ContentType          string
	ContentAttributes    string
	MessageType          int
	Private              bool
	Status               string
	SourceID             sql.NullString
	SenderType           string
	AuthorID             sql.NullString
	WrittenAt            dbTime
	CreatedAt            dbTime
	UpdatedAt            dbTime
	Attachments          string
	ExternalSourceIDs    string
	AdditionalAttributes string
}

// dest lists where each of messageColumns scans, by hand as pages are.
func (r *messageRow) dest() []any {
	return []any{&r.ContactID, &r.ID, &r.AccountID, &r.ConversationID, &r.Seq, &r.Content, &r.ContentType,
		(*jsonColumn)(&r.ContentAttributes), &r.MessageType, &r.Private, &r.Status, &r.SourceID, &r.SenderType, &r.AuthorID,
		&r.WrittenAt, &r.CreatedAt, &r.UpdatedAt, (*jsonColumn)(&r.Attachments), (*jsonColumn)(&r.ExternalSourceIDs),
		(*jsonColumn)(&r.AdditionalAttributes)}
}

func (r messageRow) toMessage() (convo.Message, error) {
	m := convo.Message{
		ID: r.ID, AccountID: r.AccountID, ConversationID: r.ConversationID, ContactID: r.ContactID, Seq: r.Seq,
		Content: r.Content, ContentType: convo.ContentType(r.ContentType),
		Type: convo.MessageTypeFromCode(r.MessageType), Private: r.Private, Status: convo.MessageStatus(r.Status),
		SourceID: r.SourceID.String, SenderType: convo.SenderType(r.SenderType),
		WrittenAt: r.WrittenAt.Time, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time,
	}
	var errAuthor error
	m.AuthorID, errAuthor = parseNullUUID(r.AuthorID)
	err := errors.Join(errAuthor,
		fromJSON(r.ContentAttributes, &m.ContentAttributes), fromJSON(r.Attachments, &m.Attachments),
		fromJSON(r.ExternalSourceIDs, &m.ExternalSourceIDs), fromJSON(r.AdditionalAttributes, &m.AdditionalAttributes))
	if err != nil {
		return convo.Message{}, fmt.Errorf("sqlite: message %d: %w", r.ID, err)
	}
	return m, nil
}

// messageArgs are the stored forms of a message's JSON columns.
type messageJSON struct{ contentAttributes, attachments, externalIDs, additional string }

func encodeMessageJSON(m convo.Message) (messageJSON, error) {
	var j messageJSON
	var errs [4]error
	j.contentAttributes, errs[0] = jsonText(m.ContentAttributes)
	j.attachments, errs[1] = jsonText(m.Attachments)
	j.externalIDs, errs[2] = jsonText(m.ExternalSourceIDs)
	j.additional, errs[3] = jsonText(m.AdditionalAttributes)
	return j, errors.Join(errs[:]...)
}

// selectMessages runs a query of messages taking (account, conversation, limit).
func selectMessages(ctx context.Context, tx *dbtx, query string, args ...any) ([]convo.Message, error) {
	var list []convo.Message
	err := eachRow(ctx, tx, query, args, func(r messageRow) error {
		m, err := r.toMessage()
		if err != nil {
			return err
		}
		list = append(list, m)
		return nil
	})
	return list, err
}
