package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// seedForPlans fills a store with enough varied conversations that SQLite's
// planner has real choices to make.
func seedForPlans(t *testing.T) (*Store, []uuid.UUID) {
	t.Helper()
	s, err := Open(":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	agents := []uuid.UUID{uuid.New(), uuid.New(), uuid.New(), uuid.New()}
	contact, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Plan"})
	if err != nil {
		t.Fatal(err)
	}
	var batch []store.MessageTo
	for i := range 600 {
		in := convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now(),
			InboxID: int64(1 + i%5), Priority: convo.PriorityFromRank(i % 5), Labels: []string{fmt.Sprintf("l%d", i%7)}}
		if i%3 != 0 {
			in.AssigneeID = agents[r.IntN(len(agents))]
		}
		c, err := s.CreateConversation(ctx, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		for k := range 3 {
			typ := convo.MessageIncoming
			if k == 1 {
				typ = convo.MessageOutgoing
			}
			batch = append(batch, store.MessageTo{ConversationID: c.ID, Message: convo.NewMessage{Type: typ, Content: "hello there"}})
		}
		if i%4 == 0 {
			if _, err := s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for len(batch) > 0 {
		n := min(len(batch), store.MaxBatch)
		if _, err := s.AddMessages(ctx, 1, batch[:n]); err != nil {
			t.Fatal(err)
		}
		batch = batch[n:]
	}
	return s, agents
}

// plan returns the EXPLAIN QUERY PLAN lines of a query.
func plan(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.r.Queryx("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, query)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return lines
}

// checkPlan fails on a full scan of conversations or messages, and on a
// temporary B-tree for sorting when sorted is set.
func checkPlan(t *testing.T, name string, lines []string, sorted bool) {
	t.Helper()
	for _, l := range lines {
		f := strings.Fields(l)
		scanned := len(f) > 1 && f[0] == "SCAN" &&
			(f[1] == "c" || f[1] == "m" || f[1] == "convo_conversations" || f[1] == "convo_messages")
		fullScan := scanned && !strings.Contains(l, "USING")
		if fullScan {
			t.Errorf("%s: full scan: %q\nplan: %q", name, l, lines)
		}
		// Messages found by the account alone: a walk of every message of the account.
		if strings.HasPrefix(l, "SEARCH m ") && strings.HasSuffix(l, "(account_id=?)") {
			t.Errorf("%s: walks the account's messages: %q\nplan: %q", name, l, lines)
		}
		if sorted && strings.Contains(l, "TEMP B-TREE FOR ORDER BY") {
			t.Errorf("%s: sorts in a temporary B-tree\nplan: %q", name, lines)
		}
	}
}

// checkMergedPlan fails unless a list of several statuses walks each
// status in order by an index that leads with it (the arms sort nothing),
// and sorts only the rows the arms return.
func checkMergedPlan(t *testing.T, name string, lines []string, _ bool) {
	t.Helper()
	checkPlan(t, name, lines, false)
	sorts := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "SEARCH c USING") && !strings.Contains(l, "rowid=?") && !strings.Contains(l, "status=?") {
			t.Errorf("%s: an arm walks more than its status: %q\nplan: %q", name, l, lines)
		}
		if strings.Contains(l, "TEMP B-TREE FOR ORDER BY") {
			sorts++
		}
	}
	if sorts != 1 || !strings.Contains(strings.Join(lines, "\n"), "UNION ALL") {
		t.Errorf("%s: want the arms merged by one sort of their rows\nplan: %q", name, lines)
	}
}

// planTx is a read transaction for the plan tests, on a connection of the
// reader pool, rolled back when the test ends.
func planTx(t *testing.T, s *Store) *dbtx {
	t.Helper()
	ctx := context.Background()
	c, err := s.readers.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx := &dbtx{c: c, reads: true}
	if _, err := tx.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		tx.ExecContext(ctx, "ROLLBACK")
		s.readers.release(c)
	})
	return tx
}

func TestQueryPlans(t *testing.T) {
	s, agents := seedForPlans(t)
	ctx := context.Background()
	tx := planTx(t, s)

	assignees := []store.AssigneeType{store.AssigneeAll, store.AssigneeMine, store.AssigneeUnassigned, store.AssigneeAssigned}
	filters := map[string]store.ConversationFilter{
		"default":   {},
		"resolved":  {Statuses: []convo.Status{convo.StatusResolved}},
		"inbox":     {InboxID: 2},
		"team":      {TeamID: 1},
		"labels":    {Labels: []string{"l1", "l2"}},
		"contact":   {ContactID: 1},
		"contact+1": {ContactID: 1, Statuses: []convo.Status{convo.StatusOpen}},
		"unattend":  {Unattended: true},
		"updated":   {UpdatedSince: time.Now().Add(-time.Hour)},
		"all":       {Statuses: store.AllStatuses},
		"two":       {Statuses: []convo.Status{convo.StatusOpen, convo.StatusPending}},
		"inbox+lab": {InboxID: 1, Labels: []string{"l3"}},
	}
	for name, f := range filters {
		for _, a := range assignees {
			f.Assignee, f.Agent = a, agents[0]
			w, err := conversationWhere(ctx, tx, 1, f, listInputs{})
			if err != nil {
				t.Fatal(err)
			}
			for so, sort := range conversationSorts {
				f.Sort = so
				for _, cursor := range []store.Cursor{{}, {Keys: sort.keys(conversationRow{ID: 1 << 40})}} {
					tail, args := conversationPageQuery(w, f, sort, cursor, pagePlan(f, false))
					label := fmt.Sprintf("list %s assignee=%d sort=%s keyset=%v", name, a, so, cursor.Keys != nil)
					// The default sort over one status never sorts; the
					// others may, on a page of filtered rows, and a
					// contact's list sorts the contact's conversations.
					// The row cache's probe must plan as the page does.
					sorted := so == store.SortLastActivityDesc && len(f.StatusSet()) == 1 && a != store.AssigneeAssigned &&
						f.ContactID == 0
					check := checkPlan
					switch {
					case f.ContactID != 0:
						check = checkPlanByID // never a walk of the account in the order of the sort
					case mergesStatuses(f):
						check = checkMergedPlan
					}
					check(t, label, plan(t, s, `SELECT `+conversationColumns+conversationFrom+tail, args...), sorted)
					check(t, "probe "+label, plan(t, s, `SELECT `+probeColumns+probeFrom+tail, args...), sorted)
				}
				// A numbered page past the first skips rows by id; only its
				// own rows are sorted (the one temporary B-tree).
				f.Page = store.PageNumber(3, 25)
				tail, args := conversationPageQuery(w, f, sort, store.Cursor{}, pagePlan(f, false))
				label := fmt.Sprintf("page 3 of %s assignee=%d sort=%s", name, a, so)
				lines := plan(t, s, `SELECT `+probeColumns+probeFrom+tail, args...)
				checkPlan(t, label, lines, false)
				walksInOrder := so == store.SortLastActivityDesc && len(f.StatusSet()) == 1 && a != store.AssigneeAssigned &&
					f.ContactID == 0
				if sorts := strings.Count(strings.Join(lines, "\n"), "TEMP B-TREE FOR ORDER BY"); walksInOrder && sorts != 1 {
					t.Errorf("%s: %d sorts, want only the page's\nplan: %q", label, sorts, lines)
				}
				f.Page = store.Paging{}
				// A filter with few matches found through its own index
				// sorts them, on every page, and never walks the account.
				if ids, _ := matchingIDs(1, f); ids != "" && f.ContactID == 0 {
					mw, err := matchesWhere(ctx, tx, 1, f, listInputs{})
					if err != nil {
						t.Fatal(err)
					}
					for _, page := range []store.Paging{{}, store.After("", 25), store.PageNumber(3, 25)} {
						f.Page = page
						cursor := store.Cursor{}
						if page.Keyset() {
							cursor.Keys = sort.keys(conversationRow{ID: 1 << 40})
						}
						tail, args := conversationPageQuery(mw, f, sort, cursor, pagePlan(f, true))
						label := fmt.Sprintf("matches of %s assignee=%d sort=%s page=%v", name, a, so, page)
						checkPlanByID(t, label, plan(t, s, `SELECT `+probeColumns+probeFrom+tail, args...), false)
						checkPlanByID(t, label, plan(t, s, `SELECT `+conversationColumns+conversationFrom+tail, args...), false)
					}
					f.Page = store.Paging{}
				}
			}
			q, args := countsQuery(1, f, w)
			if f.ContactID != 0 {
				checkPlanByID(t, "counts "+name, plan(t, s, q, args...), false)
			} else {
				checkPlan(t, "counts "+name, plan(t, s, q, args...), false)
			}
		}
	}

	// Counts that are not the plain status counts: from their maintained
	// table (one search of it), or from the indexes that name the matching
	// conversations, each then read by id.
	hour := time.Now().Add(-time.Hour)
	byUpdate := []string{"convo_conversations_status_activity (account_id=? AND status=? AND last_activity_at>?)",
		"convo_conversations_changed (account_id=? AND changed_at>?)", "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"}
	byLabels := []string{"convo_conversation_labels_label (account_id=? AND label=?)", "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"}
	for _, c := range []struct {
		f     store.ConversationFilter
		table string   // the maintained table searched, alone
		reads []string // else the plan's steps
	}{
		{f: store.ConversationFilter{Labels: []string{"l1"}}, table: "convo_conversation_label_counts"},
		{f: store.ConversationFilter{Labels: []string{"l1"}, Statuses: store.AllStatuses}, table: "convo_conversation_label_counts"},
		{f: store.ConversationFilter{Unattended: true}, table: "convo_conversation_unattended_counts"},
		{f: store.ConversationFilter{Unattended: true, InboxID: 1, TeamID: 2, Statuses: store.AllStatuses},
			table: "convo_conversation_unattended_counts"},
		{f: store.ConversationFilter{UpdatedSince: hour}, reads: byUpdate},
		{f: store.ConversationFilter{UpdatedSince: hour, Unattended: true, InboxID: 1, Statuses: store.AllStatuses}, reads: byUpdate},
		{f: store.ConversationFilter{Labels: []string{"l1", "l2"}}, reads: byLabels},
		{f: store.ConversationFilter{Labels: []string{"l3"}, InboxID: 1}, reads: byLabels},
	} {
		w, err := conversationWhere(ctx, tx, 1, c.f, listInputs{})
		if err != nil {
			t.Fatal(err)
		}
		q, args := countsQuery(1, c.f, w)
		lines := plan(t, s, q, args...)
		if c.table != "" {
			if len(lines) != 1 || !strings.Contains(lines[0], c.table) {
				t.Errorf("counts of %+v: %q, want one search of %s", c.f, lines, c.table)
			}
			continue
		}
		joined := strings.Join(lines, "\n")
		for _, want := range c.reads {
			if !strings.Contains(joined, want) {
				t.Errorf("counts of %+v: %q, want %q", c.f, lines, want)
			}
		}
	}

	// What a list reads to choose between walking the sort's index and
	// sorting its matches (sortsMatches).
	updated := store.ConversationFilter{UpdatedSince: hour}
	_, idArgs := matchingIDs(1, updated)
	joined := strings.Join(plan(t, s, fmt.Sprintf(cappedUpdated, "?"), append(idArgs, 100)...), "\n")
	for _, want := range byUpdate[:2] {
		if !strings.Contains(joined, want) {
			t.Errorf("capped count of the updated: %q, want %q", joined, want)
		}
	}
	if strings.Contains(joined, "TEMP B-TREE") || strings.Contains(joined, "SEARCH c ") {
		t.Errorf("capped count of the updated: %q, want it to stream from the indexes alone", joined)
	}
	lines := plan(t, s, fmt.Sprintf(cappedActive, "?"), 1, 0, timeValue(hour), 26)
	checkPlan(t, "capped count of the active", lines, true)
	if !strings.Contains(strings.Join(lines, "\n"), byUpdate[0]) {
		t.Errorf("capped count of the active: %q, want a range of %s", lines, byUpdate[0])
	}
	for _, c := range []struct {
		query, table string
		args         []any
	}{
		{fmt.Sprintf(labelledBound, "?", "?, ?"), "convo_conversation_label_counts", []any{1, 0, "l1", "l2"}},
		{fmt.Sprintf(statusTotal, "?"), "convo_conversation_counts", []any{1, 0}},
	} {
		if lines := plan(t, s, c.query, c.args...); len(lines) != 1 || !strings.Contains(lines[0], "SEARCH "+c.table) {
			t.Errorf("%s: %q, want one search of %s", c.query, lines, c.table)
		}
	}

	for name, order := range messageOrders {
		var w where
		w.and("m.account_id = ?", 1)
		w.and("m.conversation_id = ?", 1)
		w.and(order.after, 3)
		q := `SELECT ` + messageBodyColumns + ` FROM convo_messages m` + w.sql() + ` ORDER BY ` + order.orderBy + ` LIMIT ? OFFSET ?`
		checkPlan(t, fmt.Sprint("messages ", name), plan(t, s, q, append(w.args, 26, 0)...), true)
	}
	checkPlan(t, "newest messages", plan(t, s, newestMessages, 1, 1, 50), true)
	checkPlan(t, "conversation", plan(t, s, selectConversation, 1, 1), false)
	checkPlan(t, "unread", plan(t, s, countUnread, 1, agents[0].String()), false)
	checkPlan(t, "refresh", plan(t, s, refreshConversation, 1, 1, 0), false)
	checkPlan(t, "wake", plan(t, s, wakeSnoozed, 0), false)
	checkPlan(t, "contacts", plan(t, s, listContacts+contactsAfter+contactsOrder, 1, "", "a", 1, 16, 0), true)
	// Each key of a contact is looked up by its own unique index, never by a
	// walk of the account's contacts.
	clash := plan(t, s, selectContactClash, "a@b.c", "+1", "x", 1, 0)
	for _, index := range []string{"convo_contacts_email", "convo_contacts_phone", "convo_contacts_identifier"} {
		if !strings.Contains(strings.Join(clash, "\n"), "INDEX "+index+" (account_id=? AND ") {
			t.Errorf("contact clash: %q, want a search of %s", clash, index)
		}
	}
	checkFeedPlans(t, s)
}

// checkFeedPlans checks the change feed's queries: each finds its changes
// by the key, never by a walk of the table or of the account's messages,
// and never sorts.
func checkFeedPlans(t *testing.T, s *Store) {
	t.Helper()
	page := changeColumns + ` WHERE account_id = ? AND position > ? AND conversation_id = ?
	AND kind IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`
	for name, lines := range map[string][]string{
		"changes page":     plan(t, s, page, 1, 0, 1, "[7]", 100),
		"changed messages": plan(t, s, selectChangedMessages, 1, "[1,2,3]"),
		"head":             plan(t, s, accountHead, 1),
		"head and trimmed": plan(t, s, accountHeadTrimmed, 1),
		"heads":            plan(t, s, accountHeads, "[1,2]"),
		"next account":     plan(t, s, nextChangeAccount, 1),
		"oldest":           plan(t, s, oldestChange, 1),
		"newest":           plan(t, s, newestChange, 1),
		"at or after":      plan(t, s, changeAtOrAfter, 1, 5),
		"trim":             plan(t, s, deleteChanges, 1, 5),
	} {
		checkPlan(t, name, lines, true)
		for _, l := range lines {
			if strings.HasPrefix(l, "SCAN convo_changes") {
				t.Errorf("%s: walks the whole feed: %q\nplan: %q", name, l, lines)
			}
		}
	}
}
