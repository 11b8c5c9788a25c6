package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/convokit/convo"
)

// messageColumns are read by every query that returns messages; the
// contact comes from the conversation.
const messageColumns = `c.contact_id, ` + messageOwnColumns

// messageOwnColumns are a message's columns without its contact.
const messageOwnColumns = `m.id, m.account_id, m.conversation_id, m.seq, m.content, m.content_type,
	m.content_attributes, m.message_type, m.private, m.status, m.source_id, m.sender_type, m.author_id,
	m.written_at, m.created_at, m.updated_at, m.attachments, m.external_source_ids, m.additional_attributes`

const messageFrom = ` FROM messages m JOIN conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id`

// messageRow is a row of messages with its conversation's contact.
type messageRow struct {
	ID                   int64          `db:"id"`
	AccountID            int64          `db:"account_id"`
	ConversationID       int64          `db:"conversation_id"`
	ContactID            int64          `db:"contact_id"`
	Seq                  int64          `db:"seq"`
	Content              string         `db:"content"`
	ContentType          string         `db:"content_type"`
	ContentAttributes    string         `db:"content_attributes"`
	MessageType          int            `db:"message_type"`
	Private              bool           `db:"private"`
	Status               string         `db:"status"`
	SourceID             sql.NullString `db:"source_id"`
	SenderType           string         `db:"sender_type"`
	AuthorID             sql.NullString `db:"author_id"`
	WrittenAt            dbTime         `db:"written_at"`
	CreatedAt            dbTime         `db:"created_at"`
	UpdatedAt            dbTime         `db:"updated_at"`
	Attachments          string         `db:"attachments"`
	ExternalSourceIDs    string         `db:"external_source_ids"`
	AdditionalAttributes string         `db:"additional_attributes"`
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
	var rows []messageRow
	if err := tx.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, err
	}
	list := make([]convo.Message, 0, len(rows))
	for _, r := range rows {
		m, err := r.toMessage()
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	return list, nil
}

// selectMessagesByID finds messages by id; the unary + keeps SQLite from
// walking the account's messages by the account_id index instead.
// The contact comes from the conversation the caller already holds, so
// there is no join.
const selectMessagesByID = `SELECT ` + messageOwnColumns + ` FROM messages m WHERE m.id IN (?) AND +m.account_id = ?`

// messagesByID reads the messages with the given ids, by id, without their
// ContactID: the caller sets it from the conversation.
func messagesByID(ctx context.Context, tx *dbtx, accountID int64, ids []int64) (map[int64]convo.Message, error) {
	query, args, err := sqlx.In(selectMessagesByID, ids, accountID)
	if err != nil {
		return nil, err
	}
	list, err := selectMessages(ctx, tx, query, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]convo.Message, len(list))
	for _, m := range list {
		byID[m.ID] = m
	}
	return byID, nil
}
