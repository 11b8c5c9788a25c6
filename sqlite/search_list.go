package sqlite

import (
	"context"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// The list's q: conversations with a matching message.
//
// Sorted by last activity (the default), a search streams: it walks the
// FTS index newest match first (FTS5 reads its doclists backwards by rowid,
// the message id), joins each match's message and conversation by primary
// key, applies the filter, and stops once it holds a page of distinct
// conversations. The order is then that of each conversation's latest
// matching message, which is its last activity unless a newer message did
// not match; finding the exact activity order would need every match first
// (see DESIGN.md, "Search"). Every other sort, and the counts, take the
// conversations of every match.
const (
	// conversationMatches keeps the conversations among the matches of ?1
	// in account ?2: one pass over the matches, joined by primary key.
	conversationMatches = `c.id IN (SELECT m.conversation_id FROM convo_messages_fts f CROSS JOIN convo_messages m ON m.id = f.rowid
	WHERE convo_messages_fts MATCH ? AND m.account_id = ?)`
	conversationMatchesPublic = `c.id IN (SELECT m.conversation_id FROM convo_messages_fts f CROSS JOIN convo_messages m ON m.id = f.rowid
	WHERE convo_messages_fts MATCH ? AND m.account_id = ? AND m.private = 0)`
	// matchesNothing stands for a query with nothing searchable in it.
	matchesNothing = `0`

	// searchStream lists (conversation, matching message) newest match
	// first; CROSS JOIN keeps the FTS index the outer loop.
	searchStream = `SELECT c.id, f.rowid FROM convo_messages_fts f CROSS JOIN convo_messages m ON m.id = f.rowid
	CROSS JOIN convo_conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id`
	searchStreamOrder = ` ORDER BY f.rowid DESC`
	// searchStreamAccount is searchStream for a filter by account only,
	// which needs no conversation row.
	searchStreamAccount = `SELECT m.conversation_id, f.rowid FROM convo_messages_fts f CROSS JOIN convo_messages m ON m.id = f.rowid`

	searchList = "conversations:search"
)

// andSearch narrows w to the conversations with a message matching f.Query,
// whose MATCH expression is expr (listSearchExpr).
func andSearch(w *where, accountID int64, expr string, ok bool, f store.ConversationFilter) {
	switch {
	case !ok:
		w.and(matchesNothing)
	case f.IncludePrivate:
		w.and(conversationMatches, expr, accountID)
	default:
		w.and(conversationMatchesPublic, expr, accountID)
	}
}

// listSearchExpr is the MATCH expression of f.Query, in the account's rows
// when it is small (ftsAccount), in a contact's conversations when the list
// is a contact's; ok is false when the query has nothing searchable.
func listSearchExpr(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter) (expr string, ok bool, err error) {
	account, err := ftsAccount(ctx, tx, accountID)
	if err != nil {
		return "", false, err
	}
	search, _ := convo.ParseSearch("q", f.Query) // validated
	if expr, ok = matchExpr(account, messageColumnsFTS, search, false); !ok {
		return expr, ok, nil
	}
	expr, err = narrowSearch(ctx, tx, accountID, expr, 0, f.ContactID)
	return expr, ok, err
}

// streams reports whether a list is a search by last activity (planStream).
func streams(f store.ConversationFilter) bool {
	return f.Searching() && f.Sort == store.SortLastActivityDesc
}

// streamPage is a page of a search by last activity (planStream), in tx.
func (s *Store) streamPage(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter, in listInputs,
	cursor store.Cursor, now time.Time) (store.Page[convo.Conversation], error) {
	var page store.Page[convo.Conversation]
	// The filter without its query, but with the statuses the query implies.
	plain := f
	plain.Statuses, plain.Query = f.StatusSet(), ""
	w, err := conversationWhere(ctx, tx, accountID, plain, in)
	if err != nil {
		return page, err
	}
	if !in.searchable {
		page.Items, page.Meta = []convo.Conversation{}, emptyMeta(f.Page)
		return page, nil
	}
	andAssignee(&w, f)
	stream := searchStream
	if len(w.clauses) == 1 { // c.account_id alone: any other filter keeps the join
		stream, w = searchStreamAccount, where{}
	}
	w.and("convo_messages_fts MATCH ?", in.expr)
	w.and("m.account_id = ?", accountID)
	if !f.IncludePrivate {
		w.and("m.private = 0")
	}
	skip := 0
	if !f.Page.Keyset() {
		skip = f.Page.Offset()
	}
	ids, hits, err := streamMatches(ctx, tx, stream+w.sql()+searchStreamOrder, w.args, cursor, skip, f.Page.PerPage()+1)
	if err != nil {
		return page, err
	}
	if len(ids) > f.Page.PerPage() {
		ids = ids[:f.Page.PerPage()]
		last := len(ids) - 1
		page.Next = store.Cursor{List: searchList, Keys: []int64{hits[last], ids[last]}}.Encode()
	}
	rows, err := s.rowsByID(ctx, tx, accountID, ids)
	if err != nil {
		return page, err
	}
	if page.Items, err = toConversations(rows, now); err != nil {
		return page, err
	}
	if err := attachUnseen(ctx, tx, accountID, page.Items, f.Viewer); err != nil {
		return page, err
	}
	if f.Page.Keyset() {
		page.Meta = store.PageMeta{PerPage: f.Page.PerPage()}
		return page, nil
	}
	counted := plain
	counted.Query = f.Query
	cw, err := conversationWhere(ctx, tx, accountID, counted, in)
	if err != nil {
		return page, err
	}
	counts, err := countConversations(ctx, tx, accountID, counted, cw)
	if err != nil {
		return page, err
	}
	page.Meta = store.NewPageMeta(f.Page, counts.Of(f.Assignee), len(page.Items))
	return page, nil
}

// streamMatches reads (conversation, match) rows newest match first and
// returns the first n distinct conversations after the cursor, skipping
// skip of them, each with its latest match. A conversation's first row is
// its latest match, so one whose latest match is at or above the cursor's
// was on an earlier page.
func streamMatches(ctx context.Context, tx *dbtx, query string, args []any, cursor store.Cursor, skip, n int) (ids, hits []int64, err error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for len(ids) < n && rows.Next() {
		var id, hit int64
		if err := rows.Scan(&id, &hit); err != nil {
			return nil, nil, err
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		switch {
		case cursor.Keys != nil && hit >= cursor.Keys[0]:
		case skip > 0:
			skip--
		default:
			ids, hits = append(ids, id), append(hits, hit)
		}
	}
	return ids, hits, rows.Err()
}
