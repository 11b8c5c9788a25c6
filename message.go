package convo

import (
	"time"

	"github.com/google/uuid"
)

// Message is one entry of a conversation's timeline.
type Message struct {
	ID             int64 `json:"id"`
	AccountID      int64 `json:"account_id"`
	ConversationID int64 `json:"conversation_id"`
	// ContactID is always the conversation's contact (Monica's rule).
	ContactID int64 `json:"contact_id"`
	// Seq numbers a conversation's messages 1, 2, 3, ... in the order they
	// were added; it never repeats within a conversation.
	Seq int64 `json:"seq"`

	Content           string        `json:"content,omitzero"` // markdown text
	ContentType       ContentType   `json:"content_type,omitzero"`
	ContentAttributes Attributes    `json:"content_attributes"`
	Type              MessageType   `json:"message_type,omitzero"`
	Private           bool          `json:"private"` // an internal note, not shown to the contact
	Status            MessageStatus `json:"status,omitzero"`
	// SourceID is the id of the message in the system it came from; unique
	// per account when set, and the idempotency key of AddMessage.
	SourceID   string     `json:"source_id,omitzero"`
	SenderType SenderType `json:"sender_type,omitzero"`
	// AuthorID is the user who wrote it when SenderType is user; uuid.Nil otherwise.
	AuthorID uuid.UUID `json:"author_id,omitzero"`

	WrittenAt time.Time `json:"written_at,omitzero"` // when it was written; may be long before CreatedAt
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`

	Attachments          []Attachment      `json:"attachments"`
	ExternalSourceIDs    map[string]string `json:"external_source_ids"` // ids in other systems ("slack": "...")
	AdditionalAttributes Attributes        `json:"additional_attributes"`

	// Seen tells, for the Viewer the message was read with, that it does not
	// count as unseen: the viewer wrote it, it is an activity message, or it
	// is at or before the viewer's read horizon. False when read without a viewer.
	Seen bool `json:"seen"`
}

// WrittenByMe is Monica's written_by_me: the message came from the host's
// side (outgoing or template).
func (m Message) WrittenByMe() bool {
	return m.Type == MessageOutgoing || m.Type == MessageTemplate
}

// Attachment is the metadata of a file attached to a message; the file
// itself lives wherever URL points.
type Attachment struct {
	FileType string `json:"file_type"` // image, audio, video, file, location, ...
	URL      string `json:"url"`
	FileName string `json:"file_name,omitempty"`
	Size     int64  `json:"size,omitempty"` // bytes
	MIMEType string `json:"mime_type,omitempty"`
}

// NewMessage is the input to add a message. Content is required unless the
// message has attachments. Give Type, or Monica's WrittenByMe, or both when
// they agree.
type NewMessage struct {
	Content     string
	Type        MessageType
	WrittenByMe *bool
	// ContactID, when set, must be the conversation's contact (Monica sends it).
	ContactID         int64
	ContentType       ContentType // default text
	ContentAttributes Attributes
	Private           bool
	Status            MessageStatus // default sent
	SourceID          string
	// SenderType defaults to user when AuthorID is set, to contact for
	// incoming messages and to system otherwise.
	SenderType SenderType
	AuthorID   uuid.UUID
	WrittenAt  time.Time // default now

	Attachments          []Attachment
	ExternalSourceIDs    map[string]string
	AdditionalAttributes Attributes
}

// WithDefaults returns m with the defaults of omitted fields filled in;
// now is the time a missing WrittenAt takes.
func (m NewMessage) WithDefaults(now time.Time) NewMessage {
	if m.Type == "" && m.WrittenByMe != nil {
		m.Type = MessageTypeFromWrittenByMe(*m.WrittenByMe)
	}
	if m.ContentType == "" {
		m.ContentType = ContentText
	}
	if m.Status == "" {
		m.Status = StatusSent
	}
	if m.SenderType == "" {
		switch {
		case m.AuthorID != uuid.Nil:
			m.SenderType = SenderUser
		case m.Type == MessageIncoming:
			m.SenderType = SenderContact
		default:
			m.SenderType = SenderSystem
		}
	}
	if m.WrittenAt.IsZero() {
		m.WrittenAt = now
	}
	return m
}

// Validate reports every problem of the input as a *ValidationError.
// Call it on the result of WithDefaults.
func (m NewMessage) Validate() error {
	var p problems
	if m.Content == "" && len(m.Attachments) == 0 {
		p.add("content", CodeRequired, "is required unless the message has attachments")
	} else {
		p.text("content", m.Content, MaxContentLength)
	}
	switch {
	case m.Type == "":
		p.add("message_type", CodeRequired, "give message_type or written_by_me")
	case !m.Type.Valid():
		p.enum("message_type", m.Type, string(m.Type))
	case m.WrittenByMe != nil && *m.WrittenByMe != (m.Type == MessageOutgoing || m.Type == MessageTemplate):
		p.add("written_by_me", CodeMismatch, "disagrees with message_type %q", m.Type)
	}
	p.id("contact_id", m.ContactID)
	p.enum("content_type", m.ContentType, string(m.ContentType))
	p.attributes("content_attributes", m.ContentAttributes)
	p.enum("status", m.Status, string(m.Status))
	p.text("source_id", m.SourceID, MaxNameLength)
	p.enum("sender_type", m.SenderType, string(m.SenderType))
	p.sender(m.SenderType, m.AuthorID)
	p.requiredTime("written_at", m.WrittenAt)
	p.attachments(m.Attachments)
	p.externalIDs(m.ExternalSourceIDs)
	p.attributes("additional_attributes", m.AdditionalAttributes)
	return p.err()
}

// MessageUpdate changes the fields that are not nil. A delivery status may
// only move forward (MessageStatus.CanMoveTo).
type MessageUpdate struct {
	Content           *string
	Type              *MessageType
	WrittenByMe       *bool
	ContentType       *ContentType
	ContentAttributes *Attributes
	Private           *bool
	Status            *MessageStatus
	WrittenAt         *time.Time

	Attachments          *[]Attachment
	ExternalSourceIDs    *map[string]string
	AdditionalAttributes *Attributes
}

// Apply returns m with the update's fields set. It does not validate.
func (u MessageUpdate) Apply(m Message) Message {
	if u.WrittenByMe != nil && u.Type == nil {
		m.Type = MessageTypeFromWrittenByMe(*u.WrittenByMe)
	}
	set(&m.Content, u.Content)
	set(&m.Type, u.Type)
	if (u.Type != nil || u.WrittenByMe != nil) && m.AuthorID == uuid.Nil {
		// a message that changes direction changes who sent it, unless a user wrote it
		m.SenderType = NewMessage{Type: m.Type}.WithDefaults(m.WrittenAt).SenderType
	}
	set(&m.ContentType, u.ContentType)
	set(&m.ContentAttributes, u.ContentAttributes)
	set(&m.Private, u.Private)
	set(&m.Status, u.Status)
	set(&m.WrittenAt, u.WrittenAt)
	set(&m.Attachments, u.Attachments)
	set(&m.ExternalSourceIDs, u.ExternalSourceIDs)
	set(&m.AdditionalAttributes, u.AdditionalAttributes)
	return m
}

// ValidateUpdate checks the message that results from applying u to old,
// by the rules of NewMessage plus the delivery status transition.
func (u MessageUpdate) ValidateUpdate(old Message) error {
	next := u.Apply(old)
	in := NewMessage{
		Content: next.Content, Type: next.Type, WrittenByMe: u.WrittenByMe,
		ContentType: next.ContentType, ContentAttributes: next.ContentAttributes,
		Private: next.Private, Status: next.Status, SourceID: next.SourceID,
		SenderType: next.SenderType, AuthorID: next.AuthorID, WrittenAt: next.WrittenAt,
		Attachments: next.Attachments, ExternalSourceIDs: next.ExternalSourceIDs,
		AdditionalAttributes: next.AdditionalAttributes,
	}
	err := in.Validate()
	if u.Status != nil && old.Status.Valid() && next.Status.Valid() && !old.Status.CanMoveTo(next.Status) {
		var p problems
		if err != nil {
			p.list = err.(*ValidationError).Errors
		}
		p.add("status", CodeInvalid, "cannot move from %s to %s", old.Status, next.Status)
		err = p.err()
	}
	return err
}

func (p *problems) sender(t SenderType, author uuid.UUID) {
	switch {
	case t == SenderUser && author == uuid.Nil:
		p.add("author_id", CodeRequired, "is required when the sender is a user")
	case t != SenderUser && author != uuid.Nil:
		p.add("author_id", CodeMismatch, "is only allowed when the sender is a user")
	}
}

func (p *problems) attachments(list []Attachment) {
	if len(list) > MaxAttachments {
		p.add("attachments", CodeOutOfRange, "at most %d attachments", MaxAttachments)
		return
	}
	for _, a := range list {
		p.required("attachments.file_type", a.FileType, MaxNameLength)
		if a.URL == "" {
			p.add("attachments.url", CodeRequired, "is required")
		} else {
			p.url("attachments.url", a.URL)
		}
		p.text("attachments.file_name", a.FileName, MaxNameLength)
		p.text("attachments.mime_type", a.MIMEType, MaxNameLength)
		if a.Size < 0 {
			p.add("attachments.size", CodeOutOfRange, "must not be negative")
		}
	}
}

func (p *problems) externalIDs(ids map[string]string) {
	for k, v := range ids {
		p.required("external_source_ids", k, MaxNameLength)
		p.text("external_source_ids", v, MaxNameLength)
	}
}
