package convo

import (
	"time"

	"github.com/google/uuid"
)

// Conversation is a thread of messages with one contact, on one channel.
// It carries every field of Monica's and Chatwoot's conversation; the
// derived ones (UnreadCount, LastNonActivityMessage, CanReply) are computed
// by the store when it returns the conversation.
type Conversation struct {
	ID        int64     `json:"id"`
	UUID      uuid.UUID `json:"uuid,omitzero"`
	AccountID int64     `json:"account_id"`
	ContactID int64     `json:"contact_id"`
	// Contact is the conversation's contact, filled in by the store on
	// every conversation it returns.
	Contact *Contact `json:"contact,omitzero"`

	Channel    Channel   `json:"channel,omitzero"`
	InboxID    int64     `json:"inbox_id,omitzero"`    // 0 when none
	TeamID     int64     `json:"team_id,omitzero"`     // 0 when none
	AssigneeID uuid.UUID `json:"assignee_id,omitzero"` // uuid.Nil when unassigned
	AuthorID   uuid.UUID `json:"author_id,omitzero"`   // the user who started it; uuid.Nil when the contact did

	// UserIDs are the participant users, sorted; the author is always one.
	UserIDs []uuid.UUID `json:"user_ids"`
	// AudienceIDs are the audiences (host-owned groups of users) whose
	// members take part, sorted.
	AudienceIDs []int64 `json:"audience_ids"`

	Status       Status    `json:"status,omitzero"`
	SnoozedUntil time.Time `json:"snoozed_until,omitzero"` // zero unless snoozed until a time
	Priority     Priority  `json:"priority,omitzero"`
	Labels       []string  `json:"labels"` // normalised, sorted
	Muted        bool      `json:"muted"`

	CustomAttributes     Attributes `json:"custom_attributes"`
	AdditionalAttributes Attributes `json:"additional_attributes"`

	HappenedAt          time.Time `json:"happened_at,omitzero"` // when it happened (Monica's happened_at)
	CreatedAt           time.Time `json:"created_at,omitzero"`
	UpdatedAt           time.Time `json:"updated_at,omitzero"`
	LastActivityAt      time.Time `json:"last_activity_at,omitzero"`       // the newest message, or creation
	FirstReplyCreatedAt time.Time `json:"first_reply_created_at,omitzero"` // the first human reply; zero until then
	WaitingSince        time.Time `json:"waiting_since,omitzero"`          // since when the contact waits for a reply; zero when not waiting
	AgentLastSeenAt     time.Time `json:"agent_last_seen_at,omitzero"`
	AssigneeLastSeenAt  time.Time `json:"assignee_last_seen_at,omitzero"`
	ContactLastSeenAt   time.Time `json:"contact_last_seen_at,omitzero"`
	LastIncomingAt      time.Time `json:"last_incoming_at,omitzero"` // the newest incoming message; zero when none

	// MessagesCount counts the conversation's messages, activity included.
	MessagesCount int64 `json:"messages_count"`
	// LastSeq is the sequence number of the newest message (0 when none).
	// Message sequence numbers grow by one per message in a conversation.
	LastSeq int64 `json:"last_seq"`
	// UnreadCount counts incoming messages after AgentLastSeenAt.
	UnreadCount int64 `json:"unread_count"`
	// LastNonActivityMessage is the newest message that is not an activity
	// message; nil when none.
	LastNonActivityMessage *Message `json:"last_non_activity_message,omitzero"`
	// CanReply: the contact is not blocked and the channel's reply window
	// (Channel.ReplyWindow) has not closed since the last incoming message.
	CanReply bool `json:"can_reply"`
	// UnseenMessagesCount counts, for the Viewer the conversation was read
	// with, the messages by others (not activity messages) after the
	// viewer's read horizon. 0 when read without a viewer.
	UnseenMessagesCount int `json:"unseen_messages_count"`

	// Messages, oldest first, when the caller asked for them.
	Messages []Message `json:"messages"`
}

// ComputeCanReply is the rule behind Conversation.CanReply.
func ComputeCanReply(channel Channel, contactBlocked bool, lastIncomingAt, now time.Time) bool {
	if contactBlocked {
		return false
	}
	w := channel.ReplyWindow()
	return w == 0 || (!lastIncomingAt.IsZero() && now.Sub(lastIncomingAt) < w)
}

// NewConversation is the input to create a conversation. ContactID, Channel
// and HappenedAt are required, as in Monica's API.
type NewConversation struct {
	ContactID  int64
	Channel    Channel
	HappenedAt time.Time

	// UUID may be chosen by the caller; a new random one is used when nil.
	UUID       uuid.UUID
	InboxID    int64
	TeamID     int64
	AssigneeID uuid.UUID
	AuthorID   uuid.UUID
	// UserIDs are the participant users; the author is one whether or not
	// it is listed. AudienceIDs are the participant audiences. A list must
	// not repeat an id.
	UserIDs     []uuid.UUID
	AudienceIDs []int64
	// Status defaults to open. SnoozedUntil is only allowed with snoozed.
	Status       Status
	SnoozedUntil time.Time
	Priority     Priority
	Labels       []string
	// Muted sets the flag as given, as an import would: it neither
	// resolves the conversation nor blocks the contact (muting does that,
	// see ConversationUpdate.Muted). A blocked contact's conversation
	// starts muted whatever it says.
	Muted bool

	CustomAttributes     Attributes
	AdditionalAttributes Attributes
}

// WithDefaults returns c with the defaults of omitted fields filled in and
// its labels normalised where they are valid.
func (c NewConversation) WithDefaults() NewConversation {
	if c.Status == "" {
		c.Status = StatusOpen
	}
	if labels, err := NormalizeLabels("labels", c.Labels); err == nil {
		c.Labels = labels
	}
	return c
}

// Validate reports every problem of the input as a *ValidationError.
// Call it on the result of WithDefaults.
func (c NewConversation) Validate() error {
	var p problems
	p.requiredID("contact_id", c.ContactID)
	if c.Channel == "" {
		p.add("channel", CodeRequired, "is required")
	} else {
		p.channel("channel", c.Channel)
	}
	p.requiredTime("happened_at", c.HappenedAt)
	p.id("inbox_id", c.InboxID)
	p.id("team_id", c.TeamID)
	p.enum("status", c.Status, string(c.Status))
	p.time("snoozed_until", c.SnoozedUntil)
	if !c.SnoozedUntil.IsZero() && c.Status != StatusSnoozed {
		p.add("snoozed_until", CodeMismatch, "is only allowed when the status is snoozed")
	}
	p.enum("priority", c.Priority, string(c.Priority))
	if _, err := NormalizeLabels("labels", c.Labels); err != nil {
		p.list = append(p.list, err.(*ValidationError).Errors...)
	}
	p.attributes("custom_attributes", c.CustomAttributes)
	p.attributes("additional_attributes", c.AdditionalAttributes)
	p.participants(c.UserIDs, c.AudienceIDs)
	return p.err()
}

// ConversationUpdate changes the fields that are not nil. Status,
// assignment and labels have calls of their own.
type ConversationUpdate struct {
	HappenedAt *time.Time
	Channel    *Channel
	InboxID    *int64
	TeamID     *int64
	Priority   *Priority
	// Muted mutes or unmutes the conversation as Chatwoot does: muting
	// resolves it and blocks its contact, unmuting unblocks the contact
	// and leaves the status as it is.
	Muted *bool

	CustomAttributes     *Attributes
	AdditionalAttributes *Attributes

	// Quiet skips the activity messages a change of team, priority or
	// muting writes.
	Quiet bool
}

// Validate reports every problem of the update as a *ValidationError.
func (u ConversationUpdate) Validate() error {
	var p problems
	if u.HappenedAt != nil {
		p.requiredTime("happened_at", *u.HappenedAt)
	}
	if u.Channel != nil {
		p.channel("channel", *u.Channel)
	}
	if u.InboxID != nil {
		p.id("inbox_id", *u.InboxID)
	}
	if u.TeamID != nil {
		p.id("team_id", *u.TeamID)
	}
	if u.Priority != nil {
		p.enum("priority", *u.Priority, string(*u.Priority))
	}
	if u.CustomAttributes != nil {
		p.attributes("custom_attributes", *u.CustomAttributes)
	}
	if u.AdditionalAttributes != nil {
		p.attributes("additional_attributes", *u.AdditionalAttributes)
	}
	return p.err()
}

// Apply returns c with the update's fields set. It does not validate.
func (u ConversationUpdate) Apply(c Conversation) Conversation {
	set(&c.HappenedAt, u.HappenedAt)
	set(&c.Channel, u.Channel)
	set(&c.InboxID, u.InboxID)
	set(&c.TeamID, u.TeamID)
	set(&c.Priority, u.Priority)
	set(&c.Muted, u.Muted)
	set(&c.CustomAttributes, u.CustomAttributes)
	set(&c.AdditionalAttributes, u.AdditionalAttributes)
	return c
}
