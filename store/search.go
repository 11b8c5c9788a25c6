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
	SearchRelevance                      // the better match first, then the newest (see Search in the package doc)
)

// Valid reports whether o is one of the orders.
func (o SearchOrder) Valid() bool { return o == SearchNewestFirst || o == SearchRelevance }

// The form of a snippet (see Search in the package doc): its markers and
// its length in words, by default and at most, and what stands for the
// content it leaves out.
const (
	DefaultSnippetStart = "<b>"
	DefaultSnippetEnd   = "</b>"
	DefaultSnippetWords = 16
	MaxSnippetWords     = 64
	SnippetEllipsis     = "…"
	maxMarkerLength     = 64
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
	// SnippetStart and SnippetEnd mark each match in the snippet
	// (DefaultSnippetStart and DefaultSnippetEnd when both are empty).
	// The snippet is the stored content, not escaped: a caller putting it
	// into HTML escapes the content first or picks markers it can find.
	SnippetStart, SnippetEnd string
	// SnippetWords is how many words a snippet holds at most: 0 means
	// DefaultSnippetWords, at most MaxSnippetWords.
	SnippetWords int
	Page         Paging
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
	if f.SnippetWords < 0 || f.SnippetWords > MaxSnippetWords {
		bad("snippet_words", convo.CodeOutOfRange, "must be between 0 and 64")
	}
	add(f.Page.Validate())
	if len(errs) > 0 {
		return &convo.ValidationError{Errors: errs}
	}
	return nil
}

// Markers returns the snippet markers and length with their defaults.
func (f MessageSearch) Markers() (start, end string, words int) {
	start, end, words = f.SnippetStart, f.SnippetEnd, f.SnippetWords
	if start == "" && end == "" {
		start, end = DefaultSnippetStart, DefaultSnippetEnd
	}
	if words == 0 {
		words = DefaultSnippetWords
	}
	return start, end, words
}

// MessageHit is one message found by SearchMessages.
type MessageHit struct {
	ConversationID int64         `json:"conversation_id"`
	Message        convo.Message `json:"message"`
	// Snippet is a piece of the content around a match, each match between
	// the search's markers, SnippetEllipsis where content is left out (see
	// Search in the package doc).
	Snippet string `json:"snippet"`
}
