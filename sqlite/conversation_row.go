package sqlite

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
)

// conversationColumns are read by every query that returns conversations
// (JSON columns, mostly empty, read as NULL then: see messageBodyColumns):
// the conversation with its labels and participants (lists the schema's
// triggers keep on the row), its contact (ct) and its last non-activity
// message (lm), all in one row, so a page is one query. The contact's and
// the message's account and ids come from the conversation. The order is
// the order of conversationRow.dest.
const conversationColumns = conversationHeadColumns + `,
	coalesce(lm.seq, 0), coalesce(lm.content, ''), ` + contentTypeOfLM + `, coalesce(lm.message_type, 0),
	coalesce(lm.private, 0), ` + statusOfLM + `, lm.source_id, coalesce(lm.sender_type, ''), lm.author_id,
	lm.created_at, nullif(lm.written_at, lm.created_at), nullif(lm.updated_at, lm.created_at),
	` + messageExtrasOfLM + `, ` + threadOfLM + `,
	c.version, ct.version`

// conversationHeadColumns are conversationColumns without the last message
// and the row versions (which only the row cache reads): what
// GetConversation reads when it reads the newest messages anyway, as the
// last message is nearly always among them.
const conversationHeadColumns = `c.id, c.uuid, c.account_id, c.contact_id, c.channel, c.inbox_id, c.team_id,
	c.assignee_id, c.author_id, c.status, c.snoozed_until, c.priority, c.muted, nullif(c.custom_attributes, '{}'),
	nullif(c.additional_attributes, '{}'), c.happened_at, c.created_at, c.updated_at, c.last_activity_at,
	c.first_reply_created_at, c.waiting_since, c.agent_last_seen_at, c.assignee_last_seen_at,
	c.contact_last_seen_at, c.last_incoming_at, c.messages_count, c.last_seq, c.unread_count,
	c.last_non_activity_message_id,
	c.label_list, c.user_list, c.audience_list,
	ct.first_name, ct.last_name, ct.nickname, ct.email, ct.phone, ct.identifier, ct.avatar_url, ct.blocked,
	nullif(ct.custom_attributes, '{}'), nullif(ct.additional_attributes, '{}'), ct.last_activity_at, ct.created_at, ct.updated_at`

// conversationFrom joins a conversation to its contact and its last
// non-activity message (by rowid: the unary + keeps the account's message
// index out of the join).
const conversationFrom = conversationHeadFrom + `
	LEFT JOIN convo_messages lm ON lm.id = c.last_non_activity_message_id AND +lm.account_id = c.account_id`

// conversationHeadFrom is conversationFrom without the last message.
const conversationHeadFrom = ` FROM convo_conversations c
	JOIN convo_contacts ct ON ct.account_id = c.account_id AND ct.id = c.contact_id`

// conversationRow is a row of conversationColumns.
type conversationRow struct {
	ID                       int64
	UUID                     string
	AccountID                int64
	ContactID                int64
	Channel                  string
	InboxID                  sql.NullInt64
	TeamID                   sql.NullInt64
	AssigneeID               sql.NullString
	AuthorID                 sql.NullString
	Status                   int
	SnoozedUntil             dbTime
	Priority                 int
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
	LastNonActivityMessageID sql.NullInt64
	Labels                   sql.NullString
	UserIDs                  sql.NullString // comma-separated
	AudienceIDs              sql.NullString // comma-separated
	Contact                  contactRow
	Last                     messageRow // valid when LastNonActivityMessageID is
	Versions                 rowVersions
}

// rowVersions are the versions of the rows a conversation is read from: its
// own (which an edit of its last message moves too) and its contact's.
type rowVersions struct{ conversation, contact int64 }

// dest lists where each of conversationColumns scans. Pages are scanned by
// hand, not by reflection: a page is the hottest read of the store.
func (r *conversationRow) dest() []any {
	dest := append(r.headDest(), r.Last.bodyDest()[1:]...) // the id is the conversation's last_non_activity_message_id
	return append(dest, &r.Versions.conversation, &r.Versions.contact)
}

// headDest lists where each of conversationHeadColumns scans.
func (r *conversationRow) headDest() []any {
	ct := &r.Contact
	return []any{&r.ID, &r.UUID, &r.AccountID, &r.ContactID, &r.Channel, &r.InboxID, &r.TeamID,
		&r.AssigneeID, &r.AuthorID, &r.Status, &r.SnoozedUntil, &r.Priority, &r.Muted, (*jsonColumn)(&r.CustomAttributes),
		(*jsonColumn)(&r.AdditionalAttributes), &r.HappenedAt, &r.CreatedAt, &r.UpdatedAt, &r.LastActivityAt,
		&r.FirstReplyCreatedAt, &r.WaitingSince, &r.AgentLastSeenAt, &r.AssigneeLastSeenAt,
		&r.ContactLastSeenAt, &r.LastIncomingAt, &r.MessagesCount, &r.LastSeq, &r.UnreadCount,
		&r.LastNonActivityMessageID,
		&r.Labels, &r.UserIDs, &r.AudienceIDs,
		&ct.FirstName, &ct.LastName, &ct.Nickname, &ct.Email, &ct.Phone, &ct.Identifier, &ct.AvatarURL, &ct.Blocked,
		(*jsonColumn)(&ct.CustomAttributes), (*jsonColumn)(&ct.AdditionalAttributes), &ct.LastActivityAt, &ct.CreatedAt, &ct.UpdatedAt,
	}
}

// conversationHeadRow is a row of conversationHeadColumns.
type conversationHeadRow struct{ conversationRow }

func (r *conversationHeadRow) dest() []any { return r.headDest() }

// selectConversations runs a query of conversationColumns.
func selectConversations(ctx context.Context, tx *dbtx, query string, args ...any) ([]conversationRow, error) {
	return queryRows[conversationRow](ctx, tx, query, args...)
}

// toConversation converts the row; now decides CanReply. A row is large,
// so it is not copied.
func (r *conversationRow) toConversation(now time.Time) (convo.Conversation, error) {
	c, err := r.toConversationHead(now)
	if err != nil || !r.LastNonActivityMessageID.Valid {
		return c, err
	}
	lm := r.Last
	lm.ID, lm.AccountID, lm.ConversationID, lm.ContactID = r.LastNonActivityMessageID.Int64, r.AccountID, r.ID, r.ContactID
	m, err := lm.toMessage()
	if err != nil {
		return convo.Conversation{}, err
	}
	c.LastNonActivityMessage = &m
	return c, nil
}

// toConversationHead converts the row but its last message.
func (r *conversationRow) toConversationHead(now time.Time) (convo.Conversation, error) {
	ct := r.Contact
	ct.ID, ct.AccountID = r.ContactID, r.AccountID
	contact, err := ct.toContact()
	if err != nil {
		return convo.Conversation{}, err
	}
	c := convo.Conversation{
		ID: r.ID, AccountID: r.AccountID, ContactID: r.ContactID, Contact: &contact,
		Channel: convo.Channel(r.Channel), InboxID: r.InboxID.Int64, TeamID: r.TeamID.Int64,
		Status: backend.StatusFromCode(r.Status), SnoozedUntil: r.SnoozedUntil.Time,
		Priority: convo.PriorityFromRank(r.Priority), Muted: r.Muted,
		HappenedAt: r.HappenedAt.Time, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time,
		LastActivityAt: r.LastActivityAt.Time, FirstReplyCreatedAt: r.FirstReplyCreatedAt.Time,
		WaitingSince: r.WaitingSince.Time, AgentLastSeenAt: r.AgentLastSeenAt.Time,
		AssigneeLastSeenAt: r.AssigneeLastSeenAt.Time, ContactLastSeenAt: r.ContactLastSeenAt.Time,
		LastIncomingAt: r.LastIncomingAt.Time, MessagesCount: r.MessagesCount, LastSeq: r.LastSeq,
		UnreadCount: r.UnreadCount,
	}
	c.CanReply = convo.ComputeCanReply(c.Channel, contact.Blocked, c.LastIncomingAt, now)
	var errUUID, errAssignee, errAuthor error
	c.UUID, errUUID = uuid.Parse(r.UUID)
	c.AssigneeID, errAssignee = parseNullUUID(r.AssigneeID)
	c.AuthorID, errAuthor = parseNullUUID(r.AuthorID)
	if r.Labels.Valid {
		c.Labels = strings.Split(r.Labels.String, ",")
		slices.Sort(c.Labels)
	}
	var errUsers, errAudiences, errCustom, errAdditional error
	c.UserIDs, errUsers = splitList(r.UserIDs, uuid.Parse, compareUUIDs)
	c.AudienceIDs, errAudiences = splitList(r.AudienceIDs, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }, cmp.Compare[int64])
	c.CustomAttributes, errCustom = backend.FromJSON[convo.Attributes](r.CustomAttributes)
	c.AdditionalAttributes, errAdditional = backend.FromJSON[convo.Attributes](r.AdditionalAttributes)
	err = errors.Join(errUUID, errAssignee, errAuthor, errUsers, errAudiences, errCustom, errAdditional)
	if err != nil {
		return convo.Conversation{}, fmt.Errorf("sqlite: conversation %d: %w", r.ID, err)
	}
	return c, nil
}

// compareUUIDs orders user ids as the lists on the row do: byte order is
// the order of their text.
func compareUUIDs(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// splitList parses a group_concat of values, sorted; NULL is an empty list.
func splitList[T any](s sql.NullString, parse func(string) (T, error), compare func(a, b T) int) ([]T, error) {
	if !s.Valid {
		return nil, nil
	}
	list := make([]T, 0, strings.Count(s.String, ",")+1)
	for p := range strings.SplitSeq(s.String, ",") {
		v, err := parse(p)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	slices.SortFunc(list, compare)
	return list, nil
}

func parseNullUUID(s sql.NullString) (uuid.UUID, error) {
	if !s.Valid {
		return uuid.Nil, nil
	}
	return uuid.Parse(s.String)
}

// uuidValue stores uuid.Nil as NULL.
func uuidValue(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id.String()
}

// idValue stores an optional reference (0: none) as NULL.
func idValue(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
