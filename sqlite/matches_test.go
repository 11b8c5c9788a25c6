package sqlite

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestSortedMatchesPageAsTheWalk shows a list that sorts the matches its
// filter finds through its own index (sortsMatches) giving the same pages
// as the walk of the sort's index, in every sort (with ties: a batch's
// messages share their time), assignee type and paging mode.
func TestSortedMatchesPageAsTheWalk(t *testing.T) {
	s, agents := seedForPlans(t)
	ctx := context.Background()
	tx := planTx(t, s)
	var mid int64
	if err := tx.GetContext(ctx, &mid, `SELECT updated_at FROM convo_conversations ORDER BY updated_at LIMIT 1 OFFSET 300`); err != nil {
		t.Fatal(err)
	}
	since := time.UnixMicro(mid)
	filters := []store.ConversationFilter{
		{Labels: []string{"l1"}},
		{Labels: []string{"l1", "l2"}, Statuses: store.AllStatuses},
		{Labels: []string{"l3"}, InboxID: 4},
		{UpdatedSince: since},
		{UpdatedSince: since, Statuses: []convo.Status{convo.StatusOpen, convo.StatusResolved}},
		{Labels: []string{"l2"}, UpdatedSince: since},
	}
	page := func(w where, f store.ConversationFilter, sort conversationSort, cursor store.Cursor, byMatches bool) []int64 {
		t.Helper()
		tail, args := conversationPageQuery(w, f, sort, cursor, pagePlan(f, byMatches))
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `SELECT c.id`+probeFrom+tail, args...); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	for _, f := range filters {
		walked, err := conversationWhere(ctx, tx, 1, f, listInputs{})
		if err != nil {
			t.Fatal(err)
		}
		matched, err := matchesWhere(ctx, tx, 1, f, listInputs{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []store.AssigneeType{store.AssigneeAll, store.AssigneeMine, store.AssigneeUnassigned, store.AssigneeAssigned} {
			f.Assignee, f.Agent = a, agents[0]
			for so, sort := range conversationSorts {
				f.Sort = so
				label := fmt.Sprintf("%+v sort=%s", f, so)
				for _, p := range []store.Paging{store.PageNumber(1, 1000), store.PageNumber(2, 7), store.PageNumber(5, 7)} {
					f.Page = p
					want := page(walked, f, sort, store.Cursor{}, false)
					if got := page(matched, f, sort, store.Cursor{}, true); !slices.Equal(got, want) {
						t.Fatalf("%s page %d: sorted matches %v, the walk %v", label, p.Number(), got, want)
					}
					if p.PerPage() == 1000 && len(want) < 10 && a == store.AssigneeAll {
						t.Fatalf("%s: %d matches, too few to page through", label, len(want))
					}
				}
				f.Page = store.After("", 7)
				first := page(walked, f, sort, store.Cursor{}, false)
				if len(first) < 7 {
					continue
				}
				rows, err := selectConversations(ctx, tx, selectConversation, 1, first[6])
				if err != nil {
					t.Fatal(err)
				}
				cursor := store.Cursor{Keys: sort.keys(rows[0])}
				want := page(walked, f, sort, cursor, false)
				if got := page(matched, f, sort, cursor, true); !slices.Equal(got, want) {
					t.Fatalf("%s after %d: sorted matches %v, the walk %v", label, first[6], got, want)
				}
			}
		}
	}
}

// TestSortsMatchesWhenFew shows the choice: a rare label or a recent time
// sorts its matches, a common label or an old time walks the sort's index.
func TestSortsMatchesWhenFew(t *testing.T) {
	s, _ := seedForPlans(t) // 600 conversations, 450 open; l0 to l6 each on a seventh
	ctx := context.Background()
	var rare []int64
	for id := int64(1); id <= 2; id++ {
		if _, err := s.ChangeLabels(ctx, 1, id, convo.LabelChange{Add: []string{"rare"}, Quiet: true}); err != nil {
			t.Fatal(err)
		}
		rare = append(rare, id)
	}
	tx := planTx(t, s)
	for _, c := range []struct {
		f     store.ConversationFilter
		sorts bool
	}{
		{store.ConversationFilter{Labels: []string{"rare"}}, true},
		{store.ConversationFilter{Labels: []string{"rare", "missing"}, Statuses: store.AllStatuses}, true},
		{store.ConversationFilter{Labels: []string{"l1"}}, false},
		{store.ConversationFilter{Labels: []string{"l1"}, InboxID: 2}, false}, // the bound is the label's
		{store.ConversationFilter{UpdatedSince: time.Now().Add(time.Hour)}, true},
		{store.ConversationFilter{UpdatedSince: time.Now().Add(-time.Hour)}, false}, // a page of them active: the walk's head
		{store.ConversationFilter{UpdatedSince: time.Now().Add(time.Hour), Sort: store.SortCreatedAsc}, true},
		{store.ConversationFilter{UpdatedSince: time.Now().Add(-time.Hour), Sort: store.SortCreatedAsc}, false}, // counted
		{store.ConversationFilter{}, false},                                                                     // no index of its own
	} {
		sorts, err := sortsMatches(ctx, tx, 1, c.f, 26, true)
		if err != nil {
			t.Fatal(err)
		}
		if sorts != c.sorts {
			t.Errorf("%+v: sorts its matches %v, want %v", c.f, sorts, c.sorts)
		}
	}
	page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Labels: []string{"rare"}, Statuses: store.AllStatuses})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, c := range page.Items {
		got = append(got, c.ID)
	}
	slices.Sort(got)
	if !slices.Equal(got, rare) {
		t.Errorf("the rare label lists %v, want %v", got, rare)
	}
}
