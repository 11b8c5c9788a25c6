package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func testViewPaging(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	// Forty conversations, one created a second after the other; one in
	// five (i = 2, 7, 12, ..., 37) has the label "hit". Statuses, priorities
	// and assignees vary, so that the matches are of every status and tab.
	f := newViewFixture(t, newStore)
	c := f.contact(t, convo.NewContact{FirstName: "Page"})
	statuses := []convo.Status{convo.StatusOpen, convo.StatusPending, convo.StatusResolved, convo.StatusSnoozed}
	priorities := []convo.Priority{convo.PriorityUrgent, convo.PriorityNone, convo.PriorityLow, convo.PriorityHigh}
	assignees := []uuid.UUID{f.agent, f.other, uuid.Nil}
	type match struct {
		name     string
		priority convo.Priority
		created  int // creation order
	}
	var matches []match
	var mine, unassigned int
	for i := range 40 {
		in := convo.NewConversation{ContactID: c.ID, Status: statuses[(i/4)%4], Priority: priorities[i%4], AssigneeID: assignees[i%3]}
		name := fmt.Sprintf("c%02d", i)
		if i%5 == 2 {
			in.Labels = []string{"hit"}
			matches = append(matches, match{name, in.Priority, i})
			if in.AssigneeID == f.agent {
				mine++
			}
			if in.AssigneeID == uuid.Nil {
				unassigned++
			}
		}
		f.conversation(t, name, in)
	}
	hits := []store.Condition{where("labels", store.OpEqualTo, "hit")}

	// The matches in each sort's order: created (and last active) one
	// after the other, so newest activity first is newest first; by
	// priority, urgent first and none last, then newest activity.
	rank := map[convo.Priority]int{convo.PriorityUrgent: 4, convo.PriorityHigh: 3, convo.PriorityMedium: 2, convo.PriorityLow: 1, convo.PriorityNone: 0}
	names := func(ms []match) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.name)
		}
		return out
	}
	newestFirst := slices.Clone(matches)
	slices.Reverse(newestFirst)
	byPriority := slices.Clone(matches)
	slices.SortStableFunc(byPriority, func(a, b match) int {
		return cmp.Or(cmp.Compare(rank[b.priority], rank[a.priority]), cmp.Compare(b.created, a.created))
	})
	orders := []struct {
		sort store.ConversationSort
		want []string
	}{
		{store.SortLastActivityDesc, names(newestFirst)},
		{store.SortCreatedAsc, names(matches)},
		{store.SortPriorityDesc, names(byPriority)},
	}

	for _, o := range orders {
		t.Run("Keyset/"+o.sort.String(), func(t *testing.T) {
			is := is.New(t)
			var got []string
			var sizes []int
			cursor := ""
			for range 10 {
				page, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Conditions: hits, Sort: o.sort, Page: store.After(cursor, 3)})
				is.NoErr(err)
				sizes = append(sizes, len(page.Items))
				for _, c := range page.Items {
					got = append(got, f.names[c.ID])
				}
				if page.Next == "" {
					break
				}
				cursor = page.Next
			}
			is.Equal(got, o.want)           // every match once, in the sort's order
			is.Equal(sizes, []int{3, 3, 2}) // full pages however sparse the matches
		})
		t.Run("PageNumber/"+o.sort.String(), func(t *testing.T) {
			is := is.New(t)
			var got []string
			for n := 1; n <= 3; n++ {
				page, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Conditions: hits, Sort: o.sort, Page: store.PageNumber(n, 3)})
				is.NoErr(err)
				is.Equal(page.Meta.Total, 8)    // the view's count
				is.Equal(page.Meta.LastPage, 3) // of three pages
				for _, c := range page.Items {
					got = append(got, f.names[c.ID])
				}
			}
			is.Equal(got, o.want)
		})
	}

	t.Run("Counts", func(t *testing.T) {
		is := is.New(t)
		is.Equal([]int{mine, unassigned}, []int{2, 3}) // the fixture: 2 of the agent's, 3 of nobody's, 3 of the other's
		for _, a := range []store.AssigneeType{store.AssigneeAll, store.AssigneeMine, store.AssigneeUnassigned, store.AssigneeAssigned} {
			counts, err := f.s.CountConversations(ctx, 1, store.ConversationFilter{Conditions: hits, Agent: f.agent, Assignee: a})
			is.NoErr(err)
			is.Equal(counts, store.Counts{Mine: 2, Unassigned: 3, Assigned: 5, All: 8}) // the same four counts on every tab
		}
		page, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Conditions: hits, Agent: f.agent, Assignee: store.AssigneeMine,
			Page: store.PageNumber(1, 3)})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 2) // the mine tab's total
		is.Equal(len(page.Items), 2)
	})

	t.Run("KeysetFollowsChanges", func(t *testing.T) {
		is := is.New(t)
		first, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Conditions: hits, Sort: store.SortCreatedAsc, Page: store.After("", 3)})
		is.NoErr(err)
		// A conversation leaves the view behind the cursor, another
		// enters ahead of it.
		_, err = f.s.ChangeLabels(ctx, 1, first.Items[0].ID, convo.LabelChange{Remove: []string{"hit"}})
		is.NoErr(err)
		_, err = f.s.ChangeLabels(ctx, 1, f.ids["c39"], convo.LabelChange{Add: []string{"hit"}})
		is.NoErr(err)
		f.clock.Advance(time.Minute)
		var rest []string
		cursor := first.Next
		for cursor != "" {
			page, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Conditions: hits, Sort: store.SortCreatedAsc, Page: store.After(cursor, 3)})
			is.NoErr(err)
			for _, c := range page.Items {
				rest = append(rest, f.names[c.ID])
			}
			cursor = page.Next
		}
		is.Equal(rest, []string{"c17", "c22", "c27", "c32", "c37", "c39"}) // the rest of the view as it is now
	})
}
