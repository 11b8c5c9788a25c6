package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
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
		counts countSource
	}{
		{"Inbox", store.ConversationFilter{}, planWalk, countStatus},
		{"Mine", store.ConversationFilter{Assignee: store.AssigneeMine, Agent: agent}, planWalk, countStatus},
		{"Page3", store.ConversationFilter{Page: store.PageNumber(3, 25)}, planSkip, countStatus},
		{"Keyset", store.ConversationFilter{Page: store.After("", 25)}, planWalk, countStatus},
		{"EveryStatus", store.ConversationFilter{Statuses: store.AllStatuses}, planMerge, countStatus},
		{"EveryStatusPage3", store.ConversationFilter{Statuses: store.AllStatuses, Page: store.PageNumber(3, 25)}, planMerge, countStatus},
		{"EveryStatusByCreation", store.ConversationFilter{Statuses: store.AllStatuses, Sort: store.SortCreatedDesc}, planWalk, countStatus},
		{"Inbox7", store.ConversationFilter{InboxID: 7}, planWalk, countRoute},
		{"Unattended", store.ConversationFilter{Unattended: true}, planWalk, countUnattended},
		{"OneLabel", store.ConversationFilter{Labels: []string{"vip"}}, planWalk, countLabel},
		{"TwoLabels", store.ConversationFilter{Labels: []string{"vip", "billing"}}, planWalk, countMatches},
		{"LabelInInbox", store.ConversationFilter{Labels: []string{"vip"}, InboxID: 7}, planWalk, countMatches},
		{"UpdatedSince", store.ConversationFilter{UpdatedSince: time.Now()}, planWalk, countMatches},
		{"Contact", store.ConversationFilter{ContactID: 3}, planWalk, countRowsOfFilter}, // by the contact's index
		{"Viewer", store.ConversationFilter{Viewer: viewer}, planWalk, countRowsOfFilter},
		{"SearchByCreation", store.ConversationFilter{Query: "invoice", Sort: store.SortCreatedDesc}, planWalk, countRowsOfFilter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := pagePlan(tc.f, false); got != tc.plan {
				t.Errorf("plan %s, want %s", got, tc.plan)
			}
			if got := pagePlan(tc.f, true); got != planMatches {
				t.Errorf("with its matches sorted: plan %s, want matches", got)
			}
			if got := planCounts(tc.f); got != tc.counts {
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
