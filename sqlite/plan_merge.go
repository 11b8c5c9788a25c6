package sqlite

import (
	"strings"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// mergesStatuses reports whether a list is several statuses by last
// activity, which mergedPageQuery serves. There is no index on the last
// activity alone: every append would move an entry of it.
func mergesStatuses(f store.ConversationFilter) bool {
	return len(f.StatusSet()) > 1 && f.Viewer == nil && f.ContactID == 0 && !f.Searching() &&
		(f.Sort == store.SortLastActivityDesc || f.Sort == store.SortLastActivityAsc)
}

// mergedPageQuery is a page of several statuses by last activity: for each
// status, the page's first rows of that status alone, walked in order by
// the (account, status, last activity) index; then those (at most a page
// and its offset per status) sorted together. w is the list's WHERE, to
// which each arm adds its status.
func mergedPageQuery(w where, statuses []convo.Status, sort conversationSort, limit, offset int) (string, []any) {
	arms := make([]string, len(statuses))
	var args []any
	for i, st := range statuses {
		arm := w
		arm.clauses = append(arm.clauses[:len(arm.clauses):len(arm.clauses)], "c.status = ?")
		arms[i] = `SELECT id FROM (SELECT c.id FROM convo_conversations c` + arm.sql() + ` ORDER BY ` + sort.orderBy + ` LIMIT ?)`
		args = append(append(append(args, w.args...), backend.StatusCodes[st]), limit+offset)
	}
	tail := ` WHERE c.id IN (` + strings.Join(arms, ` UNION ALL `) + `) ORDER BY ` + sort.orderBy + ` LIMIT ? OFFSET ?`
	return tail, append(args, limit, offset)
}
