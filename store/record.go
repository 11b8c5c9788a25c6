package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// Record is one record of an account, as Store.Export gives it and
// Store.Import takes it: exactly one of Contact, Conversation, Message,
// Reaction, Version, ReadState, View and Redirect is set. Records keep
// every stored field, ids and timestamps included.
//
// A conversation's MessagesCount, UnreadCount and LastIncomingAt are
// derived from its messages: Export fills them in, Import recomputes them.
// Import also moves LastSeq and LastActivityAt up to its newest message
// when they lag behind. Its Contact, LastNonActivityMessage, CanReply and
// Messages are not part of a record. A message's ReplyCount, LastReplyAt,
// Reactions, EditCount and EditedAt are derived from its replies,
// reactions and versions in the same way; its OwnReactions are not part
// of a record. A read state's UnseenCount is derived too: Export fills it
// in, Import recounts it.
type Record struct {
	// Line is where the record comes from, such as its line in a file; the
	// errors of Import name it ("line 7: messages.content"). Zero means
	// its position in the sequence, from 1.
	Line int

	Contact      *convo.Contact
	Conversation *convo.Conversation
	Message      *convo.Message
	Reaction     *convo.Reaction
	Version      *convo.MessageVersion
	ReadState    *convo.ReadState
	View         *View
	Redirect     *Redirect
}

// Redirect is what a merge leaves behind (Store.MergeConversations): the
// id a merged conversation had, and the conversation it went into, which
// a read of the merged id names (*convo.MergedError).
type Redirect struct {
	// ConversationID is the id the merged conversation had; it names no
	// row any more.
	ConversationID int64
	// IntoID is the conversation its messages are in now.
	IntoID   int64
	MergedAt time.Time
}

// MaxImportedID is the largest id, sequence number or count that Import
// takes: 2^53-1, the largest integer that JSON readers keeping numbers as
// doubles (JavaScript's) represent exactly, so an export's numbers survive
// them. Ids and sequence numbers go on from what is imported: record ids
// come from counters that every account shares (a backend's
// AUTOINCREMENT) and a conversation's next message takes its last_seq
// plus one. Under this bound more than 2^63-2^53 (about 9.2e18) ids and
// sequence numbers stay free above any import, so no import can exhaust
// the store's ids for other accounts, nor make a sequence number
// overflow; at the top of int64 the next write of every account would
// fail. A larger or non-positive id, or a number out of its range, is a
// *convo.ValidationError naming the field.
const MaxImportedID = 1<<53 - 1

// The kinds of record.
const (
	KindContact      = "contact"
	KindConversation = "conversation"
	KindMessage      = "message"
	KindReaction     = "reaction"
	KindVersion      = "message_version"
	KindReadState    = "read_state"
	KindView         = "view"
	KindRedirect     = "conversation_redirect"
)

// Kind names the record's type: KindContact, KindConversation,
// KindMessage, KindReaction, KindVersion, KindReadState, KindView,
// KindRedirect, or "" when not exactly one of them is set.
func (r Record) Kind() string {
	kind, n := "", 0
	if r.Contact != nil {
		kind, n = KindContact, n+1
	}
	if r.Conversation != nil {
		kind, n = KindConversation, n+1
	}
	if r.Message != nil {
		kind, n = KindMessage, n+1
	}
	if r.Reaction != nil {
		kind, n = KindReaction, n+1
	}
	if r.Version != nil {
		kind, n = KindVersion, n+1
	}
	if r.ReadState != nil {
		kind, n = KindReadState, n+1
	}
	if r.View != nil {
		kind, n = KindView, n+1
	}
	if r.Redirect != nil {
		kind, n = KindRedirect, n+1
	}
	if n != 1 {
		return ""
	}
	return kind
}

// ImportOptions change how Import writes records.
type ImportOptions struct {
	// NewIDs gives every contact, conversation and message read a new id
	// from the store, as a create would, instead of the id it carries; the
	// records' references to one another (a conversation's contact_id, a
	// message's conversation_id, a read state's conversation, a
	// redirect's into_id) follow; a redirect's conversation_id, which
	// names no row, is kept as given. So
	// records load into an account that already has rows (a fixture beside
	// rows a test built). A reference to
	// an id that no record before it carried is to a row already stored.
	// UUIDs, source ids, emails and identifiers are kept: one already taken
	// is ErrConflict, as without NewIDs.
	NewIDs bool
}

// ImportStats count what an Import did.
type ImportStats struct {
	// Contacts, Conversations, Messages, Reactions, Versions, ReadStates,
	// Views and Redirects count the records written.
	Contacts, Conversations, Messages, Reactions, Versions, ReadStates, Views, Redirects int
	// Unchanged counts the records already stored exactly as given.
	Unchanged int
	// ContactIDs, ConversationIDs and MessageIDs map the id each record
	// carried to the id it was stored under, with ImportOptions.NewIDs;
	// nil without.
	ContactIDs, ConversationIDs, MessageIDs map[int64]int64
}

// WithDefaults returns a copy of r (the record it points to is copied,
// never changed) with the defaults of omitted fields filled in, so that a
// hand-written fixture may leave them out, every timestamp included:
//
//   - a contact's CreatedAt is now, and its UpdatedAt its CreatedAt;
//   - a conversation's status is open and its labels normalised; its
//     HappenedAt is now, its CreatedAt its HappenedAt, and its UpdatedAt
//     and LastActivityAt its CreatedAt;
//   - a message takes the defaults of convo.NewMessage (text, sent, its
//     sender type); its CreatedAt and WrittenAt stand for each other, and
//     are now without either; its UpdatedAt is its CreatedAt;
//   - a reaction's CreatedAt and a version's EditedAt are now;
//   - a view's CreatedAt is now, and its UpdatedAt its CreatedAt;
//   - a redirect's MergedAt is now.
//
// Import passes the store's clock as now.
func (r Record) WithDefaults(now time.Time) Record {
	switch {
	case r.Contact != nil:
		c := *r.Contact
		orTime(&c.CreatedAt, now)
		orTime(&c.UpdatedAt, c.CreatedAt)
		r.Contact = &c
	case r.Conversation != nil:
		c := *r.Conversation
		in := convo.NewConversation{Status: c.Status, Labels: c.Labels}.WithDefaults()
		c.Status, c.Labels = in.Status, in.Labels
		orTime(&c.HappenedAt, now)
		orTime(&c.CreatedAt, c.HappenedAt)
		orTime(&c.UpdatedAt, c.CreatedAt)
		orTime(&c.LastActivityAt, c.CreatedAt)
		r.Conversation = &c
	case r.Message != nil:
		m := *r.Message
		if m.CreatedAt.IsZero() && m.WrittenAt.IsZero() {
			m.CreatedAt = now
		}
		orTime(&m.CreatedAt, m.WrittenAt)
		in := messageInput(&m).WithDefaults(m.CreatedAt)
		m.ContentType, m.Status, m.SenderType, m.WrittenAt = in.ContentType, in.Status, in.SenderType, in.WrittenAt
		orTime(&m.UpdatedAt, m.CreatedAt)
		r.Message = &m
	case r.Reaction != nil:
		x := *r.Reaction
		orTime(&x.CreatedAt, now)
		r.Reaction = &x
	case r.Version != nil:
		v := *r.Version
		orTime(&v.EditedAt, now)
		r.Version = &v
	case r.View != nil:
		v := *r.View
		orTime(&v.CreatedAt, now)
		orTime(&v.UpdatedAt, v.CreatedAt)
		r.View = &v
	case r.Redirect != nil:
		x := *r.Redirect
		orTime(&x.MergedAt, now)
		r.Redirect = &x
	}
	return r
}

// Validate reports every problem of the record as a *convo.ValidationError
// with the fields of its kind ("content", "created_at"). Call it on the
// result of WithDefaults; name the record with Wrap.
func (r Record) Validate() error {
	var errs []error
	switch r.Kind() {
	case KindContact:
		c := r.Contact
		errs = append(errs, importedID("id", c.ID), c.AsNew().Validate(),
			convo.ValidateTime("created_at", c.CreatedAt, true), convo.ValidateTime("updated_at", c.UpdatedAt, true))
	case KindConversation:
		c := r.Conversation
		in := convo.NewConversation{
			ContactID: c.ContactID, Channel: c.Channel, HappenedAt: c.HappenedAt, UUID: c.UUID,
			InboxID: c.InboxID, TeamID: c.TeamID, AssigneeID: c.AssigneeID, AuthorID: c.AuthorID,
			UserIDs: c.UserIDs, AudienceIDs: c.AudienceIDs, Status: c.Status, SnoozedUntil: c.SnoozedUntil, Priority: c.Priority, Labels: c.Labels, Muted: c.Muted,
			CustomAttributes: c.CustomAttributes, AdditionalAttributes: c.AdditionalAttributes,
		}
		errs = append(errs, importedID("id", c.ID), in.Validate(), belowMaxImportedID("contact_id", c.ContactID),
			importedNumber("last_seq", c.LastSeq), importedNumber("messages_count", c.MessagesCount),
			importedNumber("unread_count", c.UnreadCount))
		if c.UUID == uuid.Nil {
			errs = append(errs, convo.Invalid("uuid", convo.CodeRequired, "is required"))
		}
		for _, t := range []struct {
			field    string
			t        time.Time
			required bool
		}{
			{"created_at", c.CreatedAt, true}, {"updated_at", c.UpdatedAt, true},
			{"last_activity_at", c.LastActivityAt, true}, {"first_reply_created_at", c.FirstReplyCreatedAt, false},
			{"waiting_since", c.WaitingSince, false}, {"agent_last_seen_at", c.AgentLastSeenAt, false},
			{"assignee_last_seen_at", c.AssigneeLastSeenAt, false}, {"contact_last_seen_at", c.ContactLastSeenAt, false},
		} {
			errs = append(errs, convo.ValidateTime(t.field, t.t, t.required))
		}
	case KindMessage:
		m := r.Message
		errs = append(errs, importedID("id", m.ID), importedID("conversation_id", m.ConversationID), m.Validate(),
			importedNumber("reply_to_id", m.ReplyToID), convo.ValidateTime("deleted_at", m.DeletedAt, false),
			convo.ValidateTime("created_at", m.CreatedAt, true), convo.ValidateTime("updated_at", m.UpdatedAt, true),
			importedNumber("contact_id", m.ContactID)) // 0: the conversation's
		if m.Seq < 1 {
			errs = append(errs, convo.Invalid("seq", convo.CodeOutOfRange, "must be 1 or more"))
		}
		errs = append(errs, belowMaxImportedID("seq", m.Seq))
	case KindReaction:
		x := r.Reaction
		errs = append(errs, x.Validate(), importedID("message_id", x.MessageID), convo.ValidateTime("created_at", x.CreatedAt, true))
	case KindVersion:
		v := r.Version
		errs = append(errs, v.Validate(), importedID("message_id", v.MessageID))
	case KindReadState:
		rs := r.ReadState
		errs = append(errs, rs.Validate(), belowMaxImportedID("conversation_id", rs.ConversationID),
			belowMaxImportedID("seen_seq", rs.SeenSeq), importedNumber("unseen_count", int64(rs.UnseenCount)))
	case KindView:
		v := r.View
		errs = append(errs, v.Validate(), convo.ValidateTime("created_at", v.CreatedAt, true),
			convo.ValidateTime("updated_at", v.UpdatedAt, true))
	case KindRedirect:
		x := r.Redirect
		errs = append(errs, importedID("conversation_id", x.ConversationID), importedID("into_id", x.IntoID),
			convo.ValidateTime("merged_at", x.MergedAt, true))
		if x.IntoID == x.ConversationID && x.IntoID > 0 {
			errs = append(errs, convo.Invalid("into_id", convo.CodeInvalid, "must be another conversation"))
		}
	default:
		errs = append(errs, convo.Invalid("type", convo.CodeRequired,
			"a record is exactly one contact, conversation, message, reaction, message version, read state, view or conversation redirect"))
	}
	return joinInvalid(errs)
}

// Wrap names the record in err: each field of a *convo.ValidationError
// becomes "line N: <kind>s.<field>", any other error is prefixed "line N: ".
func (r Record) Wrap(err error) error {
	if err == nil {
		return nil
	}
	prefix := fmt.Sprintf("line %d: ", r.Line)
	var ve *convo.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("%s%w", prefix, err)
	}
	if kind := r.Kind(); kind != "" {
		prefix += kind + "s."
	}
	named := &convo.ValidationError{Errors: make([]convo.FieldError, len(ve.Errors))}
	for i, fe := range ve.Errors {
		fe.Field = prefix + fe.Field
		named.Errors[i] = fe
	}
	return named
}

// messageInput is a stored message as the input that would add it.
func messageInput(m *convo.Message) convo.NewMessage {
	return convo.NewMessage{
		Content: m.Content, Type: m.Type, ContentType: m.ContentType, ContentAttributes: m.ContentAttributes,
		Private: m.Private, Status: m.Status, SourceID: m.SourceID, SenderType: m.SenderType, AuthorID: m.AuthorID,
		WrittenAt: m.WrittenAt, Attachments: m.Attachments, ExternalSourceIDs: m.ExternalSourceIDs,
		AdditionalAttributes: m.AdditionalAttributes,
	}
}

func orTime(t *time.Time, def time.Time) {
	if t.IsZero() {
		*t = def
	}
}

// importedID checks a record's id or reference: from 1 to MaxImportedID.
func importedID(field string, id int64) error {
	if id < 1 {
		return convo.Invalid(field, convo.CodeRequired, "must be 1 or more")
	}
	return belowMaxImportedID(field, id)
}

// importedNumber checks a sequence number, count or optional reference:
// from 0 to MaxImportedID.
func importedNumber(field string, n int64) error {
	if n < 0 {
		return convo.Invalid(field, convo.CodeOutOfRange, "must not be negative")
	}
	return belowMaxImportedID(field, n)
}

// belowMaxImportedID checks only the upper bound, for a number whose lower
// bound is checked elsewhere.
func belowMaxImportedID(field string, n int64) error {
	if n > MaxImportedID {
		return convo.Invalid(field, convo.CodeOutOfRange, fmt.Sprintf("must be at most %d (store.MaxImportedID)", MaxImportedID))
	}
	return nil
}

// joinInvalid merges validation errors into one *convo.ValidationError.
func joinInvalid(errs []error) error {
	var all []convo.FieldError
	for _, err := range errs {
		var ve *convo.ValidationError
		if errors.As(err, &ve) {
			all = append(all, ve.Errors...)
		}
	}
	if len(all) == 0 {
		return nil
	}
	return &convo.ValidationError{Errors: all}
}
