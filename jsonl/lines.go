package jsonl

import (
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// The lines of an export, one struct per type. Field names are the APIs'
// snake_case; zero values are left out, so a hand-written fixture needs
// only what it sets.

// Type names the kind of a line: the header's, or a record's.
const (
	TypeHeader       = "convo-export"
	TypeContact      = store.KindContact
	TypeConversation = store.KindConversation
	TypeMessage      = store.KindMessage
	TypeReaction     = store.KindReaction
	TypeVersion      = store.KindVersion
	TypeReadState    = store.KindReadState
	TypeView         = store.KindView
	TypeRedirect     = store.KindRedirect
)

type contactLine struct {
	Type                 string           `json:"type"`
	ID                   int64            `json:"id"`
	FirstName            string           `json:"first_name,omitempty"`
	LastName             string           `json:"last_name,omitempty"`
	Nickname             string           `json:"nickname,omitempty"`
	Email                string           `json:"email,omitempty"`
	Phone                string           `json:"phone,omitempty"`
	Identifier           string           `json:"identifier,omitempty"`
	AvatarURL            string           `json:"avatar_url,omitempty"`
	Blocked              bool             `json:"blocked,omitempty"`
	CustomAttributes     convo.Attributes `json:"custom_attributes,omitempty"`
	AdditionalAttributes convo.Attributes `json:"additional_attributes,omitempty"`
	LastActivityAt       time.Time        `json:"last_activity_at,omitzero"`
	CreatedAt            time.Time        `json:"created_at,omitzero"`
	UpdatedAt            time.Time        `json:"updated_at,omitzero"`
}

func fromContact(c *convo.Contact) contactLine {
	return contactLine{
		Type: TypeContact, ID: c.ID, FirstName: c.FirstName, LastName: c.LastName, Nickname: c.Nickname,
		Email: c.Email, Phone: c.Phone, Identifier: c.Identifier, AvatarURL: c.AvatarURL, Blocked: c.Blocked,
		CustomAttributes: c.CustomAttributes, AdditionalAttributes: c.AdditionalAttributes,
		LastActivityAt: c.LastActivityAt, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

func (l contactLine) record() store.Record {
	return store.Record{Contact: &convo.Contact{
		ID: l.ID, FirstName: l.FirstName, LastName: l.LastName, Nickname: l.Nickname,
		Email: l.Email, Phone: l.Phone, Identifier: l.Identifier, AvatarURL: l.AvatarURL, Blocked: l.Blocked,
		CustomAttributes: l.CustomAttributes, AdditionalAttributes: l.AdditionalAttributes,
		LastActivityAt: l.LastActivityAt, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt,
	}}
}

type conversationLine struct {
	Type                 string           `json:"type"`
	ID                   int64            `json:"id"`
	UUID                 uuid.UUID        `json:"uuid,omitzero"`
	ContactID            int64            `json:"contact_id"`
	Channel              convo.Channel    `json:"channel"`
	InboxID              int64            `json:"inbox_id,omitempty"`
	TeamID               int64            `json:"team_id,omitempty"`
	AssigneeID           uuid.UUID        `json:"assignee_id,omitzero"`
	AuthorID             uuid.UUID        `json:"author_id,omitzero"`
	UserIDs              []uuid.UUID      `json:"user_ids,omitempty"`
	AudienceIDs          []int64          `json:"audience_ids,omitempty"`
	Status               convo.Status     `json:"status,omitempty"`
	SnoozedUntil         time.Time        `json:"snoozed_until,omitzero"`
	Priority             convo.Priority   `json:"priority,omitempty"`
	Labels               []string         `json:"labels,omitempty"`
	Muted                bool             `json:"muted,omitempty"`
	CustomAttributes     convo.Attributes `json:"custom_attributes,omitempty"`
	AdditionalAttributes convo.Attributes `json:"additional_attributes,omitempty"`
	HappenedAt           time.Time        `json:"happened_at,omitzero"`
	CreatedAt            time.Time        `json:"created_at,omitzero"`
	UpdatedAt            time.Time        `json:"updated_at,omitzero"`
	LastActivityAt       time.Time        `json:"last_activity_at,omitzero"`
	FirstReplyCreatedAt  time.Time        `json:"first_reply_created_at,omitzero"`
	WaitingSince         time.Time        `json:"waiting_since,omitzero"`
	AgentLastSeenAt      time.Time        `json:"agent_last_seen_at,omitzero"`
	AssigneeLastSeenAt   time.Time        `json:"assignee_last_seen_at,omitzero"`
	ContactLastSeenAt    time.Time        `json:"contact_last_seen_at,omitzero"`
	LastSeq              int64            `json:"last_seq,omitempty"`
	// Derived from the messages: written for readers, recomputed on import.
	LastIncomingAt time.Time `json:"last_incoming_at,omitzero"`
	MessagesCount  int64     `json:"messages_count,omitempty"`
	UnreadCount    int64     `json:"unread_count,omitempty"`
}

func fromConversation(c *convo.Conversation) conversationLine {
	return conversationLine{
		Type: TypeConversation, ID: c.ID, UUID: c.UUID, ContactID: c.ContactID, Channel: c.Channel,
		InboxID: c.InboxID, TeamID: c.TeamID, AssigneeID: c.AssigneeID, AuthorID: c.AuthorID,
		UserIDs: c.UserIDs, AudienceIDs: c.AudienceIDs, Status: c.Status, SnoozedUntil: c.SnoozedUntil, Priority: c.Priority, Labels: c.Labels, Muted: c.Muted,
		CustomAttributes: c.CustomAttributes, AdditionalAttributes: c.AdditionalAttributes,
		HappenedAt: c.HappenedAt, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, LastActivityAt: c.LastActivityAt,
		FirstReplyCreatedAt: c.FirstReplyCreatedAt, WaitingSince: c.WaitingSince, AgentLastSeenAt: c.AgentLastSeenAt,
		AssigneeLastSeenAt: c.AssigneeLastSeenAt, ContactLastSeenAt: c.ContactLastSeenAt, LastSeq: c.LastSeq,
		LastIncomingAt: c.LastIncomingAt, MessagesCount: c.MessagesCount, UnreadCount: c.UnreadCount,
	}
}

func (l conversationLine) record() store.Record {
	return store.Record{Conversation: &convo.Conversation{
		ID: l.ID, UUID: l.UUID, ContactID: l.ContactID, Channel: l.Channel,
		InboxID: l.InboxID, TeamID: l.TeamID, AssigneeID: l.AssigneeID, AuthorID: l.AuthorID,
		UserIDs: l.UserIDs, AudienceIDs: l.AudienceIDs, Status: l.Status, SnoozedUntil: l.SnoozedUntil, Priority: l.Priority, Labels: l.Labels, Muted: l.Muted,
		CustomAttributes: l.CustomAttributes, AdditionalAttributes: l.AdditionalAttributes,
		HappenedAt: l.HappenedAt, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt, LastActivityAt: l.LastActivityAt,
		FirstReplyCreatedAt: l.FirstReplyCreatedAt, WaitingSince: l.WaitingSince, AgentLastSeenAt: l.AgentLastSeenAt,
		AssigneeLastSeenAt: l.AssigneeLastSeenAt, ContactLastSeenAt: l.ContactLastSeenAt, LastSeq: l.LastSeq,
		LastIncomingAt: l.LastIncomingAt, MessagesCount: l.MessagesCount, UnreadCount: l.UnreadCount,
	}}
}

type messageLine struct {
	Type                 string              `json:"type"`
	ID                   int64               `json:"id"`
	ConversationID       int64               `json:"conversation_id"`
	Seq                  int64               `json:"seq"`
	MessageType          convo.MessageType   `json:"message_type"`
	Content              string              `json:"content,omitempty"`
	ContentType          convo.ContentType   `json:"content_type,omitempty"`
	ContentAttributes    convo.Attributes    `json:"content_attributes,omitempty"`
	Private              bool                `json:"private,omitempty"`
	Status               convo.MessageStatus `json:"status,omitempty"`
	SourceID             string              `json:"source_id,omitempty"`
	SenderType           convo.SenderType    `json:"sender_type,omitempty"`
	AuthorID             uuid.UUID           `json:"author_id,omitzero"`
	WrittenAt            time.Time           `json:"written_at,omitzero"`
	CreatedAt            time.Time           `json:"created_at,omitzero"`
	UpdatedAt            time.Time           `json:"updated_at,omitzero"`
	Attachments          []convo.Attachment  `json:"attachments,omitempty"`
	ExternalSourceIDs    map[string]string   `json:"external_source_ids,omitempty"`
	AdditionalAttributes convo.Attributes    `json:"additional_attributes,omitempty"`
	ReplyToID            int64               `json:"reply_to_id,omitempty"`
	DeletedAt            time.Time           `json:"deleted_at,omitzero"`
	ExternalError        string              `json:"external_error,omitempty"`
}

func fromMessage(m *convo.Message) messageLine {
	return messageLine{
		Type: TypeMessage, ID: m.ID, ConversationID: m.ConversationID, Seq: m.Seq, MessageType: m.Type,
		Content: m.Content, ContentType: m.ContentType, ContentAttributes: m.ContentAttributes, Private: m.Private,
		Status: m.Status, SourceID: m.SourceID, SenderType: m.SenderType, AuthorID: m.AuthorID,
		WrittenAt: m.WrittenAt, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, Attachments: m.Attachments,
		ExternalSourceIDs: m.ExternalSourceIDs, AdditionalAttributes: m.AdditionalAttributes,
		ReplyToID: m.ReplyToID, DeletedAt: m.DeletedAt, ExternalError: m.ExternalError,
	}
}

func (l messageLine) record() store.Record {
	return store.Record{Message: &convo.Message{
		ID: l.ID, ConversationID: l.ConversationID, Seq: l.Seq, Type: l.MessageType,
		Content: l.Content, ContentType: l.ContentType, ContentAttributes: l.ContentAttributes, Private: l.Private,
		Status: l.Status, SourceID: l.SourceID, SenderType: l.SenderType, AuthorID: l.AuthorID,
		WrittenAt: l.WrittenAt, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt, Attachments: l.Attachments,
		ExternalSourceIDs: l.ExternalSourceIDs, AdditionalAttributes: l.AdditionalAttributes,
		ReplyToID: l.ReplyToID, DeletedAt: l.DeletedAt, ExternalError: l.ExternalError,
	}}
}

type reactionLine struct {
	Type      string      `json:"type"`
	MessageID int64       `json:"message_id"`
	Reaction  string      `json:"reaction"`
	By        convo.Actor `json:"by"`
	CreatedAt time.Time   `json:"created_at,omitzero"`
}

func fromReaction(r *convo.Reaction) reactionLine {
	return reactionLine{Type: TypeReaction, MessageID: r.MessageID, Reaction: r.Reaction, By: r.By, CreatedAt: r.CreatedAt}
}

func (l reactionLine) record() store.Record {
	return store.Record{Reaction: &convo.Reaction{MessageID: l.MessageID, Reaction: l.Reaction, By: l.By, CreatedAt: l.CreatedAt}}
}

type versionLine struct {
	Type      string      `json:"type"`
	MessageID int64       `json:"message_id"`
	Version   int         `json:"version"`
	Content   string      `json:"content"`
	EditedAt  time.Time   `json:"edited_at,omitzero"`
	EditedBy  convo.Actor `json:"edited_by"`
}

func fromVersion(v *convo.MessageVersion) versionLine {
	return versionLine{Type: TypeVersion, MessageID: v.MessageID, Version: v.Version, Content: v.Content,
		EditedAt: v.EditedAt, EditedBy: v.EditedBy}
}

func (l versionLine) record() store.Record {
	return store.Record{Version: &convo.MessageVersion{MessageID: l.MessageID, Version: l.Version, Content: l.Content,
		EditedAt: l.EditedAt, EditedBy: l.EditedBy}}
}

type readStateLine struct {
	Type           string    `json:"type"`
	ConversationID int64     `json:"conversation_id"`
	UserID         uuid.UUID `json:"user_id"`
	SeenSeq        int64     `json:"seen_seq"`
	// Derived from the messages: written for readers, recounted on import.
	UnseenCount int `json:"unseen_count,omitempty"`
}

func fromReadState(r *convo.ReadState) readStateLine {
	return readStateLine{Type: TypeReadState, ConversationID: r.ConversationID, UserID: r.UserID,
		SeenSeq: r.SeenSeq, UnseenCount: r.UnseenCount}
}

func (l readStateLine) record() store.Record {
	return store.Record{ReadState: &convo.ReadState{ConversationID: l.ConversationID, UserID: l.UserID,
		SeenSeq: l.SeenSeq, UnseenCount: l.UnseenCount}}
}

// viewLine is a saved view in the form of its JSON (store.View), the
// conditions under "query" as Chatwoot's custom filters have them.
type viewLine struct {
	Type      string    `json:"type"`
	Name      string    `json:"name"`
	Query     viewQuery `json:"query"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

type viewQuery struct {
	Payload []store.Condition `json:"payload"`
}

func fromView(v *store.View) viewLine {
	return viewLine{Type: TypeView, Name: v.Name, Query: viewQuery{Payload: v.Conditions},
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
}

func (l viewLine) record() store.Record {
	return store.Record{View: &store.View{Name: l.Name, Conditions: l.Query.Payload,
		CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}}
}

// redirectLine is what a merge of conversations left: the id the merged
// conversation had and the conversation it went into.
type redirectLine struct {
	Type           string    `json:"type"`
	ConversationID int64     `json:"conversation_id"`
	IntoID         int64     `json:"into_id"`
	MergedAt       time.Time `json:"merged_at,omitzero"`
}

func fromRedirect(x *store.Redirect) redirectLine {
	return redirectLine{Type: TypeRedirect, ConversationID: x.ConversationID, IntoID: x.IntoID, MergedAt: x.MergedAt}
}

func (l redirectLine) record() store.Record {
	return store.Record{Redirect: &store.Redirect{ConversationID: l.ConversationID, IntoID: l.IntoID, MergedAt: l.MergedAt}}
}
