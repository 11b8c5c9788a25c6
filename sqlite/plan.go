package sqlite

import (
	"context"

	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// How a list page is read. planList chooses one plan for a filter, and
// ListConversations runs it (conversationPageQuery switches on it): why
// a list is slow or fast is answered here. Each plan's SQL is in one
// function, named below, in a file of its own: plan_skip.go,
// plan_merge.go, matches.go, search_list.go (the stream); the walk is
// conversationPageQuery's own.
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
// page's total: countsQuery runs the source backend.PlanCounts chooses
// (one planner for both engines, whose tables of counts are alike);
// backend.CountMatches counts the ids of matchingIDs.
