package store

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/convokit/convo"
)

// The filter enums are ints; their text is their String, which
// MarshalText writes and UnmarshalText and the Parse functions read, so
// that they are text in JSON, in flags (flag.TextVar) and in URL queries.
// Text that is not one of the values is a *convo.ValidationError on the
// filter's field with convo.CodeUnknown.

// String names the assignee type as Chatwoot's assignee_type: "all",
// "mine", "unassigned" or "assigned".
func (a AssigneeType) String() string {
	switch a {
	case AssigneeAll:
		return "all"
	case AssigneeMine:
		return "mine"
	case AssigneeUnassigned:
		return "unassigned"
	case AssigneeAssigned:
		return "assigned"
	}
	return "unknown"
}

// String names the order: "oldest_first" or "newest_first".
func (o MessageOrder) String() string {
	switch o {
	case OldestFirst:
		return "oldest_first"
	case NewestFirst:
		return "newest_first"
	}
	return "unknown"
}

// String names the order: "newest_first" or "relevance".
func (o SearchOrder) String() string {
	switch o {
	case SearchNewestFirst:
		return "newest_first"
	case SearchRelevance:
		return "relevance"
	}
	return "unknown"
}

// ParseConversationSort parses a sort's String ("last_activity_desc").
func ParseConversationSort(s string) (ConversationSort, error) {
	return parseEnum[ConversationSort]("sort", s)
}

// ParseAssigneeType parses an assignee type's String ("mine").
func ParseAssigneeType(s string) (AssigneeType, error) {
	return parseEnum[AssigneeType]("assignee_type", s)
}

// ParseMessageOrder parses a message order's String ("newest_first").
func ParseMessageOrder(s string) (MessageOrder, error) {
	return parseEnum[MessageOrder]("order", s)
}

// ParseSearchOrder parses a search order's String ("relevance").
func ParseSearchOrder(s string) (SearchOrder, error) {
	return parseEnum[SearchOrder]("order", s)
}

// MarshalText implements encoding.TextMarshaler; a sort that is not valid
// is an error.
func (s ConversationSort) MarshalText() ([]byte, error) { return marshalEnum("sort", s) }

// UnmarshalText implements encoding.TextUnmarshaler with ParseConversationSort.
func (s *ConversationSort) UnmarshalText(b []byte) (err error) {
	*s, err = ParseConversationSort(string(b))
	return err
}

// MarshalText implements encoding.TextMarshaler; an assignee type that is
// not valid is an error.
func (a AssigneeType) MarshalText() ([]byte, error) { return marshalEnum("assignee_type", a) }

// UnmarshalText implements encoding.TextUnmarshaler with ParseAssigneeType.
func (a *AssigneeType) UnmarshalText(b []byte) (err error) {
	*a, err = ParseAssigneeType(string(b))
	return err
}

// MarshalText implements encoding.TextMarshaler; an order that is not
// valid is an error.
func (o MessageOrder) MarshalText() ([]byte, error) { return marshalEnum("order", o) }

// UnmarshalText implements encoding.TextUnmarshaler with ParseMessageOrder.
func (o *MessageOrder) UnmarshalText(b []byte) (err error) {
	*o, err = ParseMessageOrder(string(b))
	return err
}

// MarshalText implements encoding.TextMarshaler; an order that is not
// valid is an error.
func (o SearchOrder) MarshalText() ([]byte, error) { return marshalEnum("order", o) }

// UnmarshalText implements encoding.TextUnmarshaler with ParseSearchOrder.
func (o *SearchOrder) UnmarshalText(b []byte) (err error) {
	*o, err = ParseSearchOrder(string(b))
	return err
}

// intEnum is a filter enum: its values run from 0 while Valid.
type intEnum interface {
	~int
	Valid() bool
	String() string
}

// parseEnum finds the value of E whose String is s.
func parseEnum[E intEnum](field, s string) (E, error) {
	var names []string
	for e := E(0); e.Valid(); e++ {
		if e.String() == s {
			return e, nil
		}
		names = append(names, e.String())
	}
	return 0, convo.Invalid(field, convo.CodeUnknown,
		fmt.Sprintf("unknown value %s: want one of %s", quote(s), strings.Join(names, ", ")))
}

// marshalEnum is the text of e, or an error when e is not valid.
func marshalEnum[E intEnum](field string, e E) ([]byte, error) {
	if !e.Valid() {
		return nil, convo.Invalid(field, convo.CodeUnknown, fmt.Sprintf("unknown value %d", int(e)))
	}
	return []byte(e.String()), nil
}

// quote quotes text a caller gave for an error message, cut to 80 bytes.
func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strconv.Quote(s)
}
