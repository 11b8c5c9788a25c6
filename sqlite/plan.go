package sqlite

import (
	"context"

	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// How a list page is read. planList chooses one plan for a filter, and
// ListConversations runs it in one switch: why a list is slow or fast is
// answered here. Each plan's SQL is in one function, named below.
type listPlan int

const (
	// planWalk walks the sort's index from the top or the cursor,
	// filtering as it goes, until the page is full (conversationPageQuery).
	planWalk listPlan = iota
	// planSkip is a numbered page past the first: the rows before it are
	// walked as ids alone from the sort's index, then the page's own rows
	// are read (skippingPageQuery).
	planSkip
	// planMerge is several statuses by last activity: one ordered walk of
	// each status's index, merged (mergedPageQuery). There is no index on
	// the last activity alone: every append would move an entry of it.
	planMerge
	// planMatches is a filter by labels or update time that few
	// conversations match: they are found by their own index and sorted
	// (matchingIDs; sortsMatches weighs it against a walk).
	planMatches
	// planStream is a search by last activity: the full-text matches,
	// newest first, each conversation once (streamPage).
	planStream
)

func (p listPlan) String() string {
	return [...]string{"walk", "skip", "merge", "matches", "stream"}[p]
}

// planList chooses how to read a page of f. fromTop says that the page
// starts at the top of the list (no keyset cursor).
func planList(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter, fromTop bool) (listPlan, error) {
	if backend.Streams(f) {
		return planStream, nil
	}
	last := f.Page.PerPage() + 1 // the last row the page reads
	if !f.Page.Keyset() {
		last += f.Page.Offset()
	}
	byMatches, err := sortsMatches(ctx, tx, accountID, f, last, fromTop)
	if err != nil {
		return planWalk, err
	}
	return pagePlan(f, byMatches), nil
}

// pagePlan is the plan of a list that does not stream, once it is known
// whether the filter's matches are found by their own index and sorted.
func pagePlan(f store.ConversationFilter, byMatches bool) listPlan {
	switch {
	case byMatches:
		return planMatches
	case mergesStatuses(f):
		return planMerge
	case !f.Page.Keyset() && f.Page.Offset() > 0:
		return planSkip
	}
	return planWalk
}

// How a list's counts are read, for CountConversations and a numbered
// page's total. countsQuery runs the source planCounts chooses.
type countSource int

const (
	// countStatus sums convo_conversation_counts (status, assignee).
	countStatus countSource = iota
	// countRoute sums convo_conversation_route_counts (with inbox, team).
	countRoute
	// countUnattended sums convo_conversation_unattended_counts.
	countUnattended
	// countLabel sums convo_conversation_label_counts (one label).
	countLabel
	// countMatches counts the rows of matchingIDs (labels, update time).
	countMatches
	// countRowsOfFilter counts the filter's rows through the index of its
	// own (a contact's, a viewer's, a search's), or, for a custom view,
	// every row of its statuses.
	countRowsOfFilter
)

func (c countSource) String() string {
	return [...]string{"status", "route", "unattended", "label", "matches", "rows"}[c]
}

// planCounts chooses where a filter's counts come from: the maintained
// tables when they hold the filter, whose cost follows the number of
// assignees, not of conversations; else a count of the rows the filter
// finds through an index of its own.
func planCounts(f store.ConversationFilter) countSource {
	labels := f.LabelSet()
	switch {
	case f.ContactID != 0 || f.Viewer != nil || f.Searching() || f.HasConditions():
		return countRowsOfFilter
	case !f.UpdatedSince.IsZero() || len(labels) > 1 || len(labels) == 1 && (f.InboxID != 0 || f.TeamID != 0 || f.Unattended):
		return countMatches
	case len(labels) == 1:
		return countLabel
	case f.Unattended:
		return countUnattended
	case f.InboxID != 0 || f.TeamID != 0:
		return countRoute
	}
	return countStatus
}
