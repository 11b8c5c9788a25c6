package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// TestPlans maps filters to the plan that reads their pages and to the
// source of their counts: the table a reader consults to see why a list
// costs what it does. (Whether a filter by labels or update time sorts its
// matches depends on the data: TestSortsMatches.)
func TestPlans(t *testing.T) {
	agent := uuid.New()
	viewer := &convo.Viewer{UserID: agent}
	for _, tc := range []struct {
		name   string
		f      store.ConversationFilter
		plan   listPlan // with byMatches false
		counts backend.CountSource
	}{
		{"Inbox", store.ConversationFilter{}, planWalk, backend.CountStatus},
		{"Mine", store.ConversationFilter{Assignee: store.AssigneeMine, Agent: agent}, planWalk, backend.CountStatus},
		{"Page3", store.ConversationFilter{Page: store.PageNumber(3, 25)}, planSkip, backend.CountStatus},
		{"Keyset", store.ConversationFilter{Page: store.After("", 25)}, planWalk, backend.CountStatus},
		{"EveryStatus", store.ConversationFilter{Statuses: store.AllStatuses}, planMerge, backend.CountStatus},
		{"EveryStatusPage3", store.ConversationFilter{Statuses: store.AllStatuses, Page: store.PageNumber(3, 25)}, planMerge, backend.CountStatus},
		{"EveryStatusByCreation", store.ConversationFilter{Statuses: store.AllStatuses, Sort: store.SortCreatedDesc}, planWalk, backend.CountStatus},
		{"Inbox7", store.ConversationFilter{InboxID: 7}, planWalk, backend.CountRoute},
		{"Unattended", store.ConversationFilter{Unattended: true}, planWalk, backend.CountUnattended},
		{"OneLabel", store.ConversationFilter{Labels: []string{"vip"}}, planWalk, backend.CountLabel},
		{"TwoLabels", store.ConversationFilter{Labels: []string{"vip", "billing"}}, planWalk, backend.CountMatches},
		{"LabelInInbox", store.ConversationFilter{Labels: []string{"vip"}, InboxID: 7}, planWalk, backend.CountMatches},
		{"UpdatedSince", store.ConversationFilter{UpdatedSince: time.Now()}, planWalk, backend.CountMatches},
		{"Contact", store.ConversationFilter{ContactID: 3}, planWalk, backend.CountRows}, // by the contact's index
		{"Viewer", store.ConversationFilter{Viewer: viewer}, planWalk, backend.CountRows},
		{"SearchByCreation", store.ConversationFilter{Query: "invoice", Sort: store.SortCreatedDesc}, planWalk, backend.CountRows},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := pagePlan(tc.f, false); got != tc.plan {
				t.Errorf("plan %s, want %s", got, tc.plan)
			}
			if got := pagePlan(tc.f, true); got != planMatches {
				t.Errorf("with its matches sorted: plan %s, want matches", got)
			}
			if got := backend.PlanCounts(tc.f); got != tc.counts {
				t.Errorf("counts from %s, want %s", got, tc.counts)
			}
		})
	}
	// A search by last activity streams, whatever the data.
	plan, err := planList(context.Background(), nil, 1, store.ConversationFilter{Query: "invoice"}, true)
	if err != nil || plan != planStream {
		t.Errorf("a search by last activity: plan %s (%v), want stream", plan, err)
	}
}
