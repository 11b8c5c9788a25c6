package backend

import "github.com/convokit/convo/store"

// A CountSource is where a filter's counts come from (CountConversations,
// a numbered page's total). Both schemas keep the same tables of counts,
// so both engines plan counts alike.
type CountSource int

const (
	// CountStatus sums the counts by status and assignee
	// (convo_conversation_counts).
	CountStatus CountSource = iota
	// CountRoute sums them by inbox and team too
	// (convo_conversation_route_counts).
	CountRoute
	// CountUnattended sums those of the unattended conversations, by
	// status, inbox and team (convo_conversation_unattended_counts).
	CountUnattended
	// CountLabel sums those of one label (convo_conversation_label_counts).
	CountLabel
	// CountMatches counts the rows of a filter by labels or update time,
	// which an engine may find by their own indexes.
	CountMatches
	// CountRows counts the filter's rows through an index of its own (a
	// contact's, a viewer's, a search's), or, for a custom view, every row
	// of its statuses.
	CountRows
)

func (c CountSource) String() string {
	return [...]string{"status", "route", "unattended", "label", "matches", "rows"}[c]
}

// PlanCounts chooses where a filter's counts come from: the maintained
// tables when they hold the filter, whose cost follows the number of
// assignees, not of conversations; else a count of the rows the filter
// finds through an index of its own.
func PlanCounts(f store.ConversationFilter) CountSource {
	labels := f.LabelSet()
	switch {
	case f.ContactID != 0 || f.Viewer != nil || f.Searching() || f.HasConditions():
		return CountRows
	case !f.UpdatedSince.IsZero() || len(labels) > 1 || len(labels) == 1 && (f.InboxID != 0 || f.TeamID != 0 || f.Unattended):
		return CountMatches
	case len(labels) == 1:
		return CountLabel
	case f.Unattended:
		return CountUnattended
	case f.InboxID != 0 || f.TeamID != 0:
		return CountRoute
	}
	return CountStatus
}
