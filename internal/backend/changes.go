package backend

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// ChangeLog collects the changes of one write transaction, in the order
// the call made them, for the backend to store just before it commits. An
// update of a record already in the log is folded into its entry, so that
// a call records one change per record.
type ChangeLog struct {
	list []store.Change
}

// Reset empties the log, for a transaction run again from the start.
func (l *ChangeLog) Reset() { l.list = l.list[:0] }

// Changes returns what was logged (Position and At unset).
func (l *ChangeLog) Changes() []store.Change { return l.list }

// Add logs one change, which names its account. An update whose Fields
// are empty changed nothing and is dropped; an update of a record the log
// already holds an update or creation of is folded into it.
func (l *ChangeLog) Add(c store.Change) { l.AddAt(len(l.list), c) }

// Len is how many changes are logged: a mark for AddAt.
func (l *ChangeLog) Len() int { return len(l.list) }

// AddAt logs a change as Add does, but at index i (a Len taken earlier),
// before what was logged since: a call logs its record's update before the
// activity messages it wrote on the way.
func (l *ChangeLog) AddAt(i int, c store.Change) {
	update := c.Kind == store.ContactUpdated || c.Kind == store.ConversationUpdated || c.Kind == store.MessageUpdated
	if update && len(c.Fields) == 0 {
		return
	}
	if update {
		for j := range l.list {
			prev := &l.list[j]
			if sameRecord(*prev, c) {
				if prev.Kind == c.Kind {
					prev.Fields = mergeFields(prev.Fields, c.Fields)
					if c.ContactID != 0 {
						prev.ContactID = c.ContactID // the contact it has now
					}
				}
				return // a creation, update or deletion already says it
			}
		}
	}
	l.list = slices.Insert(l.list, i, c)
}

// sameRecord reports whether a and b concern the same record.
func sameRecord(a, b store.Change) bool {
	switch b.Kind {
	case store.ContactUpdated:
		return recordKind(a.Kind) == "contact" && a.ContactID == b.ContactID
	case store.ConversationUpdated:
		return recordKind(a.Kind) == "conversation" && a.ConversationID == b.ConversationID
	case store.MessageUpdated:
		return recordKind(a.Kind) == "message" && a.MessageID == b.MessageID
	}
	return false
}

// recordKind is the record half of a kind ("contact" of
// "contact.updated").
func recordKind(k store.ChangeKind) string {
	r, _, _ := strings.Cut(string(k), ".")
	return r
}

// mergeFields is the sorted union of a and b.
func mergeFields(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// ContactChanged logs the update of contact old to next, naming the
// fields that differ; none differing logs nothing.
func (l *ChangeLog) ContactChanged(old, next convo.Contact) {
	l.ContactChangedAt(len(l.list), old, next)
}

// ContactChangedAt is ContactChanged at index i, as AddAt.
func (l *ChangeLog) ContactChangedAt(i int, old, next convo.Contact) {
	l.AddAt(i, store.Change{Kind: store.ContactUpdated, AccountID: next.AccountID, ContactID: next.ID, Fields: ContactFields(old, next)})
}

// ConversationChanged logs the update of conversation old to next, naming
// the fields that differ; none differing logs nothing.
func (l *ChangeLog) ConversationChanged(old, next convo.Conversation) {
	l.ConversationChangedAt(len(l.list), old, next)
}

// ConversationChangedAt is ConversationChanged at index i, as AddAt.
func (l *ChangeLog) ConversationChangedAt(i int, old, next convo.Conversation) {
	l.AddAt(i, store.Change{Kind: store.ConversationUpdated, AccountID: next.AccountID, ContactID: next.ContactID, ConversationID: next.ID,
		Fields: ConversationFields(old, next)})
}

// MessageChanged logs the update of message old to next, naming the
// fields that differ; none differing logs nothing.
func (l *ChangeLog) MessageChanged(old, next convo.Message) {
	l.Add(store.Change{Kind: store.MessageUpdated, AccountID: next.AccountID, ConversationID: next.ConversationID, MessageID: next.ID,
		Fields: MessageFields(old, next)})
}

// MessageCreated logs a new message.
func (l *ChangeLog) MessageCreated(m convo.Message) {
	l.Add(store.Change{Kind: store.MessageCreated, AccountID: m.AccountID, ConversationID: m.ConversationID, MessageID: m.ID})
}

// ReopenChange is the change of a conversation that the incoming message
// m reopened; snoozed: a snooze time was set, which the reopening clears.
func ReopenChange(m convo.Message, snoozed bool) store.Change {
	fields := []string{"status"}
	if snoozed {
		fields = []string{"snoozed_until", "status"}
	}
	return store.Change{Kind: store.ConversationUpdated, AccountID: m.AccountID, ContactID: m.ContactID,
		ConversationID: m.ConversationID, Fields: fields}
}

// field is one field of a record the feed names when it changes.
type field[T any] struct {
	name  string
	equal func(a, b T) bool
}

func eq[T any, V comparable](get func(T) V) func(a, b T) bool {
	return func(a, b T) bool { return get(a) == get(b) }
}

func eqTime[T any](get func(T) time.Time) func(a, b T) bool {
	return func(a, b T) bool { return get(a).Equal(get(b)) }
}

func eqAttrs[T any](get func(T) convo.Attributes) func(a, b T) bool {
	return func(a, b T) bool { return AttributesEqual(get(a), get(b)) }
}

// diff names the fields of fs on which a and b differ, sorted.
func diff[T any](fs []field[T], a, b T) []string {
	var out []string
	for _, f := range fs {
		if !f.equal(a, b) {
			out = append(out, f.name)
		}
	}
	slices.Sort(out)
	return out
}

// contactFields are a contact's fields the feed reports. Its last activity
// is reported when a call sets it (an update, a merge); the messages that
// move it report themselves.
var contactFields = []field[convo.Contact]{
	{"first_name", eq(func(c convo.Contact) string { return c.FirstName })},
	{"last_name", eq(func(c convo.Contact) string { return c.LastName })},
	{"nickname", eq(func(c convo.Contact) string { return c.Nickname })},
	{"email", eq(func(c convo.Contact) string { return c.Email })},
	{"phone", eq(func(c convo.Contact) string { return c.Phone })},
	{"identifier", eq(func(c convo.Contact) string { return c.Identifier })},
	{"avatar_url", eq(func(c convo.Contact) string { return c.AvatarURL })},
	{"blocked", eq(func(c convo.Contact) bool { return c.Blocked })},
	{"custom_attributes", eqAttrs(func(c convo.Contact) convo.Attributes { return c.CustomAttributes })},
	{"additional_attributes", eqAttrs(func(c convo.Contact) convo.Attributes { return c.AdditionalAttributes })},
	{"last_activity_at", eqTime(func(c convo.Contact) time.Time { return c.LastActivityAt })},
}

// ContactFields names the fields on which contacts a and b differ.
func ContactFields(a, b convo.Contact) []string { return diff(contactFields, a, b) }

// conversationFields are a conversation's fields the feed reports: what a
// call sets, not what its messages move (counters, last activity, waiting
// since, the time of the first reply).
var conversationFields = []field[convo.Conversation]{
	{"contact_id", eq(func(c convo.Conversation) int64 { return c.ContactID })},
	{"channel", eq(func(c convo.Conversation) convo.Channel { return c.Channel })},
	{"inbox_id", eq(func(c convo.Conversation) int64 { return c.InboxID })},
	{"team_id", eq(func(c convo.Conversation) int64 { return c.TeamID })},
	{"assignee_id", eq(func(c convo.Conversation) uuid.UUID { return c.AssigneeID })},
	{"user_ids", func(a, b convo.Conversation) bool { return sameSet(a.UserIDs, b.UserIDs) }},
	{"audience_ids", func(a, b convo.Conversation) bool { return sameSet(a.AudienceIDs, b.AudienceIDs) }},
	{"status", eq(func(c convo.Conversation) convo.Status { return c.Status })},
	{"snoozed_until", eqTime(func(c convo.Conversation) time.Time { return c.SnoozedUntil })},
	{"priority", eq(func(c convo.Conversation) convo.Priority { return c.Priority })},
	{"labels", func(a, b convo.Conversation) bool { return sameSet(a.Labels, b.Labels) }},
	{"muted", eq(func(c convo.Conversation) bool { return c.Muted })},
	{"custom_attributes", eqAttrs(func(c convo.Conversation) convo.Attributes { return c.CustomAttributes })},
	{"additional_attributes", eqAttrs(func(c convo.Conversation) convo.Attributes { return c.AdditionalAttributes })},
	{"happened_at", eqTime(func(c convo.Conversation) time.Time { return c.HappenedAt })},
	{"agent_last_seen_at", eqTime(func(c convo.Conversation) time.Time { return c.AgentLastSeenAt })},
	{"assignee_last_seen_at", eqTime(func(c convo.Conversation) time.Time { return c.AssigneeLastSeenAt })},
	{"contact_last_seen_at", eqTime(func(c convo.Conversation) time.Time { return c.ContactLastSeenAt })},
}

// ConversationFields names the fields on which conversations a and b
// differ.
func ConversationFields(a, b convo.Conversation) []string { return diff(conversationFields, a, b) }

// messageFields are a message's fields the feed reports.
var messageFields = []field[convo.Message]{
	{"content", eq(func(m convo.Message) string { return m.Content })},
	{"content_type", eq(func(m convo.Message) convo.ContentType { return m.ContentType })},
	{"content_attributes", eqAttrs(func(m convo.Message) convo.Attributes { return m.ContentAttributes })},
	{"message_type", eq(func(m convo.Message) convo.MessageType { return m.Type })},
	{"private", eq(func(m convo.Message) bool { return m.Private })},
	{"status", eq(func(m convo.Message) convo.MessageStatus { return m.Status })},
	{"source_id", eq(func(m convo.Message) string { return m.SourceID })},
	{"sender_type", eq(func(m convo.Message) convo.SenderType { return m.SenderType })},
	{"written_at", eqTime(func(m convo.Message) time.Time { return m.WrittenAt })},
	{"attachments", func(a, b convo.Message) bool { return slices.Equal(a.Attachments, b.Attachments) }},
	{"external_source_ids", func(a, b convo.Message) bool { return maps.Equal(a.ExternalSourceIDs, b.ExternalSourceIDs) }},
	{"additional_attributes", eqAttrs(func(m convo.Message) convo.Attributes { return m.AdditionalAttributes })},
	{"reply_to_id", eq(func(m convo.Message) int64 { return m.ReplyToID })},
	{"reply_count", eq(func(m convo.Message) int { return m.ReplyCount })},
	{"last_reply_at", eqTime(func(m convo.Message) time.Time { return m.LastReplyAt })},
	{"reactions", func(a, b convo.Message) bool { return maps.Equal(a.Reactions, b.Reactions) }},
	{"edit_count", eq(func(m convo.Message) int { return m.EditCount })},
	{"edited_at", eqTime(func(m convo.Message) time.Time { return m.EditedAt })},
	{"deleted_at", eqTime(func(m convo.Message) time.Time { return m.DeletedAt })},
	{"external_error", eq(func(m convo.Message) string { return m.ExternalError })},
}

// MessageFields names the fields on which messages a and b differ.
func MessageFields(a, b convo.Message) []string { return diff(messageFields, a, b) }

// sameSet reports whether a and b hold the same elements, in any order.
func sameSet[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// changeKindsByCode are the change kinds by their stored code, the same in
// every backend; a code is never reused, and 0 is none.
var changeKindsByCode = []store.ChangeKind{"",
	store.ContactCreated, store.ContactUpdated, store.ContactDeleted,
	store.ConversationCreated, store.ConversationUpdated, store.ConversationDeleted,
	store.MessageCreated, store.MessageUpdated, store.MessageDeleted,
	store.ReadStateUpdated, store.AccountImported,
}

// ChangeKindCodes are the stored codes of the change kinds.
var ChangeKindCodes = func() map[store.ChangeKind]int {
	codes := make(map[store.ChangeKind]int, len(changeKindsByCode))
	for code, k := range changeKindsByCode[1:] {
		codes[k] = code + 1
	}
	return codes
}()

// ChangeKindOf is the kind stored as code, or "" for an unknown code: a
// lookup per change read.
func ChangeKindOf(code int) store.ChangeKind {
	if code <= 0 || code >= len(changeKindsByCode) {
		return ""
	}
	return changeKindsByCode[code]
}

// FieldsText is the stored form of a change's fields: comma-separated,
// "" for none.
func FieldsText(fields []string) string { return strings.Join(fields, ",") }

// FieldsOf reads FieldsText's form back.
func FieldsOf(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(text, ",")
}

// AttributesEqual reports whether a and b hold the same attributes, nil
// and empty alike.
func AttributesEqual(a, b convo.Attributes) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	ta, errA := JSONText(a)
	tb, errB := JSONText(b)
	return errA == nil && errB == nil && ta == tb
}

// CheckChanges checks the arguments of Changes, and with a nil filter
// those of WaitChanges.
func CheckChanges(accountID, after int64, f *store.ChangeFilter) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	if f != nil {
		if err := f.Validate(); err != nil {
			return err
		}
	}
	if after < store.FromNow {
		return convo.Invalid("after", convo.CodeOutOfRange, "must be a position, 0, or FromNow (-1)")
	}
	return nil
}

// CheckConsumer checks the arguments of AckedChanges and DropConsumer.
func CheckConsumer(accountID int64, consumer string) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	return store.ValidateConsumer(consumer)
}

// CheckAck checks the arguments of AckChanges but the position's bound,
// which AckBeyond reports.
func CheckAck(accountID int64, consumer string, position int64) error {
	if err := CheckConsumer(accountID, consumer); err != nil {
		return err
	}
	if position < 0 {
		return convo.Invalid("position", convo.CodeOutOfRange, "must not be negative")
	}
	return nil
}

// AckBeyond is the error of an acknowledgement beyond the account's newest
// position, head.
func AckBeyond(head int64) error {
	return convo.Invalid("position", convo.CodeOutOfRange,
		"is beyond the newest change of the account ("+strconv.FormatInt(head, 10)+")")
}

// ChangedMessageIDs lists the messages whose changes carry them: every
// message change's but a deletion's.
func ChangedMessageIDs(list []store.Change) []int64 {
	var ids []int64
	for _, c := range list {
		if c.MessageID != 0 && c.Kind != store.MessageDeleted {
			ids = append(ids, c.MessageID)
		}
	}
	return ids
}

// AttachMessages gives each change of ChangedMessageIDs its message from
// msgs (a copy each), leaving it nil when msgs does not hold it (deleted
// since).
func AttachMessages(list []store.Change, msgs []convo.Message) {
	byID := make(map[int64]*convo.Message, len(msgs))
	for i := range msgs {
		byID[msgs[i].ID] = &msgs[i]
	}
	for i := range list {
		if m := byID[list[i].MessageID]; m != nil && list[i].Kind != store.MessageDeleted {
			copied := *m
			list[i].Message = &copied
		}
	}
}

// StatusChanged logs that receipts moved the messages' status, one change
// each. They are new to the log: nothing is folded.
func (l *ChangeLog) StatusChanged(accountID, conversationID int64, ids []int64) {
	for _, id := range ids {
		l.list = append(l.list, store.Change{Kind: store.MessageUpdated, AccountID: accountID,
			ConversationID: conversationID, MessageID: id, Fields: []string{"status"}})
	}
}
