package store

import "github.com/convokit/convo"

// DeleteContactOptions tune DeleteContact.
type DeleteContactOptions struct {
	// Cascade deletes the contact's conversations and their messages too.
	Cascade bool
}

// ContactFilter selects contacts for ListContacts.
type ContactFilter struct {
	// Query, when not empty, keeps contacts whose name, nickname, email,
	// phone or identifier contains it, without regard to case.
	Query string
	Page  Paging
}

// Validate reports a bad filter as a *convo.ValidationError.
func (f ContactFilter) Validate() error {
	if err := convo.ValidateText("query", f.Query, convo.MaxNameLength); err != nil {
		return err
	}
	return f.Page.Validate()
}

// GetConversationOptions tune GetConversation.
type GetConversationOptions struct {
	// Messages is how many of the newest messages to include, returned
	// oldest first: 0 for none, AllMessages for every one.
	Messages int
}

// AllMessages asks GetConversation for every message of the conversation.
const AllMessages = -1

// Validate reports bad options as a *convo.ValidationError.
func (o GetConversationOptions) Validate() error {
	if o.Messages < AllMessages {
		return convo.Invalid("messages", convo.CodeOutOfRange, "must be 0 or more, or AllMessages")
	}
	return nil
}

// ConversationSort orders ListConversations. The zero value is
// SortLastActivityDesc. Every sort breaks ties by id, so pages are stable.
type ConversationSort int

// The conversation sorts.
const (
	SortLastActivityDesc ConversationSort = iota // newest activity first (default)
	SortLastActivityAsc                          // oldest activity first
	SortCreatedDesc                              // newest first
	SortCreatedAsc                               // oldest first
)

// Valid reports whether s is one of the sorts.
func (s ConversationSort) Valid() bool { return s >= SortLastActivityDesc && s <= SortCreatedAsc }

// String names the sort.
func (s ConversationSort) String() string {
	switch s {
	case SortLastActivityDesc:
		return "last_activity_desc"
	case SortLastActivityAsc:
		return "last_activity_asc"
	case SortCreatedDesc:
		return "created_desc"
	case SortCreatedAsc:
		return "created_asc"
	}
	return "unknown"
}

// ConversationFilter selects conversations for ListConversations. The zero
// value lists every conversation of the account, newest activity first.
type ConversationFilter struct {
	// ContactID keeps one contact's conversations (Chatwoot's contact
	// conversations, Monica's GET /contacts/:id/conversations).
	ContactID int64
	Sort      ConversationSort
	Page      Paging
}

// Validate reports a bad filter as a *convo.ValidationError.
func (f ConversationFilter) Validate() error {
	if f.ContactID < 0 {
		return convo.Invalid("contact_id", convo.CodeOutOfRange, "must not be negative")
	}
	if !f.Sort.Valid() {
		return convo.Invalid("sort", convo.CodeUnknown, "unknown sort")
	}
	return f.Page.Validate()
}

// MessageOrder orders ListMessages. The zero value is OldestFirst.
type MessageOrder int

// The message orders.
const (
	OldestFirst MessageOrder = iota
	NewestFirst
)

// Valid reports whether o is one of the orders.
func (o MessageOrder) Valid() bool { return o == OldestFirst || o == NewestFirst }

// MessageFilter selects messages for ListMessages.
type MessageFilter struct {
	Order MessageOrder
	Page  Paging
}

// Validate reports a bad filter as a *convo.ValidationError.
func (f MessageFilter) Validate() error {
	if !f.Order.Valid() {
		return convo.Invalid("order", convo.CodeUnknown, "unknown order")
	}
	return f.Page.Validate()
}

