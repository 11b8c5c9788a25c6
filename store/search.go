package store

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// SearchOrder orders SearchMessages. The zero value is SearchNewestFirst.
type SearchOrder int

// The search orders.
const (
	SearchNewestFirst SearchOrder = iota // the most recently added message first
	SearchRelevance                      // the best match first (BM25), then the newest
)

// Valid reports whether o is one of the orders.
func (o SearchOrder) Valid() bool { return o == SearchNewestFirst || o == SearchRelevance }

// Snippet defaults and limits.
const (
	DefaultSnippetStart  = "<b>"
	DefaultSnippetEnd    = "</b>"
	DefaultSnippetTokens = 16
	MaxSnippetTokens     = 64
	maxMarkerLength      = 64
)

// MessageSearch selects messages for SearchMessages. Query is required;
// every other field narrows the search.
type MessageSearch struct {
	// Query is what the user typed, in the language of convo.ParseSearch.
	Query string
	// ConversationID keeps one conversation's messages.
	ConversationID int64
	// ContactID keeps the messages of one contact's conversations.
	ContactID int64
	// SenderType keeps messages sent by a contact, a user or the system.
	SenderType convo.SenderType
	// AuthorID keeps the messages written by one user.
	AuthorID uuid.UUID
	// Types keeps messages of any of these types.
	Types []convo.MessageType
	// Since and Until keep messages added (CreatedAt) at or after Since and
	// before Until; a zero time does not limit.
	Since, Until time.Time
	// IncludePrivate lets private notes match. Leave it false for callers
	// who may not see internal notes (the contact's side, say).
	IncludePrivate bool
	// Viewer, when set, keeps the messages of the conversations the user
	// takes part in, directly or through one of their audiences.
	Viewer *convo.Viewer

	Order SearchOrder
	// SnippetStart and SnippetEnd mark each matching word in the snippet
	// (DefaultSnippetStart and DefaultSnippetEnd when both are empty).
	// The snippet is the stored content, not escaped: a caller putting it
	// into HTML escapes the content first or picks markers it can find.
	SnippetStart, SnippetEnd string
	// SnippetTokens is about how many words a snippet holds: 0 means
	// DefaultSnippetTokens, at most MaxSnippetTokens.
	SnippetTokens int
	Page          Paging
}

// Validate reports a bad search as a *convo.ValidationError.
func (f MessageSearch) Validate() error {
	var errs []convo.FieldError
	add := func(err error) {
		if err != nil {
			errs = append(errs, err.(*convo.ValidationError).Errors...)
		}
	}
	bad := func(field, code, msg string) {
		errs = append(errs, convo.FieldError{Field: field, Code: code, Message: msg})
	}
	if strings.TrimSpace(f.Query) == "" {
		bad("q", convo.CodeRequired, "is required")
	} else {
		_, err := convo.ParseSearch("q", f.Query)
		add(err)
	}
	if f.ConversationID < 0 {
		bad("conversation_id", convo.CodeOutOfRange, "must not be negative")
	}
	errs = append(errs, viewerProblems(f.Viewer)...)
	if f.ContactID < 0 {
		bad("contact_id", convo.CodeOutOfRange, "must not be negative")
	}
	if f.SenderType != "" && !f.SenderType.Valid() {
		bad("sender_type", convo.CodeUnknown, "unknown sender type")
	}
	for _, t := range f.Types {
		if !t.Valid() {
			bad("message_type", convo.CodeUnknown, "unknown message type")
			break
		}
	}
	add(convo.ValidateTime("since", f.Since, false))
	add(convo.ValidateTime("until", f.Until, false))
	if !f.Order.Valid() {
		bad("order", convo.CodeUnknown, "unknown order")
	}
	add(convo.ValidateText("snippet_start", f.SnippetStart, maxMarkerLength))
	add(convo.ValidateText("snippet_end", f.SnippetEnd, maxMarkerLength))
	if f.SnippetTokens < 0 || f.SnippetTokens > MaxSnippetTokens {
		bad("snippet_tokens", convo.CodeOutOfRange, "must be between 0 and 64")
	}
	add(f.Page.Validate())
	if len(errs) > 0 {
		return &convo.ValidationError{Errors: errs}
	}
	return nil
}

// Markers returns the snippet markers and length with their defaults.
func (f MessageSearch) Markers() (start, end string, tokens int) {
	start, end, tokens = f.SnippetStart, f.SnippetEnd, f.SnippetTokens
	if start == "" && end == "" {
		start, end = DefaultSnippetStart, DefaultSnippetEnd
	}
	if tokens == 0 {
		tokens = DefaultSnippetTokens
	}
	return start, end, tokens
}

// MessageHit is one message found by SearchMessages.
type MessageHit struct {
	ConversationID int64         `json:"conversation_id"`
	Message        convo.Message `json:"message"`
	// Snippet is a short extract of the content around the matching words,
	// each between the search's markers; "…" marks cut text.
	Snippet string `json:"snippet"`
}
