package store

import (
	"slices"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// ChangeKind says what a Change did.
type ChangeKind string

// The kinds of change. A record's creation and deletion each record one
// change; an update records one change per record per call, naming the
// fields it changed.
const (
	ContactCreated      ChangeKind = "contact.created"
	ContactUpdated      ChangeKind = "contact.updated"
	ContactDeleted      ChangeKind = "contact.deleted"
	ConversationCreated ChangeKind = "conversation.created"
	ConversationUpdated ChangeKind = "conversation.updated"
	ConversationDeleted ChangeKind = "conversation.deleted"
	MessageCreated      ChangeKind = "message.created"
	MessageUpdated      ChangeKind = "message.updated"
	MessageDeleted      ChangeKind = "message.deleted"
	// ReadStateUpdated: a user's read horizon in a conversation moved
	// (MarkSeen, MarkUnseen). An author's horizon moving onto their own new
	// message is part of that message's MessageCreated.
	ReadStateUpdated ChangeKind = "read_state.updated"
	// AccountImported: Import wrote records into the account. It records
	// this one change, not one per record: a consumer that keeps a copy
	// resyncs the account.
	AccountImported ChangeKind = "account.imported"
)

// ChangeKinds lists every kind, in the order above.
var ChangeKinds = []ChangeKind{
	ContactCreated, ContactUpdated, ContactDeleted,
	ConversationCreated, ConversationUpdated, ConversationDeleted,
	MessageCreated, MessageUpdated, MessageDeleted,
	ReadStateUpdated, AccountImported,
}

// Valid reports whether k is one of ChangeKinds.
func (k ChangeKind) Valid() bool { return slices.Contains(ChangeKinds, k) }

// FromNow, given as the position to read after, starts after the newest
// change of the account: a reader that wants what happens from now on.
const FromNow int64 = -1

// Change is one entry of an account's change feed: what one call changed
// in one record, written in the same transaction as the change itself, so
// that the feed holds exactly what committed.
//
// A call that fails, rolls back or is cancelled records nothing, and so
// does a call that writes nothing (an idempotent retry of AddMessage, an
// update to the values already stored). One call's changes come in the
// order it made them: a conversation's deletion by DeleteContact with
// Cascade comes before its contact's, the activity message of a status
// change after the conversation's update.
//
// What each call records:
//   - CreateContact, UpdateContact, DeleteContact: the contact's change;
//     with Cascade, ConversationDeleted for each of its conversations
//     first. The messages of a deleted conversation go with it: no
//     MessageDeleted for them.
//   - MergeContacts: ConversationUpdated ("contact_id") for each moved
//     conversation, ContactUpdated for the kept contact naming the fields
//     the merge changed ("last_activity_at" too, when the merged contact's
//     was later), ContactDeleted for the merged one.
//   - CreateConversation, DeleteConversation: the conversation's change.
//   - MergeConversations: MessageUpdated ("conversation_id", "seq") for
//     each moved message, in their order; ConversationUpdated for keepID
//     naming the fields the merge changed (labels, participants); the
//     activity message's MessageCreated; ConversationDeleted for mergeID.
//   - UpdateConversation, ChangeStatus, Assign, ChangeLabels, MarkRead,
//     MarkUnread, AddParticipants, RemoveParticipants: ConversationUpdated
//     naming the fields that changed; then, when muting or unmuting changed
//     the contact's flag, ContactUpdated ("blocked"); then MessageCreated
//     for each activity message written, in timeline order.
//   - AddMessage, AddMessages: MessageCreated for each message written,
//     each followed, when the message is incoming and reopened its
//     conversation, by ConversationUpdated ("status", and "snoozed_until"
//     when a snooze time was cleared). The counters and last activity a
//     message moves are not changes of their own.
//   - AddMessage, AddMessages of a reply: after the reply's changes
//     above, MessageUpdated ("last_reply_at", "reply_count") for its
//     parent.
//   - UpdateMessage: MessageUpdated naming the fields that changed (an
//     edit names "edit_count" and "edited_at" too); MarkReceipt:
//     MessageUpdated ("status") for each message it moved, by id.
//   - DeleteMessage: MessageUpdated naming "deleted_at" and what the
//     tombstone wiped. PurgeMessage: MessageUpdated ("reply_to_id") for
//     each of its replies, by id; then MessageDeleted; then, when it was a
//     reply, MessageUpdated ("reply_count", and "last_reply_at" when it
//     moved) for its parent.
//   - AddReaction, RemoveReaction: MessageUpdated ("reactions") when the
//     counts changed.
//   - MarkSeen, MarkUnseen: ReadStateUpdated when the horizon moved.
//   - Import: AccountImported, when it wrote anything.
//   - A snooze that ends: ConversationUpdated ("status", "snoozed_until"),
//     recorded by the write that wakes it.
type Change struct {
	// Position orders the account's changes: it increases in commit order,
	// so a reader that has seen position P never later finds a change at
	// or before P. Positions need not be consecutive.
	Position  int64      `json:"position"`
	AccountID int64      `json:"account_id"`
	Kind      ChangeKind `json:"kind"`
	// The records it concerns: the contact of a contact change or of a
	// conversation change, the conversation of a conversation, message or
	// read state change, the message of a message change. 0 when none.
	ContactID      int64 `json:"contact_id,omitzero"`
	ConversationID int64 `json:"conversation_id,omitzero"`
	MessageID      int64 `json:"message_id,omitzero"`
	// UserID and SeenSeq are a read state change's user and horizon.
	UserID  uuid.UUID `json:"user_id,omitzero"`
	SeenSeq int64     `json:"seen_seq,omitzero"`
	// Fields names the fields an update changed, by their JSON names
	// ("status", "assignee_id", "labels"), sorted. Empty for other kinds.
	// Counters and times that messages move (a conversation's unread
	// count, last activity, waiting since) are not named: the message's
	// own change says it; a contact's last_activity_at is named when a
	// call sets it (UpdateContact, MergeContacts).
	Fields []string `json:"fields,omitempty"`
	// At is the commit time of the call: the timestamp of what it wrote.
	At time.Time `json:"at"`
	// Message is a message change's message as stored when the feed is
	// read, so that a consumer can act without another read; nil for other
	// kinds, and when the message has been deleted since.
	Message *convo.Message `json:"message,omitzero"`
}

// Changed reports whether the change names field among its Fields.
func (c Change) Changed(field string) bool { return slices.Contains(c.Fields, field) }

// Default and maximum number of changes Changes returns at once.
const (
	DefaultChangeLimit = 100
	MaxChangeLimit     = 1000
)

// ChangeFilter narrows what Changes returns. The zero value returns every
// change, DefaultChangeLimit at a time.
type ChangeFilter struct {
	// ConversationID, when set, keeps the changes of one conversation (its
	// own, its messages' and its read states').
	ConversationID int64
	// Kinds, when set, keeps changes of these kinds.
	Kinds []ChangeKind
	// Viewer, when set, keeps the changes of conversations the viewer takes
	// part in, as they stand when the feed is read; contact and account
	// changes are left out.
	Viewer *convo.Viewer
	// Limit is the most changes returned: 1 to MaxChangeLimit, 0 for
	// DefaultChangeLimit.
	Limit int
}

// Validate reports a bad filter as a *convo.ValidationError.
func (f ChangeFilter) Validate() error {
	var errs []convo.FieldError
	if f.ConversationID < 0 {
		errs = append(errs, convo.FieldError{Field: "conversation_id", Code: convo.CodeOutOfRange, Message: "must not be negative"})
	}
	for _, k := range f.Kinds {
		if !k.Valid() {
			errs = append(errs, convo.FieldError{Field: "kinds", Code: convo.CodeUnknown, Message: "unknown change kind " + quote(string(k))})
			break
		}
	}
	errs = append(errs, viewerProblems(f.Viewer)...)
	if f.Limit < 0 || f.Limit > MaxChangeLimit {
		errs = append(errs, convo.FieldError{Field: "limit", Code: convo.CodeOutOfRange, Message: "must be between 1 and 1000, or 0 for the default"})
	}
	return validationError(errs)
}

// PerRead is the number of changes asked for.
func (f ChangeFilter) PerRead() int {
	if f.Limit == 0 {
		return DefaultChangeLimit
	}
	return f.Limit
}

// ChangePage is what one Changes call read.
type ChangePage struct {
	Changes []Change `json:"data"`
	// Next is the position to read after next time: the last change
	// returned, or, when the read reached the end of the feed, the newest
	// position it looked at, so that a filtered reader does not look at the
	// same changes again.
	Next int64 `json:"next"`
	// More reports that the read stopped at its limit: more changes may
	// follow at once.
	More bool `json:"more"`
}

// MaxConsumerName is the longest name of a durable consumer, in bytes.
const MaxConsumerName = 200

// ValidateConsumer checks the name of a durable consumer: 1 to
// MaxConsumerName bytes of UTF-8 with no control characters.
func ValidateConsumer(name string) error {
	switch {
	case name == "":
		return convo.Invalid("consumer", convo.CodeRequired, "is required")
	case len(name) > MaxConsumerName:
		return convo.Invalid("consumer", convo.CodeTooLong, "must be at most 200 bytes")
	case !utf8.ValidString(name):
		return convo.Invalid("consumer", convo.CodeInvalid, "must be UTF-8")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return convo.Invalid("consumer", convo.CodeInvalid, "must not hold control characters")
		}
	}
	return nil
}

// Retention of the change feed, which backends take as their defaults: a
// change is kept for ChangeRetention, and longer while a durable consumer
// of its account has not acknowledged it, up to MaxChangeRetention.
const (
	ChangeRetention    = 7 * 24 * time.Hour
	MaxChangeRetention = 30 * 24 * time.Hour
)
