package postgres

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// A list of conversations is one plain query: the filter's WHERE, the
// sort's ORDER BY with the id as the last key, and a keyset predicate (the
// rows after a cursor) or an OFFSET. The planner picks the index; the
// schema has one for each sort. A search by last activity (the default
// sort) lists conversations by their latest matching message instead, so
// that its order is that of the activity that matched (see
// store.ConversationFilter.Query).

// conversationSort is the SQL of one store.ConversationSort: a fixed ORDER
// BY, the keyset predicate of the rows after a cursor (its arguments built
// from the cursor's keys), and the keys of a row. Every sort ends on the
// id, so rows with equal keys keep one order. Times travel in a cursor as
// Unix microseconds.
type conversationSort struct {
	orderBy string
	after   string
	args    func(keys []int64) []any
	keys    func(r *conversationRow) []int64
}

const (
	// priorityAscKey ranks low 0 .. urgent 3, none 4: none last.
	priorityAscKey = `((c.priority + 4) % 5)`
	// The waiting sorts put conversations that are not waiting last.
	waitingAscKey  = `coalesce(c.waiting_since, 'infinity'::timestamptz)`
	waitingDescKey = `coalesce(c.waiting_since, '-infinity'::timestamptz)`
)

// timeKey is the argument of a time key: a timestamptz, infinite at
// either end of int64 (a waiting sort's "not waiting").
func timeKey(k int64) any {
	switch k {
	case math.MaxInt64:
		return pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true}
	case math.MinInt64:
		return pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	}
	return time.UnixMicro(k).UTC()
}

// timeThenID are the arguments of a (time, id) key.
func timeThenID(k []int64) []any { return []any{timeKey(k[0]), k[1]} }

// numberTimeID are the arguments of a (number, time, id) key.
func numberTimeID(k []int64) []any { return []any{k[0], timeKey(k[1]), k[2]} }

// numberTwiceTimeID are the arguments of a sort ascending by a number, then
// descending by time and id: the number twice (above, or equal and after).
func numberTwiceTimeID(k []int64) []any { return []any{k[0], k[0], timeKey(k[1]), k[2]} }

func waitingKey(r *conversationRow, none int64) int64 {
	if r.WaitingSince.IsZero() {
		return none
	}
	return r.WaitingSince.UnixMicro()
}

func activityKeys(r *conversationRow) []int64 { return []int64{r.LastActivityAt.UnixMicro(), r.ID} }
func createdKeys(r *conversationRow) []int64  { return []int64{r.CreatedAt.UnixMicro(), r.ID} }
func unreadKeys(r *conversationRow) []int64 {
	return []int64{r.UnreadCount, r.LastActivityAt.UnixMicro(), r.ID}
}

var conversationSorts = map[store.ConversationSort]conversationSort{
	store.SortLastActivityDesc: {"c.last_activity_at DESC, c.id DESC", "(c.last_activity_at, c.id) < (?, ?::bigint)",
		timeThenID, activityKeys},
	store.SortLastActivityAsc: {"c.last_activity_at, c.id", "(c.last_activity_at, c.id) > (?, ?::bigint)",
		timeThenID, activityKeys},
	store.SortCreatedDesc: {"c.created_at DESC, c.id DESC", "(c.created_at, c.id) < (?, ?::bigint)",
		timeThenID, createdKeys},
	store.SortCreatedAsc: {"c.created_at, c.id", "(c.created_at, c.id) > (?, ?::bigint)",
		timeThenID, createdKeys},
	store.SortPriorityDesc: {"c.priority DESC, c.last_activity_at DESC, c.id DESC",
		"(c.priority, c.last_activity_at, c.id) < (?::smallint, ?, ?::bigint)", numberTimeID,
		func(r *conversationRow) []int64 {
			return []int64{int64(r.Priority), r.LastActivityAt.UnixMicro(), r.ID}
		}},
	store.SortPriorityAsc: {priorityAscKey + ", c.last_activity_at DESC, c.id DESC",
		"(" + priorityAscKey + " > ?::int OR (" + priorityAscKey + " = ?::int AND (c.last_activity_at, c.id) < (?, ?::bigint)))",
		numberTwiceTimeID,
		func(r *conversationRow) []int64 {
			return []int64{int64((r.Priority + 4) % 5), r.LastActivityAt.UnixMicro(), r.ID}
		}},
	store.SortWaitingSinceAsc: {waitingAscKey + ", c.id", "(" + waitingAscKey + ", c.id) > (?, ?::bigint)", timeThenID,
		func(r *conversationRow) []int64 { return []int64{waitingKey(r, math.MaxInt64), r.ID} }},
	store.SortWaitingSinceDesc: {waitingDescKey + " DESC, c.id DESC", "(" + waitingDescKey + ", c.id) < (?, ?::bigint)", timeThenID,
		func(r *conversationRow) []int64 { return []int64{waitingKey(r, math.MinInt64), r.ID} }},
	store.SortUnreadDesc: {"c.unread_count DESC, c.last_activity_at DESC, c.id DESC",
		"(c.unread_count, c.last_activity_at, c.id) < (?::bigint, ?, ?::bigint)", numberTimeID, unreadKeys},
	store.SortUnreadAsc: {"c.unread_count, c.last_activity_at DESC, c.id DESC",
		"(c.unread_count > ?::bigint OR (c.unread_count = ?::bigint AND (c.last_activity_at, c.id) < (?, ?::bigint)))",
		numberTwiceTimeID, unreadKeys},
}

// The fragments of a conversation filter (page.go's where numbers the ?).
const (
	conversationsOfAccount = `c.account_id = ?`
	// One status is an equality, so that the (account, status, activity)
	// index gives the default list in its order; several are an array.
	conversationsOfStatus = `c.status = ?::smallint`
	conversationsInStatus = `c.status = ANY(?::smallint[])`
	conversationsOfInbox  = `c.inbox_id = ?::bigint`
	conversationsOfTeam   = `c.team_id = ?::bigint`
	// conversationsLabelled reads the labels the triggers keep on the row.
	conversationsLabelled  = `c.labels && ?::text[]`
	conversationsOfContact = `c.contact_id = ?::bigint`
	conversationsUnattend  = `(c.first_reply_created_at IS NULL OR c.waiting_since IS NOT NULL)`
	conversationsUpdated   = `c.updated_at >= ?`
	conversationsMine      = `c.assignee_id = ?::uuid`
	conversationsNoAgent   = `c.assignee_id IS NULL`
	conversationsAnAgent   = `c.assignee_id IS NOT NULL`

	// conversationsMatching keeps the conversations with a message
	// matching a tsquery (arguments account, query); ...Public those with
	// a public one.
	conversationsMatching = `c.id IN (SELECT m.conversation_id FROM convo_messages m
		WHERE m.account_id = ? AND m.words @@ ?::tsquery)`
	conversationsMatchingPublic = `c.id IN (SELECT m.conversation_id FROM convo_messages m
		WHERE m.account_id = ? AND m.words @@ ?::tsquery AND NOT m.private)`
	// matchesNothing stands for a search with nothing searchable in it.
	matchesNothing = `false`

	contactExists = `SELECT id FROM convo_contacts WHERE account_id = $1 AND id = $2`
)

const (
	// listConversations is a page's columns: the conversation's and its
	// unseen count for the viewer (0 without one, the first %s), for the
	// ids of listIDs (the second %s) of the account (the third), joined
	// back by primary key. The rows an OFFSET skips come from an index
	// alone, and only the page's rows are joined to their contact and
	// last message (page 40: 33 ms joining all 1,000 rows, 0.2 ms so).
	listConversations = `SELECT ` + conversationColumns + `, %s FROM (%s) p
	JOIN convo_conversations c ON c.account_id = %s AND c.id = p.id
	JOIN convo_contacts ct ON ct.account_id = c.account_id AND ct.id = c.contact_id
	LEFT JOIN convo_messages lm ON lm.account_id = c.account_id AND lm.id = c.last_non_activity_message_id`
	// listIDs are the ids of a page: its filter, sort and range follow.
	listIDs = `SELECT c.id FROM convo_conversations c`
	// listRange is a page's LIMIT and OFFSET, numbers the store computes
	// (a page size of at most store.MaxPerPage, an offset of at most
	// maxInlineOffset) written into the SQL: with parameters PostgreSQL
	// cannot cost a generic plan and plans every call anew (0.5-1 ms).
	listRange = ` LIMIT %d OFFSET %d`
	// listRangeDeep is the range of a page past maxInlineOffset: the
	// offset a parameter, so that deep pages share one statement.
	listRangeDeep = ` LIMIT %d OFFSET ?`

	// latestHits walks the matching messages newest first (arguments
	// account, query), keeping each one that is its conversation's latest
	// match (no newer match in it), so that the walk stops once a page is
	// full instead of grouping every match of the account. The planner
	// sees the query's words (planWithWords): it walks the primary key for
	// a common word and sorts the GIN index's matches of a rare one.
	// ...Filtered joins conversation c for a filter's WHERE.
	latestHits         = `SELECT m.conversation_id, m.id FROM convo_messages m`
	latestHitsFiltered = latestHits + ` JOIN convo_conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id`
	hitsMatching       = `m.account_id = ? AND m.words @@ ?::tsquery`
	hitsMatchingLast   = `NOT EXISTS (SELECT FROM convo_messages n WHERE n.account_id = m.account_id
	AND n.conversation_id = m.conversation_id AND n.id > m.id AND n.words @@ ?::tsquery)`
	hitsPublicLast = `NOT EXISTS (SELECT FROM convo_messages n WHERE n.account_id = m.account_id
	AND n.conversation_id = m.conversation_id AND n.id > m.id AND n.words @@ ?::tsquery AND NOT n.private)`
	searchOrder = ` ORDER BY m.id DESC LIMIT ? OFFSET ?`
	searchAfter = `m.id < ?::bigint`
	// searchConversations are the conversations of a page of hits
	// (arguments: their ids and hits, the account), by primary key, in the
	// page's order: a statement apart from latestHits, so that its plan is
	// made once, not with each search's (planning the two as one statement
	// took longer than running them).
	searchConversations = `SELECT ` + conversationColumns + `, %s, x.hit
	FROM unnest(?::bigint[], ?::bigint[]) x (id, hit)
	JOIN convo_conversations c ON c.account_id = ? AND c.id = x.id
	JOIN convo_contacts ct ON ct.account_id = c.account_id AND ct.id = c.contact_id
	LEFT JOIN convo_messages lm ON lm.account_id = c.account_id AND lm.id = c.last_non_activity_message_id
	ORDER BY x.hit DESC`
)

// listRow is a row of a list: a conversation, its unseen count for the
// viewer, and, in a search by last activity, its latest match (scanned
// only there: see conversationPage.read).
type listRow struct {
	conversationRow
	unseen int64
	hit    int64
}

func (r *listRow) dest() []any { return append(r.conversationRow.dest(), &r.unseen) }

// ListConversations implements store.Store.
func (s *Store) ListConversations(ctx context.Context, accountID int64, f store.ConversationFilter) (store.Page[convo.Conversation], error) {
	var page store.Page[convo.Conversation]
	if err := convo.ValidateAccountID(accountID); err != nil {
		return page, err
	}
	if err := f.Validate(); err != nil {
		return page, err
	}
	cursor, err := backend.ListCursor(f, func() int { return len(conversationSorts[f.Sort].keys(&conversationRow{})) })
	if err != nil {
		return page, err
	}
	now := s.clock()
	if !f.Searching() && f.View == "" {
		return s.listPlain(ctx, accountID, f, cursor, now)
	}
	err = s.read(ctx, func(tx pgx.Tx) error {
		if err := checkContact(ctx, tx, accountID, f); err != nil {
			return err
		}
		cs, err := filterConditions(ctx, tx, accountID, f, now)
		if err != nil {
			return err
		}
		read := newConversationPage(f, now)
		if backend.Streams(f) {
			err = searchPage(ctx, tx, accountID, f, cs, cursor, read)
		} else {
			err = listPage(ctx, tx, accountID, f, cs, cursor, read)
		}
		if err != nil {
			return err
		}
		var counts store.Counts
		if !f.Page.Keyset() {
			if counts, err = countConversations(ctx, tx, accountID, f, cs); err != nil {
				return err
			}
		}
		page, err = read.page(counts.Of(f.Assignee))
		return err
	})
	return page, err
}

// listPlain is ListConversations of a filter without a search or a saved
// view: the contact check, the page and its counts do not depend on each
// other, so they go out together, in one round trip with the transaction's
// BEGIN and COMMIT.
func (s *Store) listPlain(ctx context.Context, accountID int64, f store.ConversationFilter, cursor store.Cursor, now time.Time) (store.Page[convo.Conversation], error) {
	var contactFound bool
	var counts store.Counts
	read := newConversationPage(f, now)
	cs := resolveConditions(now, f.Conditions)
	err := s.readBatch(ctx, func(b *pgx.Batch) {
		if f.ContactID != 0 {
			b.Queue(contactExists, accountID, f.ContactID).Query(func(r pgx.Rows) error {
				contactFound = r.Next()
				return nil
			})
		}
		query, args := listQuery(accountID, f, cs, cursor)
		b.Queue(query, args...).Query(func(r pgx.Rows) error { return read.read(r, false) })
		if !f.Page.Keyset() {
			query, args := countsQuery(accountID, f, cs)
			b.Queue(query, args...).QueryRow(func(r pgx.Row) (err error) {
				counts, err = scanCounts(r)
				return err
			})
		}
	}, nil)
	if err != nil {
		return store.Page[convo.Conversation]{}, err
	}
	if f.ContactID != 0 && !contactFound {
		return store.Page[convo.Conversation]{}, fmt.Errorf("contact %d: %w", f.ContactID, convo.ErrNotFound)
	}
	return read.page(counts.Of(f.Assignee))
}

// listCursor is the cursor after a row.
func listCursor(f store.ConversationFilter, r *listRow) store.Cursor {
	if backend.Streams(f) {
		return store.Cursor{List: backend.SearchList, Keys: []int64{r.hit, r.ID}}
	}
	return store.Cursor{List: backend.ListName(f), Keys: conversationSorts[f.Sort].keys(&r.conversationRow)}
}

// unseenColumn binds the page's unseen column for the viewer (0 without
// one): a fragment of the select list, so bound before the WHERE.
func unseenColumn(w *where, f store.ConversationFilter) string {
	if f.Viewer == nil {
		return `0::bigint`
	}
	return w.bind(unseenOf, uuidValue(f.Viewer.UserID))
}

// listPage reads the rows of one page (and one more) of a list that does
// not stream into read: the filter's WHERE, its assignee type, the cursor
// or the offset, the sort.
func listPage(ctx context.Context, tx pgx.Tx, accountID int64, f store.ConversationFilter, cs conditions, cursor store.Cursor, read *conversationPage) error {
	query, args := listQuery(accountID, f, cs, cursor)
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	return read.read(rows, false)
}

// listQuery is the SQL of listPage, with its arguments.
func listQuery(accountID int64, f store.ConversationFilter, cs conditions, cursor store.Cursor) (string, []any) {
	var q where
	unseen := unseenColumn(&q, f)
	filterWhere(&q, accountID, f, cs)
	andAssignee(&q, f)
	sort := conversationSorts[f.Sort]
	offset := 0
	switch {
	case cursor.Keys != nil:
		q.and(sort.after, sort.args(cursor.Keys)...)
	case !f.Page.Keyset():
		offset = f.Page.Offset()
	}
	ids := listIDs + q.sql() + ` ORDER BY ` + sort.orderBy
	if offset <= maxInlineOffset {
		ids += fmt.Sprintf(listRange, f.Page.PerPage()+1, offset)
	} else {
		ids += q.bind(fmt.Sprintf(listRangeDeep, f.Page.PerPage()+1), offset)
	}
	query := fmt.Sprintf(listConversations, unseen, ids, q.bind(`?`, accountID)) + ` ORDER BY ` + sort.orderBy
	return query, q.args
}

// maxInlineOffset is the deepest offset written into a list's SQL (page
// 100 of 25): each one is a statement of its own, prepared on each
// connection.
const maxInlineOffset = 99 * 25

// searchPage reads the rows of one page (and one more) of a search by last
// activity into read: the conversations with a match, newest latest match
// first.
func searchPage(ctx context.Context, tx pgx.Tx, accountID int64, f store.ConversationFilter, cs conditions, cursor store.Cursor, read *conversationPage) error {
	expr, ok := searchQuery(accountID, f)
	if !ok {
		return nil
	}
	var q where
	q.and(hitsMatching, accountID, expr)
	if f.IncludePrivate {
		q.and(hitsMatchingLast, expr)
	} else {
		q.and(hitsPublic)
		q.and(hitsPublicLast, expr)
	}
	// The filter without its query (the hits are the query), on the
	// conversations joined only when it has more than their account.
	plain := f
	plain.Statuses, plain.Query = f.StatusSet(), ""
	var filter where
	plainWhere(&filter, accountID, plain, cs)
	andAssignee(&filter, f)
	from := latestHits
	if len(filter.clauses) > 1 {
		from = latestHitsFiltered
		plainWhere(&q, accountID, plain, cs)
		andAssignee(&q, f)
	}
	offset := 0
	switch {
	case cursor.Keys != nil:
		q.and(searchAfter, cursor.Keys[0])
	case !f.Page.Keyset():
		offset = f.Page.Offset()
	}
	query := from + q.sql() + q.bind(searchOrder, f.Page.PerPage()+1, offset)
	var ids, hits []int64
	rows, err := tx.Query(ctx, query, planWithWords(tx, q.args)...)
	if err != nil {
		return err
	}
	var id, hit int64
	if _, err := pgx.ForEachRow(rows, []any{&id, &hit}, func() error {
		ids, hits = append(ids, id), append(hits, hit)
		return nil
	}); err != nil || len(ids) == 0 {
		return err
	}
	var page where
	unseen := unseenColumn(&page, f)
	query = page.bind(fmt.Sprintf(searchConversations, unseen), ids, hits, accountID)
	if rows, err = tx.Query(ctx, query, page.args...); err != nil {
		return err
	}
	return read.read(rows, true)
}

// checkContact makes a filtering contact of another account (or none)
// ErrNotFound, as everywhere else.
func checkContact(ctx context.Context, tx pgx.Tx, accountID int64, f store.ConversationFilter) error {
	if f.ContactID == 0 {
		return nil
	}
	var id int64
	if err := queryOne(ctx, tx, contactExists, []any{accountID, f.ContactID}, &id); err != nil {
		return fmt.Errorf("contact %d: %w", f.ContactID, err)
	}
	return nil
}

// filterWhere adds a filter, without its assignee type, to w as fixed
// fragments; cs are its conditions.
func filterWhere(w *where, accountID int64, f store.ConversationFilter, cs conditions) {
	plainWhere(w, accountID, f, cs)
	if f.Searching() {
		andSearch(w, accountID, f)
	}
}

// plainWhere adds the filter's fragments but its query and assignee type,
// and its conditions cs.
func plainWhere(w *where, accountID int64, f store.ConversationFilter, cs conditions) {
	w.and(conversationsOfAccount, accountID)
	switch codes := statusArgs(f.StatusSet()); {
	case len(codes) == 1:
		w.and(conversationsOfStatus, codes[0])
	case len(codes) < len(store.AllStatuses):
		w.and(conversationsInStatus, codes)
	}
	if f.InboxID != 0 {
		w.and(conversationsOfInbox, f.InboxID)
	}
	if f.TeamID != 0 {
		w.and(conversationsOfTeam, f.TeamID)
	}
	if labels := f.LabelSet(); len(labels) > 0 {
		w.and(conversationsLabelled, labels)
	}
	if f.ContactID != 0 {
		w.and(conversationsOfContact, f.ContactID)
	}
	if f.Unattended {
		w.and(conversationsUnattend)
	}
	if !f.UpdatedSince.IsZero() {
		w.and(conversationsUpdated, backend.StoredTime(f.UpdatedSince))
	}
	andViewer(w, accountID, f)
	andConditions(w, cs)
}

// andSearch narrows w to the conversations with a message matching f.Query.
func andSearch(w *where, accountID int64, f store.ConversationFilter) {
	expr, ok := searchQuery(accountID, f)
	switch {
	case !ok:
		w.and(matchesNothing)
	case f.IncludePrivate:
		w.and(conversationsMatching, accountID, expr)
	default:
		w.and(conversationsMatchingPublic, accountID, expr)
	}
}

// searchQuery is the tsquery of the filter's Query in the account's words;
// ok is false when it has nothing searchable in it.
func searchQuery(accountID int64, f store.ConversationFilter) (string, bool) {
	search, _ := convo.ParseSearch("q", f.Query) // validated
	return tsquery(accountID, search, false)
}

// statusArgs are the codes of statuses, each once, in order.
func statusArgs(statuses []convo.Status) []int16 {
	codes := make([]int16, 0, len(statuses))
	for _, st := range statuses {
		if c := statusCodes[st]; !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	return codes
}

// andAssignee narrows w to the filter's assignee type.
func andAssignee(w *where, f store.ConversationFilter) {
	switch f.Assignee {
	case store.AssigneeMine:
		w.and(conversationsMine, f.Agent)
	case store.AssigneeUnassigned:
		w.and(conversationsNoAgent)
	case store.AssigneeAssigned:
		w.and(conversationsAnAgent)
	}
}

// CountConversations implements store.Store.
func (s *Store) CountConversations(ctx context.Context, accountID int64, f store.ConversationFilter) (store.Counts, error) {
	var counts store.Counts
	if err := convo.ValidateAccountID(accountID); err != nil {
		return counts, err
	}
	if err := f.Validate(); err != nil {
		return counts, err
	}
	now := s.clock()
	if f.View != "" {
		// The saved view's conditions come first: one round trip more.
		err := s.read(ctx, func(tx pgx.Tx) error {
			if err := checkContact(ctx, tx, accountID, f); err != nil {
				return err
			}
			cs, err := filterConditions(ctx, tx, accountID, f, now)
			if err != nil {
				return err
			}
			counts, err = countConversations(ctx, tx, accountID, f, cs)
			return err
		})
		return counts, err
	}
	// The contact check and the counts go out together: one round trip.
	var contactFound bool
	cs := resolveConditions(now, f.Conditions)
	err := s.readBatch(ctx, func(b *pgx.Batch) {
		if f.ContactID != 0 {
			b.Queue(contactExists, accountID, f.ContactID).Query(func(r pgx.Rows) error {
				contactFound = r.Next()
				return nil
			})
		}
		query, args := countsQuery(accountID, f, cs)
		b.Queue(query, args...).QueryRow(func(r pgx.Row) (err error) {
			counts, err = scanCounts(r)
			return err
		})
	}, nil)
	if err == nil && f.ContactID != 0 && !contactFound {
		return store.Counts{}, fmt.Errorf("contact %d: %w", f.ContactID, convo.ErrNotFound)
	}
	return counts, err
}

const (
	// sumHead reads the counts from a maintained table (rows of account,
	// status, assignee and n); the first argument is the agent ('' for
	// none, which matches only the unassigned: filtered out below).
	sumHead = `SELECT coalesce(sum(n) FILTER (WHERE assignee_id = ?::text AND assignee_id <> ''), 0)::bigint,
	coalesce(sum(n) FILTER (WHERE assignee_id = ''), 0)::bigint, coalesce(sum(n), 0)::bigint`
	// countHead counts them over the rows of conversations c.
	countHead = `SELECT count(*) FILTER (WHERE c.assignee_id = ?::uuid),
	count(*) FILTER (WHERE c.assignee_id IS NULL), count(*) FROM convo_conversations c`

	// The counts of a filter by status only, by status, inbox and team,
	// of the unattended, and by one label: sums over the maintained
	// tables, whose cost follows the number of assignees, not of
	// conversations.
	sumCounts           = sumHead + ` FROM convo_conversation_counts`
	sumRouteCounts      = sumHead + ` FROM convo_conversation_route_counts`
	sumUnattendedCounts = sumHead + ` FROM convo_conversation_unattended_counts`
	sumLabelCounts      = sumHead + ` FROM convo_conversation_label_counts`

	countsOfAccount = `account_id = ?`
	countsInStatus  = `status = ANY(?::smallint[])`
	countsOfInbox   = `inbox_id = ?::bigint`
	countsOfTeam    = `team_id = ?::bigint`
	countsOfLabel   = `label = ?::text`
)

// countConversations returns the counts of the filter, without its
// assignee type.
func countConversations(ctx context.Context, tx pgx.Tx, accountID int64, f store.ConversationFilter, cs conditions) (store.Counts, error) {
	query, args := countsQuery(accountID, f, cs)
	return scanCounts(tx.QueryRow(ctx, query, args...))
}

// scanCounts reads the row of countsQuery.
func scanCounts(row pgx.Row) (store.Counts, error) {
	var mine, unassigned, total int
	if err := row.Scan(&mine, &unassigned, &total); err != nil {
		return store.Counts{}, err
	}
	return store.Counts{Mine: mine, Unassigned: unassigned, Assigned: total - unassigned, All: total}, nil
}

// countsQuery is the SQL of a filter's counts, with its arguments; cs are
// its conditions, which only a count of rows can hold.
func countsQuery(accountID int64, f store.ConversationFilter, cs conditions) (string, []any) {
	source := backend.PlanCounts(f)
	if source == backend.CountRows || source == backend.CountMatches {
		var q where
		head := q.bind(countHead, uuidValue(f.Agent)) // NULL matches nobody
		filterWhere(&q, accountID, f, cs)
		return head + q.sql(), q.args
	}
	var q where
	agent := ""
	if f.Agent != uuid.Nil {
		agent = f.Agent.String()
	}
	query := sumCounts
	switch source {
	case backend.CountLabel:
		query = sumLabelCounts
	case backend.CountRoute:
		query = sumRouteCounts
	case backend.CountUnattended:
		query = sumUnattendedCounts
	}
	head := q.bind(query, agent)
	q.and(countsOfAccount, accountID)
	if codes := statusArgs(f.StatusSet()); len(codes) < len(store.AllStatuses) {
		q.and(countsInStatus, codes)
	}
	if source == backend.CountLabel {
		q.and(countsOfLabel, f.LabelSet()[0])
	}
	if source == backend.CountRoute || source == backend.CountUnattended {
		if f.InboxID != 0 {
			q.and(countsOfInbox, f.InboxID)
		}
		if f.TeamID != 0 {
			q.and(countsOfTeam, f.TeamID)
		}
	}
	return head + q.sql(), q.args
}

// CountUnread implements store.Store.
func (s *Store) CountUnread(ctx context.Context, accountID int64, agentID uuid.UUID) (int, error) {
	if err := backend.Check(accountID, backend.AgentID(agentID)); err != nil {
		return 0, err
	}
	var n int
	err := s.readBatch(ctx, func(b *pgx.Batch) {
		b.Queue(countUnread, accountID, agentID.String()).QueryRow(func(r pgx.Row) error { return r.Scan(&n) })
	}, nil)
	return n, err
}

// countUnread reads the count the convo_unread_conversations triggers maintain.
const countUnread = `SELECT coalesce(sum(n), 0)::bigint FROM convo_unread_conversations WHERE account_id = $1 AND assignee_id = $2`
