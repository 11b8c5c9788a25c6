package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// conversationSort is the SQL of one store.ConversationSort: a fixed ORDER
// BY, the keyset predicate of the rows after a cursor (its arguments built
// from the cursor's keys), and the keys of a row. Every sort ends on the id,
// so rows with equal timestamps keep one order.
type conversationSort struct {
	orderBy string
	after   string
	args    func(keys []int64) []any
	keys    func(r conversationRow) []int64
}

const (
	priorityAscKey   = `(c.priority + 4) % 5` // low 0 .. urgent 3, none 4: none last
	waitingAscKey    = `coalesce(c.waiting_since, 9223372036854775807)`
	waitingDescKey   = `coalesce(c.waiting_since, -9223372036854775808)`
	maxInt64, minInt = int64(^uint64(0) >> 1), -int64(^uint64(0)>>1) - 1
)

func waitingKey(r conversationRow, none int64) int64 {
	if r.WaitingSince.IsZero() {
		return none
	}
	return r.WaitingSince.UnixMicro()
}

var conversationSorts = map[store.ConversationSort]conversationSort{
	store.SortLastActivityDesc: {
		"c.last_activity_at DESC, c.id DESC", "(c.last_activity_at, c.id) < (?, ?)", anys[int64],
		func(r conversationRow) []int64 { return []int64{r.LastActivityAt.UnixMicro(), r.ID} }},
	store.SortLastActivityAsc: {
		"c.last_activity_at, c.id", "(c.last_activity_at, c.id) > (?, ?)", anys[int64],
		func(r conversationRow) []int64 { return []int64{r.LastActivityAt.UnixMicro(), r.ID} }},
	store.SortCreatedDesc: {
		"c.created_at DESC, c.id DESC", "(c.created_at, c.id) < (?, ?)", anys[int64],
		func(r conversationRow) []int64 { return []int64{r.CreatedAt.UnixMicro(), r.ID} }},
	store.SortCreatedAsc: {
		"c.created_at, c.id", "(c.created_at, c.id) > (?, ?)", anys[int64],
		func(r conversationRow) []int64 { return []int64{r.CreatedAt.UnixMicro(), r.ID} }},
	store.SortPriorityDesc: {
		"c.priority DESC, c.last_activity_at DESC, c.id DESC", "(c.priority, c.last_activity_at, c.id) < (?, ?, ?)", anys[int64],
		func(r conversationRow) []int64 { return []int64{int64(r.Priority), r.LastActivityAt.UnixMicro(), r.ID} }},
	store.SortPriorityAsc: {
		priorityAscKey + ", c.last_activity_at DESC, c.id DESC",
		"(" + priorityAscKey + " > ? OR (" + priorityAscKey + " = ? AND (c.last_activity_at, c.id) < (?, ?)))",
		func(k []int64) []any { return []any{k[0], k[0], k[1], k[2]} },
		func(r conversationRow) []int64 {
			return []int64{int64((r.Priority + 4) % 5), r.LastActivityAt.UnixMicro(), r.ID}
		}},
	store.SortWaitingSinceAsc: {
		waitingAscKey + ", c.id", "(" + waitingAscKey + ", c.id) > (?, ?)", anys[int64],
		func(r conversationRow) []int64 { return []int64{waitingKey(r, maxInt64), r.ID} }},
	store.SortWaitingSinceDesc: {
		waitingDescKey + " DESC, c.id DESC", "(" + waitingDescKey + ", c.id) < (?, ?)", anys[int64],
		func(r conversationRow) []int64 { return []int64{waitingKey(r, minInt), r.ID} }},
	store.SortUnreadDesc: {
		"c.unread_count DESC, c.last_activity_at DESC, c.id DESC", "(c.unread_count, c.last_activity_at, c.id) < (?, ?, ?)", anys[int64],
		func(r conversationRow) []int64 { return []int64{r.UnreadCount, r.LastActivityAt.UnixMicro(), r.ID} }},
	store.SortUnreadAsc: {
		"c.unread_count, c.last_activity_at DESC, c.id DESC",
		"(c.unread_count > ? OR (c.unread_count = ? AND (c.last_activity_at, c.id) < (?, ?)))",
		func(k []int64) []any { return []any{k[0], k[0], k[1], k[2]} },
		func(r conversationRow) []int64 { return []int64{r.UnreadCount, r.LastActivityAt.UnixMicro(), r.ID} }},
}

// contactConversations is the set of conversation ids of a contact:
// arguments contact, account. It reads the contact's index, so a contact's
// list costs what the contact's conversations cost, in any sort.
const contactConversations = `SELECT x.id FROM convo_conversations x WHERE x.contact_id = ? AND x.account_id = ?`

// placeholders is "?, ?, ?" for n arguments: SQL shaped by a count, never by input.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// listInputs is what a list's WHERE needs read first, read once per call
// (readListInputs) however many WHEREs the call builds: the fragments of
// its custom view, and the MATCH expression of its query.
type listInputs struct {
	cond       where  // conditionWhere
	expr       string // listSearchExpr, when the filter searches
	searchable bool   // false: the query has nothing searchable
}

// readListInputs reads the inputs of f's WHEREs, in tx.
func readListInputs(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter, now time.Time) (listInputs, error) {
	var in listInputs
	var err error
	if in.cond, err = conditionWhere(ctx, tx, accountID, f, now); err != nil || !f.Searching() {
		return in, err
	}
	in.expr, in.searchable, err = listSearchExpr(ctx, tx, accountID, f)
	return in, err
}

// conversationWhere turns a filter, without its assignee type, into a WHERE
// of fixed fragments, ending with those of its custom view (in.cond). It
// checks that a filtering contact exists.
func conversationWhere(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter, in listInputs) (where, error) {
	return filterWhere(ctx, tx, accountID, f, in, false)
}

// matchesWhere is conversationWhere for a list that sorts the conversations
// its filter finds through matchingIDs (see sortsMatches).
func matchesWhere(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter, in listInputs) (where, error) {
	return filterWhere(ctx, tx, accountID, f, in, true)
}

func filterWhere(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter, in listInputs, byMatches bool) (where, error) {
	var w where
	if f.Viewer == nil && f.ContactID == 0 && !byMatches {
		w.and("c.account_id = ?", accountID)
	} else {
		// A viewer's conversations are found by id from the viewer's
		// indexes (andViewer), a contact's by the contact's index, a
		// filter's few matches by its own (matchingIDs); the unary +
		// keeps SQLite from walking the account's conversations by an
		// account index instead, in the order of the sort.
		w.and("+c.account_id = ?", accountID)
	}
	if byMatches {
		ids, args := matchingIDs(accountID, f)
		w.and("c.id IN ("+ids+")", args...)
	}
	if statuses := f.StatusSet(); len(statuses) < len(store.AllStatuses) {
		w.and("c.status IN ("+placeholders(len(statuses))+")", statusArgs(statuses)...)
	}
	if f.InboxID != 0 {
		w.and("c.inbox_id = ?", f.InboxID)
	}
	if f.TeamID != 0 {
		w.and("c.team_id = ?", f.TeamID)
	}
	if labels := f.LabelSet(); len(labels) > 0 {
		args := make([]any, len(labels))
		for i, l := range labels {
			args[i] = l
		}
		w.and("EXISTS (SELECT 1 FROM convo_conversation_labels l WHERE l.conversation_id = c.id AND l.label IN ("+placeholders(len(labels))+"))", args...)
	}
	if f.ContactID != 0 {
		var id int64
		if err := tx.GetContext(ctx, &id, contactExists, accountID, f.ContactID); err != nil {
			return w, fmt.Errorf("contact %d: %w", f.ContactID, translate(err))
		}
		w.and("c.id IN ("+contactConversations+")", f.ContactID, accountID)
	}
	if f.Unattended {
		w.and("(c.first_reply_created_at IS NULL OR c.waiting_since IS NOT NULL)")
	}
	if !f.UpdatedSince.IsZero() {
		w.and("c.updated_at >= ?", timeValue(backend.StoredTime(f.UpdatedSince)))
	}
	andViewer(&w, accountID, f)
	if f.Searching() {
		andSearch(&w, accountID, in.expr, in.searchable, f)
	}
	w.clauses = append(w.clauses, in.cond.clauses...)
	w.args = append(w.args, in.cond.args...)
	return w, nil
}

func statusArgs(statuses []convo.Status) []any {
	args := make([]any, 0, len(statuses))
	for _, st := range statuses {
		args = append(args, backend.StatusCodes[st])
	}
	return args
}

// andAssignee narrows w to an assignee type. "Assigned" keeps the index for
// the sort: the unary + stops SQLite from choosing the assignee index for a
// range that would then need sorting.
func andAssignee(w *where, f store.ConversationFilter) {
	switch f.Assignee {
	case store.AssigneeMine:
		w.and("c.assignee_id = ?", uuidValue(f.Agent))
	case store.AssigneeUnassigned:
		w.and("c.assignee_id IS NULL")
	case store.AssigneeAssigned:
		w.and("+c.assignee_id IS NOT NULL")
	}
}

// ListConversations implements store.Store.
func (s *Store) ListConversations(ctx context.Context, accountID int64, f store.ConversationFilter) (store.Page[convo.Conversation], error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return store.Page[convo.Conversation]{}, err
	}
	var page store.Page[convo.Conversation]
	if err := f.Validate(); err != nil {
		return page, err
	}
	cursor, err := backend.ListCursor(f, func() int { return len(conversationSorts[f.Sort].keys(conversationRow{})) })
	if err != nil {
		return page, err
	}
	now := s.clock()
	err = s.readFor(ctx, f, func(tx *dbtx) error {
		in, err := readListInputs(ctx, tx, accountID, f, now)
		if err != nil {
			return err
		}
		plan, err := planList(ctx, tx, accountID, f, cursor.Keys == nil)
		if err != nil {
			return err
		}
		if plan == planStream {
			page, err = s.streamPage(ctx, tx, accountID, f, in, cursor, now)
			return err
		}
		sort := conversationSorts[f.Sort]
		w, err := conversationWhere(ctx, tx, accountID, f, in)
		if err != nil {
			return err
		}
		counted := w
		if plan == planMatches {
			if w, err = matchesWhere(ctx, tx, accountID, f, in); err != nil {
				return err
			}
		}
		tail, args := conversationPageQuery(w, f, sort, cursor, plan)
		rows, err := s.pageRows(ctx, tx, accountID, tail, args)
		if err != nil {
			return err
		}
		rows, more := backend.TrimPage(rows, f.Page.PerPage())
		if page.Items, err = toConversations(rows, now); err != nil {
			return err
		}
		if err := attachUnseen(ctx, tx, accountID, page.Items, f.Viewer); err != nil {
			return err
		}
		if more {
			page.Next = store.Cursor{List: backend.ListName(f), Keys: sort.keys(rows[len(rows)-1])}.Encode()
		}
		if f.Page.Keyset() {
			page.Meta = store.PageMeta{PerPage: f.Page.PerPage()}
			return nil
		}
		counts, err := countConversations(ctx, tx, accountID, f, counted)
		if err != nil {
			return err
		}
		page.Meta = store.NewPageMeta(f.Page, counts.Of(f.Assignee), len(page.Items))
		return nil
	})
	return page, err
}

// conversationPageQuery is the SQL of one page of a list after its columns
// and FROM, by the list's plan: the filter's WHERE, its assignee type, the
// keyset predicate or the offset, the sort. The filter reads only the
// conversation (c). With planMatches, w finds the filter's matches by id.
func conversationPageQuery(w where, f store.ConversationFilter, sort conversationSort, cursor store.Cursor, plan listPlan) (string, []any) {
	andAssignee(&w, f)
	offset := 0
	switch {
	case cursor.Keys != nil:
		w.and(sort.after, sort.args(cursor.Keys)...)
	case !f.Page.Keyset():
		offset = f.Page.Offset()
	}
	limit := f.Page.PerPage() + 1
	switch {
	case plan == planMerge:
		return mergedPageQuery(w, f.StatusSet(), sort, limit, offset)
	case offset > 0: // planSkip, or planMatches past the first page
		return skippingPageQuery(w, sort, limit, offset)
	}
	tail := w.sql() + ` ORDER BY ` + sort.orderBy + ` LIMIT ? OFFSET ?`
	return tail, append(w.args, limit, offset)
}

// CountConversations implements store.Store.
func (s *Store) CountConversations(ctx context.Context, accountID int64, f store.ConversationFilter) (store.Counts, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return store.Counts{}, err
	}
	var counts store.Counts
	if err := f.Validate(); err != nil {
		return counts, err
	}
	err := s.readFor(ctx, f, func(tx *dbtx) error {
		in, err := readListInputs(ctx, tx, accountID, f, s.clock())
		if err != nil {
			return err
		}
		w, err := conversationWhere(ctx, tx, accountID, f, in)
		if err != nil {
			return err
		}
		counts, err = countConversations(ctx, tx, accountID, f, w)
		return err
	})
	return counts, err
}

const (
	// sumHead reads the four counts from a maintained table (rows of
	// account, status, assignee and n); countHead counts them over rows of
	// conversations c. The first argument of either is the viewer's agent.
	sumHead = `SELECT coalesce(sum(n) FILTER (WHERE assignee_id = ?), 0) AS mine,
	coalesce(sum(n) FILTER (WHERE assignee_id = ''), 0) AS unassigned, coalesce(sum(n), 0) AS total`
	countHead = `SELECT count(*) FILTER (WHERE c.assignee_id = ?) AS mine,
	count(*) FILTER (WHERE c.assignee_id IS NULL) AS unassigned, count(*) AS total`

	// The counts of a filter by status (and inbox, team) only, from the
	// maintained tables: the cost follows the number of assignees, not of
	// conversations.
	sumCounts      = sumHead + ` FROM convo_conversation_counts`
	sumRouteCounts = sumHead + ` FROM convo_conversation_route_counts`
	// The same for a filter by status and one label, and for
	// unattended conversations by status, inbox and team.
	sumLabelCounts      = sumHead + ` FROM convo_conversation_label_counts`
	sumUnattendedCounts = sumHead + ` FROM convo_conversation_unattended_counts`

	// The counts of a filter with an index of its own (a contact's, a
	// viewer's, a search's), by counting its rows.
	countRows = countHead + ` FROM convo_conversations c`
	// The rows of a filter by labels or update time are counted from the
	// ids of matchingIDs: only those rows are read (CROSS JOIN keeps that
	// order).
	countMatchingRows = countHead + ` FROM (%s) ids CROSS JOIN convo_conversations c ON c.id = ids.id`
)

// countConversations returns the counts of the filter whose WHERE (without
// the assignee type) is w.
func countConversations(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter, w where) (store.Counts, error) {
	query, args := countsQuery(accountID, f, w)
	rows, err := queryRows[countsRow](ctx, tx, query, args...)
	if err != nil {
		return store.Counts{}, err
	}
	if len(rows) != 1 { // an aggregate gives one row
		return store.Counts{}, fmt.Errorf("sqlite: counts query gave %d rows", len(rows))
	}
	r := rows[0]
	return store.Counts{Mine: r.mine, Unassigned: r.unassigned, Assigned: r.total - r.unassigned, All: r.total}, nil
}

// countsRow is the row of a counts query, scanned by hand as pages are.
type countsRow struct{ mine, unassigned, total int }

func (r *countsRow) dest() []any { return []any{&r.mine, &r.unassigned, &r.total} }

// countsQuery is the SQL of a filter's counts: a count of the filter's rows
// when it has an index of its own to find them (a contact's, a viewer's, a
// search's; labels; update time), else a sum over the maintained tables
// (by status, with inbox, team and unattended, or with one label).
func countsQuery(accountID int64, f store.ConversationFilter, w where) (string, []any) {
	agent := uuidValue(f.Agent) // NULL matches nobody
	source := backend.PlanCounts(f)
	switch source {
	case backend.CountRows:
		return countRows + w.sql(), append([]any{agent}, w.args...)
	case backend.CountMatches:
		ids, args := matchingIDs(accountID, f)
		return fmt.Sprintf(countMatchingRows, ids) + w.sql(), append(append([]any{agent}, args...), w.args...)
	}
	var m where
	m.and("account_id = ?", accountID)
	if statuses := f.StatusSet(); len(statuses) < len(store.AllStatuses) {
		m.and("status IN ("+placeholders(len(statuses))+")", statusArgs(statuses)...)
	}
	query := sumCounts
	switch source {
	case backend.CountLabel:
		query = sumLabelCounts
		m.and("label = ?", f.LabelSet()[0])
	case backend.CountRoute, backend.CountUnattended:
		query = sumRouteCounts
		if source == backend.CountUnattended {
			query = sumUnattendedCounts
		}
		if f.InboxID != 0 {
			m.and("inbox_id = ?", f.InboxID)
		}
		if f.TeamID != 0 {
			m.and("team_id = ?", f.TeamID)
		}
	}
	return query + m.sql(), append([]any{agent}, m.args...)
}

// CountUnread implements store.Store.
func (s *Store) CountUnread(ctx context.Context, accountID int64, agentID uuid.UUID) (int, error) {
	if err := backend.Check(accountID, backend.AgentID(agentID)); err != nil {
		return 0, err
	}
	var n int
	err := s.read(ctx, func(tx *dbtx) error {
		return tx.GetContext(ctx, &n, countUnread, accountID, agentID.String())
	})
	return n, err
}

// countUnread reads the count the convo_unread_conversations triggers maintain.
const countUnread = `SELECT coalesce(sum(n), 0) FROM convo_unread_conversations WHERE account_id = ? AND assignee_id = ?`
