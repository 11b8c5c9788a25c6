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

	// ReplyToID is the message of the same conversation this one replies
	// to; 0 when it is not a reply. A reply stays in the conversation's
	// timeline (a quoted reply) and is also listed with its parent's
	// thread (Store.ListReplies).
	ReplyToID int64 `json:"reply_to_id,omitzero"`
	// ReplyCount and LastReplyAt are the message's direct replies: how
	// many, and when the newest was created. Kept by the store.
	ReplyCount  int       `json:"reply_count"`
	LastReplyAt time.Time `json:"last_reply_at,omitzero"`

	// Reactions counts the message's reactions by reaction ({"👍": 2});
	// nil when it has none. Kept by the store.
	Reactions map[string]int `json:"reactions"`
	// OwnReactions are the reactions of the Viewer the message was read
	// with, sorted; nil when read without a viewer.
	OwnReactions []string `json:"own_reactions"`

	// EditCount is how many times the content was edited (each edit keeps
	// the content it replaced: Store.ListMessageVersions), EditedAt when
	// it was last. Kept by the store.
	EditCount int       `json:"edit_count"`
	EditedAt  time.Time `json:"edited_at,omitzero"`

	// DeletedAt is set on a tombstone, what Store.DeleteMessage leaves in
	// the message's place: its id, sequence number, type, sender, times,
	// source ids and replies stay; its content, attachments, attributes,
	// reactions and versions are gone. A tombstone is never unread or
	// unseen, never found by search, never a conversation's last
	// non-activity message.
	DeletedAt time.Time `json:"deleted_at,omitzero"`

	// ExternalError is why the channel failed to deliver the message, kept
	// only while its status is failed: a status that moves on clears it.
	ExternalError string `json:"external_error,omitzero"`

	// Seen tells, for the Viewer the message was read with, that it does not
	// count as unseen (SeenBy). False when read without a viewer.
	Seen bool `json:"seen"`
}

// Validate reports the problems of a stored message (an imported one) as
// a *ValidationError, by the rules of NewMessage: a tombstone holds no
// content and no attachments. The fields the store keeps (counts, reply
// and edit times) are not checked.
func (m Message) Validate() error {
	in := NewMessage{
		Content: m.Content, Type: m.Type, ContentType: m.ContentType, ContentAttributes: m.ContentAttributes,
		Private: m.Private, Status: m.Status, SourceID: m.SourceID, SenderType: m.SenderType, AuthorID: m.AuthorID,
		WrittenAt: m.WrittenAt, Attachments: m.Attachments, ExternalSourceIDs: m.ExternalSourceIDs,
		AdditionalAttributes: m.AdditionalAttributes, ReplyToID: m.ReplyToID, ExternalError: m.ExternalError,
	}
	var p problems
	if err := in.check(m.Deleted()); err != nil {
		p.list = err.(*ValidationError).Errors
	}
	if m.Deleted() && (m.Content != "" || len(m.Attachments) > 0) {
		p.add("deleted_at", CodeDeleted, "a deleted message holds no content or attachments")
	}
	return p.err()
}

// SeenBy reports whether m stays out of the unseen count of a user whose
// read horizon is at sequence number horizon: the user wrote it, it is an
// activity message or a tombstone, or it is at or before the horizon.
func (m Message) SeenBy(user uuid.UUID, horizon int64) bool {
	return m.Seq <= horizon || m.AuthorID == user || m.Type == MessageActivity || m.Deleted()
}

// Deleted reports whether m is a tombstone.
func (m Message) Deleted() bool { return !m.DeletedAt.IsZero() }

// Sender is who wrote the message, as an Actor.
func (m Message) Sender() Actor { return Actor{Type: m.SenderType, UserID: m.AuthorID} }

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

	// ReplyToID or ReplyToSourceID (as a channel names the quoted message)
	// makes the message a reply to a message of the same conversation;
	// given both, they must name the same message. A message of another
	// conversation, or an unknown ReplyToID, is ErrInvalid; an unknown
	// ReplyToSourceID alone makes no reply (channels quote messages the
	// store never had).
	ReplyToID       int64
	ReplyToSourceID string
	// ExternalError is why the channel failed: only with status failed.
	ExternalError string
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
func (m NewMessage) Validate() error { return m.check(false) }

// check validates m; the content of a tombstone (deleted) is not required.
func (m NewMessage) check(deleted bool) error {
	var p problems
	if m.Content == "" && len(m.Attachments) == 0 && !deleted {
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
	p.id("reply_to_id", m.ReplyToID)
	p.text("reply_to_source_id", m.ReplyToSourceID, MaxNameLength)
	p.externalError(m.Status, m.ExternalError)
	return p.err()
}

func (p *problems) externalError(status MessageStatus, e string) {
	if e == "" {
		return
	}
	if p.text("external_error", e, MaxErrorLength) && status != StatusFailed {
		p.add("external_error", CodeMismatch, "is only kept on a failed message")
	}
}

// MessageUpdate changes the fields that are not nil. A delivery status may
// only move forward (MessageStatus.CanMoveTo); a status other than failed
// clears the external error, unless the update sets one (a mismatch).
// A new content is an edit: the content it replaces is kept as a version
// (at most MaxEdits), made by EditedBy, the message's sender when nil.
// A tombstone takes only a status and an external error: any other field
// is CodeDeleted.
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

	ExternalError *string
	EditedBy      *Actor
}

// Edits reports whether u changes old's content.
func (u MessageUpdate) Edits(old Message) bool {
	return u.Content != nil && *u.Content != old.Content
}

// Editor is who makes u's edit: EditedBy, or old's sender.
func (u MessageUpdate) Editor(old Message) Actor {
	if u.EditedBy != nil {
		return *u.EditedBy
	}
	return old.Sender()
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
	if u.Status != nil && *u.Status != StatusFailed {
		m.ExternalError = ""
	}
	set(&m.ExternalError, u.ExternalError)
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
		AdditionalAttributes: next.AdditionalAttributes, ExternalError: next.ExternalError,
	}
	var p problems
	if old.Deleted() {
		u.deletedFields(&p)
	}
	if err := in.check(old.Deleted()); err != nil {
		p.list = append(p.list, err.(*ValidationError).Errors...)
	}
	if u.Status != nil && old.Status.Valid() && next.Status.Valid() && !old.Status.CanMoveTo(next.Status) {
		p.add("status", CodeInvalid, "cannot move from %s to %s", old.Status, next.Status)
	}
	if u.Edits(old) && old.EditCount >= MaxEdits {
		p.add("content", CodeOutOfRange, "was edited %d times, the most kept", MaxEdits)
	}
	if u.EditedBy != nil {
		p.actor("edited_by", *u.EditedBy)
	}
	return p.err()
}

// deletedFields reports each field u sets that a tombstone does not take.
func (u MessageUpdate) deletedFields(p *problems) {
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"content", u.Content != nil}, {"message_type", u.Type != nil}, {"written_by_me", u.WrittenByMe != nil},
		{"content_type", u.ContentType != nil}, {"content_attributes", u.ContentAttributes != nil},
		{"private", u.Private != nil}, {"written_at", u.WrittenAt != nil}, {"attachments", u.Attachments != nil},
		{"external_source_ids", u.ExternalSourceIDs != nil}, {"additional_attributes", u.AdditionalAttributes != nil},
	} {
		if f.set {
			p.add(f.name, CodeDeleted, "the message is deleted")
		}
	}
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
