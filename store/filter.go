package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// DeleteContactOptions tune DeleteContact.
type DeleteContactOptions struct {
	// Cascade deletes the contact's conversations and their messages too.
	Cascade bool
}

// ContactFilter selects contacts for ListContacts.
type ContactFilter struct {
	// Query, when not blank, keeps contacts matching it, in the language of
	// convo.ParseSearch: every term is a prefix, and must begin a word of
	// the contact's complete name, nickname, email, phone or identifier,
	// without regard to case or accents ("ada love" finds Ada Lovelace,
	// "example" finds bob@example.org, "4420" finds +442079460000: a
	// phone number, stored in E.164 form, is one word; see Search in the
	// package doc).
	Query string
	// Phone, when not blank, keeps the contact with this phone number,
	// compared in the form convo.NormalizePhone gives, so that any spelling
	// it accepts finds the number ("+44 20 7946 0000" finds +442079460000).
	// A number it refuses is ErrInvalid, on field "phone".
	Phone string
	// Email, when not blank, keeps the contact with this email, compared
	// without regard to case.
	Email string
	Page  Paging
}

// Validate reports a bad filter as a *convo.ValidationError.
func (f ContactFilter) Validate() error {
	_, errQuery := convo.ParseSearch("query", f.Query)
	_, errPhone := convo.NormalizePhone(f.Phone)
	var errs []convo.FieldError
	for _, err := range []error{errQuery, errPhone, convo.ValidateText("email", f.Email, convo.MaxNameLength), f.Page.Validate()} {
		if err != nil {
			errs = append(errs, err.(*convo.ValidationError).Errors...)
		}
	}
	return validationError(errs)
}

// PhoneKey is the filter's Phone as stored (convo.NormalizePhone), or ""
// for none. Call it on a filter that validated.
func (f ContactFilter) PhoneKey() string {
	phone, _ := convo.NormalizePhone(f.Phone)
	return phone
}

// GetConversationOptions tune GetConversation.
type GetConversationOptions struct {
	// Messages is how many of the newest messages to include, returned
	// oldest first: 0 for none, AllMessages for every one.
	Messages int
	// Viewer, when set, reads the conversation as this user: ErrNotFound
	// unless the user is a participant or one of their audiences is on the
	// conversation; UnseenMessagesCount and each message's Seen are filled in.
	Viewer *convo.Viewer
}

// AllMessages asks GetConversation for every message of the conversation.
const AllMessages = -1

// Validate reports bad options as a *convo.ValidationError.
func (o GetConversationOptions) Validate() error {
	var errs []convo.FieldError
	if o.Messages < AllMessages {
		errs = append(errs, convo.FieldError{Field: "messages", Code: convo.CodeOutOfRange, Message: "must be 0 or more, or AllMessages"})
	}
	return validationError(append(errs, viewerProblems(o.Viewer)...))
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
	SortPriorityDesc                             // urgent first, none last, then newest activity
	SortPriorityAsc                              // low first, none last, then newest activity
	SortWaitingSinceAsc                          // waiting longest first, not waiting last
	SortWaitingSinceDesc                         // waiting shortest first, not waiting last
	// SortUnreadDesc is Chatwoot's unread sort: the most unread incoming
	// messages (UnreadCount, private ones included) first, then newest
	// activity.
	SortUnreadDesc
	SortUnreadAsc // the fewest unread incoming messages first, then newest activity
)

// Valid reports whether s is one of the sorts.
func (s ConversationSort) Valid() bool { return s >= SortLastActivityDesc && s <= SortUnreadAsc }

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
	case SortPriorityDesc:
		return "priority_desc"
	case SortPriorityAsc:
		return "priority_asc"
	case SortWaitingSinceAsc:
		return "waiting_since_asc"
	case SortWaitingSinceDesc:
		return "waiting_since_desc"
	case SortUnreadDesc:
		return "unread_desc"
	case SortUnreadAsc:
		return "unread_asc"
	}
	return "unknown"
}

// AssigneeType picks conversations by their assignee relative to an agent
// (Chatwoot's assignee_type). The zero value is AssigneeAll.
type AssigneeType int

// The assignee types.
const (
	AssigneeAll        AssigneeType = iota // every conversation
	AssigneeMine                           // assigned to the filter's Agent
	AssigneeUnassigned                     // assigned to nobody
	AssigneeAssigned                       // assigned to anybody, the agent included
)

// Valid reports whether a is one of the assignee types.
func (a AssigneeType) Valid() bool { return a >= AssigneeAll && a <= AssigneeAssigned }

// AllStatuses, as ConversationFilter.Statuses, lists conversations of every status.
var AllStatuses = []convo.Status{convo.StatusOpen, convo.StatusResolved, convo.StatusPending, convo.StatusSnoozed}

// ConversationFilter selects conversations for ListConversations and
// CountConversations. Every field narrows the list; the zero value lists the
// account's open conversations, newest activity first (Chatwoot's default).
type ConversationFilter struct {
	// Statuses keeps conversations in any of these statuses. Nil means open,
	// unless ContactID or Query is set: a contact's conversations span every
	// status (Chatwoot's contact conversations, Monica's), and so does a
	// search (Chatwoot's q). AllStatuses lists all.
	// A snooze whose time has passed counts as open.
	Statuses []convo.Status
	// Assignee keeps mine, unassigned or assigned conversations; "mine" is
	// relative to Agent, which it requires.
	Assignee AssigneeType
	Agent    uuid.UUID
	InboxID  int64
	TeamID   int64
	// Labels keeps conversations with any of these labels.
	Labels []string
	// ContactID keeps one contact's conversations.
	ContactID int64
	// Unattended keeps conversations with no human reply yet, or whose
	// contact is waiting for one.
	Unattended bool
	// UpdatedSince keeps conversations updated at or after this time.
	UpdatedSince time.Time
	// Viewer keeps the conversations the user takes part in, directly or
	// through one of their audiences, and fills in each one's
	// UnseenMessagesCount for the user. Counts count only those.
	Viewer *convo.Viewer
	// Unseen keeps conversations with unseen messages for the Viewer,
	// which it requires.
	Unseen bool
	// Query (Chatwoot's q), when not blank, keeps conversations with a
	// message matching it, in the language of convo.ParseSearch. With a
	// Query and no Statuses the list spans every status. Sorted by
	// SortLastActivityDesc (the default), a search lists conversations by
	// their latest matching message, newest first: the activity that
	// matched. It is the conversation's last activity unless newer messages
	// did not match, and it lets a search stop reading the index once a
	// page is full. Every other sort applies as it is.
	Query string
	// IncludePrivate lets private notes match the Query. Leave it false for
	// callers who may not see internal notes: then only public messages
	// match. Another account's messages never match.
	IncludePrivate bool
	// Conditions keeps the conversations that meet them: a custom view,
	// Chatwoot's conversation filter (see Condition). With Conditions or
	// View and no Statuses the list spans every status, as Chatwoot's
	// filter does; a status condition narrows it.
	//
	// A page walks the sort's order, reading rows until it is full: when
	// many conversations match it costs a few pages' rows, when few match
	// it may read every conversation of the account in the filter's
	// statuses, and so do its counts (a count reads each row once).
	Conditions []Condition
	// View names a view saved with Store.SaveView: its conditions apply,
	// and-ed with Conditions. An unknown name is ErrNotFound.
	View string

	Sort ConversationSort
	Page Paging
}

// Validate reports a bad filter as a *convo.ValidationError.
func (f ConversationFilter) Validate() error {
	var errs []convo.FieldError
	bad := func(field, code, msg string) {
		errs = append(errs, convo.FieldError{Field: field, Code: code, Message: msg})
	}
	for _, st := range f.Statuses {
		if !st.Valid() {
			bad("status", convo.CodeUnknown, "unknown status "+strconv.Quote(string(st)))
		}
	}
	switch {
	case !f.Assignee.Valid():
		bad("assignee_type", convo.CodeUnknown, "unknown assignee type")
	case f.Assignee == AssigneeMine && f.Agent == uuid.Nil:
		bad("agent", convo.CodeRequired, "is required for the mine assignee type")
	}
	if f.InboxID < 0 {
		bad("inbox_id", convo.CodeOutOfRange, "must not be negative")
	}
	if f.TeamID < 0 {
		bad("team_id", convo.CodeOutOfRange, "must not be negative")
	}
	if _, err := convo.NormalizeLabels("labels", f.Labels); err != nil {
		errs = append(errs, err.(*convo.ValidationError).Errors...)
	}
	if f.ContactID < 0 {
		bad("contact_id", convo.CodeOutOfRange, "must not be negative")
	}
	errs = append(errs, viewerProblems(f.Viewer)...)
	if f.Unseen && f.Viewer == nil {
		bad("viewer", convo.CodeRequired, "is required to keep unseen conversations")
	}
	if _, err := convo.ParseSearch("q", f.Query); err != nil {
		errs = append(errs, err.(*convo.ValidationError).Errors...)
	}
	if !f.Sort.Valid() {
		bad("sort", convo.CodeUnknown, "unknown sort")
	}
	_, problems := resolveConditions("conditions", f.Conditions, time.Time{})
	errs = append(errs, problems...)
	if f.View != "" {
		errs = append(errs, viewNameProblems("view", f.View)...)
	}
	if err := convo.ValidateTime("updated_since", f.UpdatedSince, false); err != nil {
		errs = append(errs, err.(*convo.ValidationError).Errors...)
	}
	if err := f.Page.Validate(); err != nil {
		errs = append(errs, err.(*convo.ValidationError).Errors...)
	}
	if len(errs) > 0 {
		return &convo.ValidationError{Errors: errs}
	}
	return nil
}

// StatusSet is the statuses the filter keeps, with its defaults applied.
func (f ConversationFilter) StatusSet() []convo.Status {
	switch {
	case len(f.Statuses) > 0:
		return f.Statuses
	case f.ContactID != 0 || f.Searching() || f.HasConditions():
		return AllStatuses
	}
	return []convo.Status{convo.StatusOpen}
}

// HasConditions reports whether the filter has a custom view's conditions,
// its own or a saved view's.
func (f ConversationFilter) HasConditions() bool { return len(f.Conditions) > 0 || f.View != "" }

// LabelSet is the labels the filter keeps, normalised and sorted as stored
// (convo.NormalizeLabels). Call it on a filter that validated.
func (f ConversationFilter) LabelSet() []string {
	labels, _ := convo.NormalizeLabels("labels", f.Labels)
	return labels
}

// Searching reports whether the filter has a Query.
func (f ConversationFilter) Searching() bool { return strings.TrimSpace(f.Query) != "" }

// Of returns the count of one assignee type.
func (c Counts) Of(a AssigneeType) int {
	switch a {
	case AssigneeMine:
		return c.Mine
	case AssigneeUnassigned:
		return c.Unassigned
	case AssigneeAssigned:
		return c.Assigned
	}
	return c.All
}

// Counts are the four counts of Chatwoot's conversation list meta, for a
// filter without its assignee type, so they are the same on every tab.
// Assigned includes mine; Assigned = All - Unassigned.
type Counts struct {
	Mine       int `json:"mine_count"`
	Unassigned int `json:"unassigned_count"`
	Assigned   int `json:"assigned_count"`
	All        int `json:"all_count"`
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
	// Viewer, when set, reads the messages as this user: ErrNotFound unless
	// the user takes part in the conversation; each message's Seen is
	// filled in.
	Viewer *convo.Viewer
	// TopLevel leaves the replies out (a thread UI lists them with
	// ListReplies); each message carries its reply count.
	TopLevel bool
	// ContactSide leaves out private notes and activity messages: the
	// thread as the contact sees it.
	ContactSide bool
	// Around opens the list at one of its messages, to show it in its
	// context (a search hit in place): the page holds up to half the page
	// size of the messages before it, the message, and the rest of the
	// page after it, in Order; Page.Prev and Page.Next go on either way.
	// Only with keyset paging from no cursor (After("", n)). A message
	// the list does not hold is ErrInvalid naming "around".
	Around int64
	// Until, a cursor of the same list (a Page.Prev of a page read
	// later on, say), ends the list just before that cursor's message:
	// paging with After from one page's Next up to another's Prev reads
	// the messages between them. Only with keyset paging.
	Until string
}

// Validate reports a bad filter as a *convo.ValidationError.
func (f MessageFilter) Validate() error {
	if !f.Order.Valid() {
		return convo.Invalid("order", convo.CodeUnknown, "unknown order")
	}
	if err := validationError(viewerProblems(f.Viewer)); err != nil {
		return err
	}
	switch {
	case f.Around < 0:
		return convo.Invalid("around", convo.CodeOutOfRange, "must be a message id")
	case f.Around != 0 && (!f.Page.Keyset() || f.Page.Cursor() != ""):
		return convo.Invalid("around", convo.CodeMismatch, "takes keyset paging from no cursor")
	case f.Until != "" && !f.Page.Keyset():
		return convo.Invalid("until", convo.CodeMismatch, "takes keyset paging")
	}
	return f.Page.Validate()
}

// ReactionFilter picks a page of a message's reactions.
type ReactionFilter struct {
	// Reaction, when set, keeps one reaction's.
	Reaction string
	Page     Paging
}

// Validate reports a bad filter as a *convo.ValidationError.
func (f ReactionFilter) Validate() error {
	if f.Reaction != "" {
		if err := convo.ValidateReaction(f.Reaction); err != nil {
			return err
		}
	}
	return f.Page.Validate()
}

// MaxBatch is the most messages one AddMessages call takes.
const MaxBatch = 1000

// MessageTo is one item of AddMessages: a message for a conversation.
type MessageTo struct {
	ConversationID int64
	Message        convo.NewMessage
}
