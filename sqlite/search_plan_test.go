package sqlite

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestSearchQueryPlans checks that every search query walks the FTS index
// and reaches messages and conversations by primary key: no full scan, and
// the streaming searches never sort.
func TestSearchQueryPlans(t *testing.T) {
	s, agents := seedForPlans(t)
	ctx := context.Background()
	tx := planTx(t, s)
	const expr = `"hello" AND "the"*`
	wantFTS := func(name string, lines []string) {
		t.Helper()
		for _, l := range lines {
			if strings.Contains(l, "VIRTUAL TABLE") {
				return
			}
		}
		t.Errorf("%s: does not use the FTS index\nplan: %q", name, lines)
	}

	filters := map[string]store.ConversationFilter{
		"q":        {Query: "hello"},
		"q+status": {Query: "hello", Statuses: []convo.Status{convo.StatusOpen}},
		"q+mine":   {Query: "hello", Assignee: store.AssigneeMine, Agent: agents[0]},
		"q+labels": {Query: "hello", Labels: []string{"l1"}, InboxID: 2},
		"q+public": {Query: "hello", IncludePrivate: false},
	}
	for name, f := range filters {
		// The streaming search by last activity.
		plain := f
		plain.Statuses, plain.Query = f.StatusSet(), ""
		w, err := conversationWhere(ctx, tx, 1, plain, listInputs{})
		if err != nil {
			t.Fatal(err)
		}
		q := newStream(1, f, w, expr)
		for _, c := range []struct {
			name   string
			bound  string // the rowid bound FTS5 must take
			sorted bool
			query  func() (string, []any)
		}{
			{"stream", "", true, func() (string, []any) { return q.below(0) }},
			{"stream below a cursor", "<", true, func() (string, []any) { return q.below(100) }},
			{"stream since a cursor", ">", false, func() (string, []any) { return q.since([]int64{1, 2}, 100) }},
		} {
			query, args := c.query()
			lines := plan(t, s, query, args...)
			checkPlan(t, c.name+" "+name, lines, c.sorted)
			wantFTS(c.name+" "+name, lines)
			if !strings.HasPrefix(lines[0], "SCAN f VIRTUAL TABLE") || !strings.HasSuffix(lines[0], c.bound) {
				t.Errorf("%s %s: the FTS index is not the outer loop, bounded by %q\nplan: %q", c.name, name, c.bound, lines)
			}
		}

		if name == "q" {
			lines := plan(t, s, conversationsWithMessagesSince, 1, 100, "[1,2]")
			// The messages' covering index, looked up once per listed id.
			if !strings.HasPrefix(lines[0], "SEARCH convo_messages USING COVERING INDEX") ||
				!strings.Contains(lines[0], "conversation_id=?") || strings.Count(strings.Join(lines, "\n"), " convo_messages ") != 1 {
				t.Errorf("conversations with messages since: not from the index alone\nplan: %q", lines)
			}
		}

		// Every other sort and the counts.
		w, err = conversationWhere(ctx, tx, 1, f, listInputs{expr: expr, searchable: true})
		if err != nil {
			t.Fatal(err)
		}
		for so, sort := range conversationSorts {
			f.Sort = so
			tail, args := conversationPageQuery(w, f, sort, store.Cursor{}, pagePlan(f, false))
			lines := plan(t, s, `SELECT `+conversationColumns+conversationFrom+tail, args...)
			checkPlan(t, "search list "+name+" "+so.String(), lines, false)
			wantFTS("search list "+name, lines)
		}
		cq, args := countsQuery(1, f, w)
		lines := plan(t, s, cq, args...)
		checkPlan(t, "search counts "+name, lines, false)
		wantFTS("search counts "+name, lines)
	}

	for _, ms := range []store.MessageSearch{
		{}, {ConversationID: 1}, {ContactID: 1}, {SenderType: convo.SenderUser, AuthorID: uuid.New()},
		{Types: []convo.MessageType{convo.MessageIncoming}}, {IncludePrivate: true},
	} {
		w := messageSearchWhere(1, expr, ms)
		for _, order := range messageSearchOrders {
			ow := w
			ow.and(order.after, order.args(order.keys(hitRow{messageRow: messageRow{ID: 100}}))...)
			q, args := order.pageQuery(ow, expr, 26, 0)
			lines := plan(t, s, q, args...)
			checkPlan(t, "search messages "+order.name, lines, order.name == "newest")
			wantFTS("search messages", lines)
			outer := lines[0]
			if order.sorts { // the ranked ids first, then the page's rows by rowid
				outer = lines[1]
				if lines[0] != "CO-ROUTINE p" || !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "SCAN f VIRTUAL TABLE INDEX 0:=M") }) {
					t.Errorf("search messages %s: the page's rows are not sought by rowid\nplan: %q", order.name, lines)
				}
			}
			if !strings.HasPrefix(outer, "SCAN f VIRTUAL TABLE") {
				t.Errorf("search messages: the FTS index is not the outer loop\nplan: %q", lines)
			}
		}
		lines := plan(t, s, countSearchMessages+w.sql(), w.args...)
		checkPlan(t, "count search messages", lines, false)
	}

	for _, q := range []string{conversationColumns + conversationFrom, probeColumns + probeFrom} {
		checkPlan(t, "conversations by id", plan(t, s, `SELECT `+q+byIDs, 1, "[1,2,3]"), false)
	}
	lines := plan(t, s, listContacts+contactsMatching+contactsAfter+contactsOrder, 1, expr, "a", 1, 16, 0)
	for _, l := range lines { // checkPlan would take convo_contacts_fts for conversations ("SCAN c")
		if strings.HasPrefix(l, "SCAN convo_contacts ") || strings.Contains(l, "TEMP B-TREE") {
			t.Errorf("contacts search: scans or sorts contacts\nplan: %q", lines)
		}
	}
	wantFTS("contacts search", lines)
}
