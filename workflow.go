package convo

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// StatusChange is the input of a status change.
type StatusChange struct {
	// Status to set. Leave it empty and set Toggle to toggle instead.
	Status Status
	// Toggle: open becomes resolved; resolved, pending and snoozed become open.
	Toggle bool
	// SnoozedUntil is when a snoozed conversation reopens by itself; zero
	// snoozes until the next incoming message. Only with StatusSnoozed.
	SnoozedUntil time.Time
	// Quiet skips the activity message the change writes into the timeline.
	Quiet bool
}

// Validate reports a bad change as a *ValidationError; now rejects snooze
// times that have already passed.
func (c StatusChange) Validate(now time.Time) error {
	var p problems
	switch {
	case c.Toggle && c.Status != "":
		p.add("status", CodeMismatch, "give a status or toggle, not both")
	case !c.Toggle && c.Status == "":
		p.add("status", CodeRequired, "give a status or toggle")
	case c.Status != "":
		p.enum("status", c.Status, string(c.Status))
	}
	if !c.SnoozedUntil.IsZero() {
		p.time("snoozed_until", c.SnoozedUntil)
		if c.Status != StatusSnoozed {
			p.add("snoozed_until", CodeMismatch, "is only allowed when snoozing")
		} else if !c.SnoozedUntil.After(now) {
			p.add("snoozed_until", CodeOutOfRange, "must be in the future")
		}
	}
	return p.err()
}

// Next is the status the change leads to from current.
func (c StatusChange) Next(current Status) Status {
	if !c.Toggle {
		return c.Status
	}
	if current == StatusOpen {
		return StatusResolved
	}
	return StatusOpen
}

// Assignment is the input of Assign.
type Assignment struct {
	// AssigneeID is the user to assign; uuid.Nil unassigns.
	AssigneeID uuid.UUID
	// Quiet skips the activity message the change writes into the timeline.
	Quiet bool
}

// LabelChange adds, removes or replaces a conversation's labels. Set, when
// not nil, replaces them all and excludes Add and Remove.
type LabelChange struct {
	Add    []string
	Remove []string
	Set    *[]string
	// Quiet skips the activity message the change writes into the timeline.
	Quiet bool
}

// Validate reports bad labels as a *ValidationError.
func (c LabelChange) Validate() error {
	var p problems
	if c.Set != nil && (len(c.Add) > 0 || len(c.Remove) > 0) {
		p.add("labels", CodeMismatch, "set replaces every label: give it without add or remove")
	}
	for field, list := range map[string][]string{"add": c.Add, "remove": c.Remove} {
		if _, err := NormalizeLabels(field, list); err != nil {
			p.list = append(p.list, err.(*ValidationError).Errors...)
		}
	}
	if c.Set != nil {
		if _, err := NormalizeLabels("set", *c.Set); err != nil {
			p.list = append(p.list, err.(*ValidationError).Errors...)
		}
	}
	return p.err()
}

// Apply returns the labels that result from the change, normalised and sorted.
func (c LabelChange) Apply(current []string) []string {
	if c.Set != nil {
		out, _ := NormalizeLabels("set", *c.Set)
		return out
	}
	add, _ := NormalizeLabels("add", c.Add)
	remove, _ := NormalizeLabels("remove", c.Remove)
	next := make([]string, 0, len(current)+len(add))
	for _, l := range append(append([]string(nil), current...), add...) {
		keep := true
		for _, r := range remove {
			keep = keep && l != r
		}
		if keep {
			next = append(next, l)
		}
	}
	out, _ := NormalizeLabels("labels", next)
	return out
}

// Activity texts: the content of the activity messages a change writes.
// They name users by UUID, as convo does not know their names.

// ActivityStatus describes a status change.
func ActivityStatus(from, to Status, until time.Time) string {
	switch {
	case to == StatusSnoozed && !until.IsZero():
		return fmt.Sprintf("Conversation was snoozed until %s", until.UTC().Format(time.RFC3339))
	case to == StatusSnoozed:
		return "Conversation was snoozed until the next reply"
	case to == StatusOpen && from != StatusOpen:
		return "Conversation was reopened"
	}
	return fmt.Sprintf("Conversation was marked %s", to)
}

// ActivityMute describes muting (true) or unmuting a conversation.
func ActivityMute(muted bool) string {
	if muted {
		return "Conversation was muted"
	}
	return "Conversation was unmuted"
}

// ActivityAssignee describes an assignment.
func ActivityAssignee(to uuid.UUID) string {
	if to == uuid.Nil {
		return "Conversation was unassigned"
	}
	return fmt.Sprintf("Assigned to %s", to)
}

// ActivityTeam describes a team change.
func ActivityTeam(to int64) string {
	if to == 0 {
		return "Conversation was removed from its team"
	}
	return fmt.Sprintf("Assigned to team %d", to)
}

// ActivityPriority describes a priority change.
func ActivityPriority(to Priority) string {
	if to == PriorityNone {
		return "Priority was removed"
	}
	return fmt.Sprintf("Priority was set to %s", to)
}

// ActivityMerge describes the merge of conversation mergedID into this one.
func ActivityMerge(mergedID int64) string {
	return fmt.Sprintf("Conversation #%d was merged into this one", mergedID)
}

// ActivityLabels describes a label change.
func ActivityLabels(added, removed []string) string {
	switch {
	case len(added) > 0 && len(removed) > 0:
		return fmt.Sprintf("Added labels %v, removed labels %v", added, removed)
	case len(added) > 0:
		return fmt.Sprintf("Added labels %v", added)
	}
	return fmt.Sprintf("Removed labels %v", removed)
}
