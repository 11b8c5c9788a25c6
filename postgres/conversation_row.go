package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
)

// conversationColumns are read by every query that returns conversations:
// the conversation with its labels and participants (lists the schema's
// triggers keep on the row), its contact (ct) and its last non-activity
// message (lm), all in one row. The order is the order of
// conversationRow.dest.
const conversationColumns = `c.id, c.uuid, c.account_id, c.contact_id, c.channel, c.inbox_id, c.team_id,
	c.assignee_id, c.author_id, c.status, c.snoozed_until, c.priority, c.muted, c.custom_attributes::text,
	c.additional_attributes::text, c.happened_at, c.created_at, c.updated_at, c.last_activity_at,
	c.first_reply_created_at, c.waiting_since, c.agent_last_seen_at, c.assignee_last_seen_at,
	c.contact_last_seen_at, c.last_incoming_at, c.messages_count, c.last_seq, c.unread_count,
	c.last_non_activity_message_id, c.labels, c.user_ids, c.audience_ids, c.version, ct.version,
	ct.first_name, ct.last_name, ct.nickname, ct.email, ct.phone, ct.identifier, ct.avatar_url, ct.blocked,
	ct.custom_attributes::text, ct.additional_attributes::text, ct.last_activity_at, ct.created_at, ct.updated_at,
	coalesce(lm.seq, 0), coalesce(lm.content, ''), coalesce(lm.content_type, ''), coalesce(lm.message_type, 0),
	coalesce(lm.private, false), coalesce(lm.status, ''), lm.source_id, coalesce(lm.sender_type, ''), lm.author_id,
	lm.created_at, lm.written_at, lm.updated_at, coalesce(lm.content_attributes::text, ''),
	coalesce(lm.attachments::text, ''), coalesce(lm.external_source_ids::text, ''),
	coalesce(lm.additional_attributes::text, ''), lm.reply_to_id, coalesce(lm.reply_count, 0), lm.last_reply_at,
	lm.reactions::text, coalesce(lm.edit_count, 0), lm.edited_at, lm.deleted_at, coalesce(lm.external_error, '')`

// conversationFrom joins a conversation to its contact and its last
// non-activity message.
const conversationFrom = ` FROM convo_conversations c
	JOIN convo_contacts ct ON ct.account_id = c.account_id AND ct.id = c.contact_id
	LEFT JOIN convo_messages lm ON lm.account_id = c.account_id AND lm.id = c.last_non_activity_message_id`

const selectConversation = `SELECT ` + conversationColumns + conversationFrom + ` WHERE c.account_id = $1 AND c.id = $2`

// conversationRow is a row of conversationColumns.
type conversationRow struct {
	ID                       int64
	UUID                     nullUUID // never NULL: scanned as pgx's own type, not as a sql.Scanner's text
	AccountID                int64
	ContactID                int64
	Channel                  string
	InboxID                  *int64
	TeamID                   *int64
	AssigneeID               nullUUID
	AuthorID                 nullUUID
	Status                   int16
	SnoozedUntil             dbTime
	Priority                 int16
	Muted                    bool
	CustomAttributes         string
	AdditionalAttributes     string
	HappenedAt               dbTime
	CreatedAt                dbTime
	UpdatedAt                dbTime
	LastActivityAt           dbTime
	FirstReplyCreatedAt      dbTime
	WaitingSince             dbTime
	AgentLastSeenAt          dbTime
	AssigneeLastSeenAt       dbTime
	ContactLastSeenAt        dbTime
	LastIncomingAt           dbTime
	MessagesCount            int64
	LastSeq                  int64
	UnreadCount              int64
	LastNonActivityMessageID *int64
	Labels                   []string
	UserIDs                  pgtype.FlatArray[pgtype.UUID] // scanned without reflection
	AudienceIDs              []int64
	Versions                 rowVersions
	Contact                  contactRow
	Last                     messageRow // valid when LastNonActivityMessageID is
}

// rowVersions are the versions of the rows a conversation is read from: its
// own (which an edit of its last message moves too) and its contact's.
type rowVersions struct{ conversation, contact int64 }

func (r *conversationRow) dest() []any {
	ct := &r.Contact
	dest := []any{&r.ID, &r.UUID, &r.AccountID, &r.ContactID, &r.Channel, &r.InboxID, &r.TeamID,
		&r.AssigneeID, &r.AuthorID, &r.Status, &r.SnoozedUntil, &r.Priority, &r.Muted, &r.CustomAttributes,
		&r.AdditionalAttributes, &r.HappenedAt, &r.CreatedAt, &r.UpdatedAt, &r.LastActivityAt,
		&r.FirstReplyCreatedAt, &r.WaitingSince, &r.AgentLastSeenAt, &r.AssigneeLastSeenAt,
		&r.ContactLastSeenAt, &r.LastIncomingAt, &r.MessagesCount, &r.LastSeq, &r.UnreadCount,
		&r.LastNonActivityMessageID, &r.Labels, &r.UserIDs, &r.AudienceIDs, &r.Versions.conversation, &r.Versions.contact,
		&ct.FirstName, &ct.LastName, &ct.Nickname, &ct.Email, &ct.Phone, &ct.Identifier, &ct.AvatarURL, &ct.Blocked,
		&ct.CustomAttributes, &ct.AdditionalAttributes, &ct.LastActivityAt, &ct.CreatedAt, &ct.UpdatedAt,
	}
	return append(dest, r.Last.bodyDest()[1:]...) // the id is last_non_activity_message_id
}

// toConversation converts the row; now decides CanReply.
func (r *conversationRow) toConversation(now time.Time) (convo.Conversation, error) {
	ct := r.Contact
	ct.ID, ct.AccountID = r.ContactID, r.AccountID
	contact, err := ct.toContact()
	if err != nil {
		return convo.Conversation{}, err
	}
	c := convo.Conversation{
		ID: r.ID, UUID: r.UUID.UUID, AccountID: r.AccountID, ContactID: r.ContactID, Contact: &contact,
		Channel: convo.Channel(r.Channel), InboxID: derefInt(r.InboxID), TeamID: derefInt(r.TeamID),
		AssigneeID: r.AssigneeID.UUID, AuthorID: r.AuthorID.UUID,
		Status: backend.StatusFromCode(int(r.Status)), SnoozedUntil: r.SnoozedUntil.Time,
		Priority: convo.PriorityFromRank(int(r.Priority)), Muted: r.Muted,
		HappenedAt: r.HappenedAt.Time, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time,
		LastActivityAt: r.LastActivityAt.Time, FirstReplyCreatedAt: r.FirstReplyCreatedAt.Time,
		WaitingSince: r.WaitingSince.Time, AgentLastSeenAt: r.AgentLastSeenAt.Time,
		AssigneeLastSeenAt: r.AssigneeLastSeenAt.Time, ContactLastSeenAt: r.ContactLastSeenAt.Time,
		LastIncomingAt: r.LastIncomingAt.Time, MessagesCount: r.MessagesCount, LastSeq: r.LastSeq,
		UnreadCount: r.UnreadCount,
	}
	c.CanReply = convo.ComputeCanReply(c.Channel, contact.Blocked, c.LastIncomingAt, now)
	if len(r.Labels) > 0 {
		c.Labels = slices.Clone(r.Labels)
	}
	for _, u := range r.UserIDs {
		c.UserIDs = append(c.UserIDs, u.Bytes)
	}
	if len(r.AudienceIDs) > 0 {
		c.AudienceIDs = slices.Clone(r.AudienceIDs)
	}
	var errCustom, errAdditional error
	c.CustomAttributes, errCustom = backend.FromJSON[convo.Attributes](r.CustomAttributes)
	c.AdditionalAttributes, errAdditional = backend.FromJSON[convo.Attributes](r.AdditionalAttributes)
	if err := errors.Join(errCustom, errAdditional); err != nil {
		return convo.Conversation{}, fmt.Errorf("postgres: conversation %d: %w", r.ID, err)
	}
	if r.LastNonActivityMessageID != nil {
		lm := r.Last
		lm.ID, lm.AccountID, lm.ConversationID, lm.ContactID = *r.LastNonActivityMessageID, r.AccountID, r.ID, r.ContactID
		m, err := lm.toMessage()
		if err != nil {
			return convo.Conversation{}, err
		}
		c.LastNonActivityMessage = &m
	}
	return c, nil
}

func derefInt(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// selectConversations runs a query of conversationColumns and converts
// its rows.
func selectConversations(ctx context.Context, tx pgx.Tx, now time.Time, query string, args ...any) ([]convo.Conversation, error) {
	var list []convo.Conversation
	err := eachRow(ctx, tx, query, args, func(r conversationRow) error {
		c, err := r.toConversation(now)
		if err != nil {
			return err
		}
		list = append(list, c)
		return nil
	})
	return list, err
}

// collectRows scans every row of a query (a batch's) into an R, in a
// slice with room for size of them (as queryRows).
func collectRows[R any, P scannedRow[R]](rows pgx.Rows, size int) ([]R, error) {
	list := make([]R, 0, size)
	err := scanEach[R, P](rows, func(r R) error {
		list = append(list, r)
		return nil
	})
	return list, err
}

// getConversation reads one conversation with its contact, labels and last
// non-activity message.
func getConversation(ctx context.Context, tx pgx.Tx, accountID, id int64, now time.Time) (convo.Conversation, error) {
	list, err := selectConversations(ctx, tx, now, selectConversation, accountID, id)
	if err != nil {
		return convo.Conversation{}, err
	}
	if len(list) == 0 {
		return convo.Conversation{}, convo.ErrNotFound
	}
	return list[0], nil
}
