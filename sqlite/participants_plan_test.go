package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// checkViewerPlan fails unless a query finds a viewer's conversations from
// the viewer's indexes: see checkPlanByID.
func checkViewerPlan(t *testing.T, name string, lines []string) {
	t.Helper()
	checkPlanByID(t, name, lines, false)
}

// checkPlanByID fails unless a query reaches its conversations by id from
// a narrower index (a viewer's, a contact's): they are never walked, and
// no table is searched by the account alone.
func checkPlanByID(t *testing.T, name string, lines []string, sorted bool) {
	t.Helper()
	checkPlan(t, name, lines, sorted)
	for _, l := range lines {
		if strings.HasPrefix(l, "SEARCH ") && strings.HasSuffix(l, "(account_id=?)") {
			t.Errorf("%s: walks the account's rows: %q\nplan: %q", name, l, lines)
		}
		if (strings.HasPrefix(l, "SEARCH c USING INDEX") || strings.HasPrefix(l, "SCAN c USING")) && !strings.Contains(l, "rowid=?") {
			t.Errorf("%s: walks the account's conversations: %q\nplan: %q", name, l, lines)
		}
	}
}

func TestViewerQueryPlans(t *testing.T) {
	s, agents := seedForPlans(t)
	ctx := context.Background()
	viewer := &convo.Viewer{UserID: uuid.New(), AudienceIDs: []int64{1, 2}}
	tx := planTx(t, s)
	filters := map[string]store.ConversationFilter{
		"default": {},
		"all":     {Statuses: store.AllStatuses},
		"inbox":   {InboxID: 2},
		"labels":  {Labels: []string{"l1"}},
		"unseen":  {Unseen: true},
	}
	for name, f := range filters {
		f.Viewer, f.Agent = viewer, agents[0]
		w, err := conversationWhere(ctx, tx, 1, f, listInputs{})
		if err != nil {
			t.Fatal(err)
		}
		for so, sort := range conversationSorts {
			f.Sort = so
			tail, args := conversationPageQuery(w, f, sort, store.Cursor{}, pagePlan(f, false))
			q := `SELECT ` + conversationColumns + conversationFrom + tail
			lines := plan(t, s, q, args...)
			checkViewerPlan(t, fmt.Sprintf("viewer list %s sort=%s", name, so), lines)
		}
		q, args := countsQuery(1, f, w)
		lines := plan(t, s, q, args...)
		checkViewerPlan(t, "viewer counts "+name, lines)
	}
	u := viewer.UserID.String()
	for q, args := range map[string][]any{
		countUnseen:    {1, u, "[1,2]"},
		selectUnseen:   {u, 1, "[1,2,3]"},
		viewerSees:     {1, 1, u, "[1,2]"},
		recountHorizon: {1, 1, u},
	} {
		checkViewerPlan(t, strings.SplitN(q, "\n", 2)[0], plan(t, s, q, args...))
	}
	// The total reads the viewer's own rows only (issue 4: its cost must not
	// grow with the file), never the conversations.
	for _, l := range plan(t, s, countUnseen, 1, u, "[1,2]") {
		if strings.Contains(l, " c ") || strings.Contains(l, "convo_conversations ") {
			t.Errorf("countUnseen reads the conversations: %q", l)
		}
	}
}
