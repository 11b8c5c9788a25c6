package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// conversationColumns are read by every query that returns conversations:
// the conversation, its labels and its contact (columns "ct.*").
const conversationColumns = `c.id, c.uuid, c.account_id, c.contact_id, c.channel, c.inbox_id, c.team_id,
	c.assignee_id, c.author_id, c.status, c.snoozed_until, c.priority, c.muted, c.custom_attributes,
	c.additional_attributes, c.happened_at, c.created_at, c.updated_at, c.last_activity_at,
	c.first_reply_created_at, c.waiting_since, c.agent_last_seen_at, c.assignee_last_seen_at,
	c.contact_last_seen_at, c.last_incoming_at, c.messages_count, c.last_seq, c.unread_count,
	c.last_non_activity_message_id,
	(SELECT group_concat(l.label, ',') FROM conversation_labels l WHERE l.conversation_id = c.id) AS labels,
	ct.id AS "ct.id", ct.account_id AS "ct.account_id", ct.first_name AS "ct.first_name",
	ct.last_name AS "ct.last_name", ct.nickname AS "ct.nickname", ct.sort_name AS "ct.sort_name",
	ct.email AS "ct.email", ct.phone AS "ct.phone", ct.identifier AS "ct.identifier",
	ct.avatar_url AS "ct.avatar_url", ct.blocked AS "ct.blocked",
	ct.custom_attributes AS "ct.custom_attributes", ct.additional_attributes AS "ct.additional_attributes",
	ct.last_activity_at AS "ct.last_activity_at", ct.created_at AS "ct.created_at", ct.updated_at AS "ct.updated_at"`

// conversationFrom joins a conversation to its contact.
const conversationFrom = ` FROM conversations c JOIN contacts ct ON ct.account_id = c.account_id AND ct.id = c.contact_id`

// conversationRow is a row of conversations with its labels and contact.
type conversationRow struct {
	ID                       int64          `db:"id"`
	UUID                     string         `db:"uuid"`
	AccountID                int64          `db:"account_id"`
	ContactID                int64          `db:"contact_id"`
	Channel                  string         `db:"channel"`
	InboxID                  sql.NullInt64  `db:"inbox_id"`
	TeamID                   sql.NullInt64  `db:"team_id"`
	AssigneeID               sql.NullString `db:"assignee_id"`
	AuthorID                 sql.NullString `db:"author_id"`
	Status                   int            `db:"status"`
	SnoozedUntil             dbTime         `db:"snoozed_until"`
	Priority                 int            `db:"priority"`
	Muted                    bool           `db:"muted"`
	CustomAttributes         string         `db:"custom_attributes"`
	AdditionalAttributes     string         `db:"additional_attributes"`
	HappenedAt               dbTime         `db:"happened_at"`
	CreatedAt                dbTime         `db:"created_at"`
	UpdatedAt                dbTime         `db:"updated_at"`
	LastActivityAt           dbTime         `db:"last_activity_at"`
	FirstReplyCreatedAt      dbTime         `db:"first_reply_created_at"`
	WaitingSince             dbTime         `db:"waiting_since"`
	AgentLastSeenAt          dbTime         `db:"agent_last_seen_at"`
	AssigneeLastSeenAt       dbTime         `db:"assignee_last_seen_at"`
	ContactLastSeenAt        dbTime         `db:"contact_last_seen_at"`
	LastIncomingAt           dbTime         `db:"last_incoming_at"`
	MessagesCount            int64          `db:"messages_count"`
	LastSeq                  int64          `db:"last_seq"`
	UnreadCount              int64          `db:"unread_count"`
	LastNonActivityMessageID sql.NullInt64  `db:"last_non_activity_message_id"`
	Labels                   sql.NullString `db:"labels"`
	Contact                  contactRow     `db:"ct"`
}

// statusCodes store statuses as small integers, in Chatwoot's order.
var statusCodes = map[convo.Status]int{
	convo.StatusOpen: 0, convo.StatusResolved: 1, convo.StatusPending: 2, convo.StatusSnoozed: 3,
}

func statusFromCode(code int) convo.Status {
	for s, c := range statusCodes {
		if c == code {
			return s
		}
	}
	return ""
}

// toConversation converts the row; now decides CanReply.
func (r conversationRow) toConversation(now time.Time) (convo.Conversation, error) {
	contact, err := r.Contact.toContact()
	if err != nil {
		return convo.Conversation{}, err
	}
	c := convo.Conversation{
		ID: r.ID, AccountID: r.AccountID, ContactID: r.ContactID, Contact: &contact,
		Channel: convo.Channel(r.Channel), InboxID: r.InboxID.Int64, TeamID: r.TeamID.Int64,
		Status: statusFromCode(r.Status), SnoozedUntil: r.SnoozedUntil.Time,
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
	err = errors.Join(errUUID, errAssignee, errAuthor,
		fromJSON(r.CustomAttributes, &c.CustomAttributes), fromJSON(r.AdditionalAttributes, &c.AdditionalAttributes))
	if err != nil {
		return convo.Conversation{}, fmt.Errorf("sqlite: conversation %d: %w", r.ID, err)
	}
	return c, nil
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
