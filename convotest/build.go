package convotest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// The builders create records with sensible defaults, changed by options:
// an option is any func that edits the spec, so every field can be set.
// They return the records as stored and fail the test on any error.

// ContactSpec describes a contact to create.
type ContactSpec struct {
	Account int64 // default Account
	convo.NewContact
}

// ContactOption edits a ContactSpec.
type ContactOption func(*ContactSpec)

// Contact creates a contact, by default "Ada Lovelace" in Account.
func Contact(t testing.TB, s store.Store, opts ...ContactOption) convo.Contact {
	t.Helper()
	spec := ContactSpec{Account: Account, NewContact: convo.NewContact{FirstName: "Ada", LastName: "Lovelace"}}
	for _, opt := range opts {
		opt(&spec)
	}
	c, err := s.CreateContact(t.Context(), spec.Account, spec.NewContact)
	if err != nil {
		t.Fatalf("convotest: create contact: %v", err)
	}
	return c
}

// ConversationSpec describes a conversation to create, with its messages.
type ConversationSpec struct {
	Account int64 // default Account
	// NewConversation defaults: a new contact (Contact's defaults) when
	// ContactID is 0, the email channel, HappenedAt Epoch, status open.
	convo.NewConversation
	// Messages is how many messages to add: by default incoming and
	// outgoing in turn, incoming first, "Message 1", "Message 2", ...
	Messages int
	// Message, when set, makes message i (from 0) instead.
	Message func(i int) convo.NewMessage
}

// ConversationOption edits a ConversationSpec.
type ConversationOption func(*ConversationSpec)

// Conversation creates a conversation with its messages and returns it as
// stored, messages included. The status is set after the messages, so an
// incoming message does not reopen a conversation asked to be resolved;
// that change writes no activity message.
func Conversation(t testing.TB, s store.Store, opts ...ConversationOption) convo.Conversation {
	t.Helper()
	spec := ConversationSpec{Account: Account, NewConversation: convo.NewConversation{
		Channel: convo.ChannelEmail, HappenedAt: Epoch}}
	for _, opt := range opts {
		opt(&spec)
	}
	return buildConversation(t, s, spec)
}

func buildConversation(t testing.TB, s store.Store, spec ConversationSpec) convo.Conversation {
	t.Helper()
	ctx := t.Context()
	in := spec.NewConversation
	if in.ContactID == 0 {
		in.ContactID = Contact(t, s, func(c *ContactSpec) { c.Account = spec.Account }).ID
	}
	status, until := in.Status, in.SnoozedUntil
	later := spec.Messages > 0 && status != "" && status != convo.StatusOpen
	if later {
		in.Status, in.SnoozedUntil = convo.StatusOpen, time.Time{}
	}
	c, err := s.CreateConversation(ctx, spec.Account, in)
	if err != nil {
		t.Fatalf("convotest: create conversation: %v", err)
	}
	batch := make([]store.MessageTo, 0, min(spec.Messages, store.MaxBatch))
	for i := range spec.Messages {
		batch = append(batch, store.MessageTo{ConversationID: c.ID, Message: defaultMessage(spec, i)})
		if len(batch) == cap(batch) || i == spec.Messages-1 {
			if _, err := s.AddMessages(ctx, spec.Account, batch); err != nil {
				t.Fatalf("convotest: add messages: %v", err)
			}
			batch = batch[:0]
		}
	}
	if later {
		ch := convo.StatusChange{Status: status, SnoozedUntil: until, Quiet: true}
		if _, err := s.ChangeStatus(ctx, spec.Account, c.ID, ch); err != nil {
			t.Fatalf("convotest: set status %s: %v", status, err)
		}
	}
	c, err = s.GetConversation(ctx, spec.Account, c.ID, store.GetConversationOptions{Messages: store.AllMessages})
	if err != nil {
		t.Fatalf("convotest: read conversation back: %v", err)
	}
	return c
}

func defaultMessage(spec ConversationSpec, i int) convo.NewMessage {
	if spec.Message != nil {
		return spec.Message(i)
	}
	m := convo.NewMessage{Type: convo.MessageIncoming, Content: fmt.Sprintf("Message %d", i+1)}
	if i%2 == 1 {
		m.Type = convo.MessageOutgoing
	}
	return m
}

// InboxSpec describes many conversations at once. Conversation i takes
// the i-th value of each list, cycling through it (Statuses[i%len], ...);
// an empty list leaves the conversations' default.
type InboxSpec struct {
	Account int64 // default Account
	// Count is how many conversations to create; default 10.
	Count int
	// Contacts is how many contacts the conversations share, in turn;
	// default 1.
	Contacts  int
	Statuses  []convo.Status
	Assignees []uuid.UUID // uuid.Nil leaves one unassigned
	Labels    [][]string
	InboxIDs  []int64
	TeamIDs   []int64
	Channels  []convo.Channel
	// Messages is how many messages each conversation gets (Conversation's
	// defaults: the first incoming, so it is unread); default 1.
	Messages int
	// Conversation, when set, edits conversation i's spec last.
	Conversation func(i int, spec *ConversationSpec)
}

// InboxOption edits an InboxSpec.
type InboxOption func(*InboxSpec)

// Inbox creates an inbox of conversations in the states the spec lists,
// oldest first, and returns them as stored, in that order. Conversation i
// happened i microseconds after Epoch.
func Inbox(t testing.TB, s store.Store, opts ...InboxOption) []convo.Conversation {
	t.Helper()
	spec := InboxSpec{Account: Account, Count: 10, Contacts: 1, Messages: 1}
	for _, opt := range opts {
		opt(&spec)
	}
	contacts := make([]convo.Contact, max(spec.Contacts, 1))
	for i := range contacts {
		contacts[i] = Contact(t, s, func(c *ContactSpec) {
			c.Account, c.FirstName, c.LastName = spec.Account, "Contact", fmt.Sprint(i+1)
		})
	}
	out := make([]convo.Conversation, 0, spec.Count)
	for i := range spec.Count {
		cs := ConversationSpec{Account: spec.Account, Messages: spec.Messages, NewConversation: convo.NewConversation{
			ContactID: contacts[i%len(contacts)].ID, Channel: convo.ChannelEmail, HappenedAt: Epoch.Add(time.Duration(i) * time.Microsecond),
			Status: pick(spec.Statuses, i), AssigneeID: pick(spec.Assignees, i), Labels: pick(spec.Labels, i),
			InboxID: pick(spec.InboxIDs, i), TeamID: pick(spec.TeamIDs, i)}}
		if ch := pick(spec.Channels, i); ch != "" {
			cs.Channel = ch
		}
		if spec.Conversation != nil {
			spec.Conversation(i, &cs)
		}
		out = append(out, buildConversation(t, s, cs))
	}
	return out
}

// pick is list[i] cycling, or the zero value of an empty list.
func pick[T any](list []T, i int) T {
	var zero T
	if len(list) == 0 {
		return zero
	}
	return list[i%len(list)]
}

// Named sets a contact's first and last names.
func Named(first, last string) ContactOption {
	return func(c *ContactSpec) { c.FirstName, c.LastName = first, last }
}

// WithMessages sets how many messages a conversation gets.
func WithMessages(n int) ConversationOption {
	return func(c *ConversationSpec) { c.Messages = n }
}

// ReplySpec describes a reply to add.
type ReplySpec struct {
	// NewMessage defaults: incoming, "Reply to message <parent id>";
	// ReplyToID is always the parent's.
	convo.NewMessage
}

// ReplyOption edits a ReplySpec.
type ReplyOption func(*ReplySpec)

// Reply adds a reply to parent, in its account and conversation, and
// returns it as stored.
func Reply(t testing.TB, s store.Store, parent convo.Message, opts ...ReplyOption) convo.Message {
	t.Helper()
	spec := ReplySpec{NewMessage: convo.NewMessage{Type: convo.MessageIncoming,
		Content: fmt.Sprintf("Reply to message %d", parent.ID)}}
	for _, opt := range opts {
		opt(&spec)
	}
	spec.ReplyToID = parent.ID
	m, err := s.AddMessage(t.Context(), parent.AccountID, parent.ConversationID, spec.NewMessage)
	if err != nil {
		t.Fatalf("convotest: add reply: %v", err)
	}
	return m
}

// React adds by's reactions to message m, in order, and returns the
// message as stored, with its counts.
func React(t testing.TB, s store.Store, m convo.Message, by convo.Actor, reactions ...string) convo.Message {
	t.Helper()
	for _, r := range reactions {
		var err error
		if m, err = s.AddReaction(t.Context(), m.AccountID, m.ID, by, r); err != nil {
			t.Fatalf("convotest: add reaction %q: %v", r, err)
		}
	}
	return m
}
