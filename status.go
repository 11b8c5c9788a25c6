package convo

import "fmt"

// Status is where a conversation stands in the support workflow (Chatwoot's
// status). The zero value is not valid; new conversations default to open.
type Status string

// The conversation statuses.
const (
	StatusOpen     Status = "open"
	StatusResolved Status = "resolved"
	StatusPending  Status = "pending"
	StatusSnoozed  Status = "snoozed"
)

// Statuses lists every status, in a fixed order.
var Statuses = []Status{StatusOpen, StatusResolved, StatusPending, StatusSnoozed}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusOpen, StatusResolved, StatusPending, StatusSnoozed:
		return true
	}
	return false
}

// ParseStatus parses a status's text; anything but the four statuses is a
// *ValidationError on field "status" with CodeUnknown. A status is a
// string, so it already marshals as its text; ParseStatus is the check
// for text from outside (a form, a URL).
func ParseStatus(s string) (Status, error) {
	return parseEnum[Status]("status", s, "open, resolved, pending or snoozed")
}

// Priority orders conversations for agents. The zero value means none.
type Priority string

// The priorities, lowest first.
const (
	PriorityNone   Priority = ""
	PriorityLow    Priority = "low"
	PriorityMedium Priority = "medium"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Valid reports whether p is none or one of the priorities.
func (p Priority) Valid() bool { return p.Rank() >= 0 }

// ParsePriority parses a priority's text, "" being none; anything else is
// a *ValidationError on field "priority" with CodeUnknown.
func ParsePriority(s string) (Priority, error) {
	return parseEnum[Priority]("priority", s, `low, medium, high, urgent or "" (none)`)
}

// Rank orders priorities: 0 for none, 1 for low up to 4 for urgent, -1 for
// an unknown value.
func (p Priority) Rank() int {
	switch p {
	case PriorityNone:
		return 0
	case PriorityLow:
		return 1
	case PriorityMedium:
		return 2
	case PriorityHigh:
		return 3
	case PriorityUrgent:
		return 4
	}
	return -1
}

// PriorityFromRank is the inverse of Rank.
func PriorityFromRank(rank int) Priority {
	switch rank {
	case 1:
		return PriorityLow
	case 2:
		return PriorityMedium
	case 3:
		return PriorityHigh
	case 4:
		return PriorityUrgent
	}
	return PriorityNone
}

// parseEnum is the Parse function of a string enum: s as an E when it is
// Valid, else a *ValidationError on field naming the values it takes.
func parseEnum[E interface {
	~string
	Valid() bool
}](field, s, want string) (E, error) {
	if e := E(s); e.Valid() {
		return e, nil
	}
	return "", Invalid(field, CodeUnknown, fmt.Sprintf("unknown value %q: want %s", truncate(s, 80), want))
}
