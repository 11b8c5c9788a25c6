package sqlite

import (
	"context"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
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

	// conversationsWithMessagesSince are those of the conversations (a
	// JSON array, ?3) of account ?1 with a message at or above id ?2,
	// from the messages' (account, conversation, seq) index.
	conversationsWithMessagesSince = `SELECT DISTINCT conversation_id FROM convo_messages
WHERE account_id = ? AND id >= ? AND conversation_id IN (SELECT value FROM json_each(?))`
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

// listSearchExpr is the MATCH expression of f.Query, in a contact's
// conversations when the list is a contact's; ok is false when the query
// has nothing searchable or the account nothing indexed.
func listSearchExpr(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter) (expr string, ok bool, err error) {
	search, _ := convo.ParseSearch("q", f.Query) // validated
	n, err := searchAccount(ctx, tx, accountID)
	if err != nil {
		return "", false, err
	}
	if expr, ok = messageMatch(n, search); !ok {
		return expr, ok, nil
	}
	expr, err = narrowSearch(ctx, tx, accountID, expr, 0, f.ContactID)
	return expr, ok, err
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
		page.Items, page.Meta = []convo.Conversation{}, backend.EmptyMeta(f.Page)
		return page, nil
	}
	skip := 0
	if !f.Page.Keyset() {
		skip = f.Page.Offset()
	}
	ids, hits, err := streamMatches(ctx, tx, accountID, newStream(accountID, f, w, in.expr), cursor, skip, f.Page.PerPage()+1)
	if err != nil {
		return page, err
	}
	if len(ids) > f.Page.PerPage() {
		ids = ids[:f.Page.PerPage()]
		last := len(ids) - 1
		page.Next = store.Cursor{List: backend.SearchList, Keys: []int64{hits[last], ids[last]}}.Encode()
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

// stream is the query of a search by last activity (planStream): its rows
// are (conversation, matching message), newest match first.
type stream struct {
	from string // searchStream or searchStreamAccount
	w    where  // the filter, without the MATCH
	expr string // the MATCH expression
}

// newStream is the stream of f, whose WHERE without the query is w.
func newStream(accountID int64, f store.ConversationFilter, w where, expr string) stream {
	andAssignee(&w, f)
	from := searchStream
	if len(w.clauses) == 1 { // c.account_id alone: any other filter keeps the join
		from, w = searchStreamAccount, where{}
	}
	w.and("m.account_id = ?", accountID)
	if !f.IncludePrivate {
		w.and("m.private = 0")
	}
	return stream{from, w, expr}
}

// below is the query of the stream's rows below the match before (0: from
// the newest). FTS5 takes the bound and seeks to it.
func (q stream) below(before int64) (string, []any) {
	w := q.w.with("convo_messages_fts MATCH ?", q.expr)
	if before != 0 {
		w.and("f.rowid < ?", before)
	}
	return q.from + w.sql() + searchStreamOrder, w.args
}

// since is the query of the stream's rows in the conversations ids at or
// above the match from, in any order. The MATCH names the conversations,
// so the index reads their matches alone (withinConversations).
func (q stream) since(ids []int64, from int64) (string, []any) {
	w := q.w.with("convo_messages_fts MATCH ?", withinConversations(q.expr, ids)).with("f.rowid >= ?", from)
	return q.from + w.sql(), w.args
}

// streamMatches returns the first n distinct conversations of the stream
// after the cursor, skipping skip of them, each with its latest match.
// A conversation's first row is its latest match. After a cursor, the
// stream is read below the cursor's match (FTS5 seeks there), so the depth
// of a page costs nothing: a conversation met there whose latest match is
// at or above the cursor's was on an earlier page, and matchedSince finds
// those among a round's conversations; when it drops some, the next round
// reads on for as many more as were dropped so far. A page costs the
// rows it reads below the cursor, plus a full-text lookup for each
// conversation met there with a message above it (about 0.08 ms each):
// few where a conversation's messages lie close together, many on a deep
// page of conversations whose matches are spread over the whole index.
func streamMatches(ctx context.Context, tx *dbtx, accountID int64, q stream, cursor store.Cursor, skip, n int) (ids, hits []int64, err error) {
	seen := map[int64]bool{}
	var before int64
	if cursor.Keys != nil {
		before = cursor.Keys[0]
		seen[cursor.Keys[1]] = true // the cursor's own conversation
	}
	dropped := 0
	for len(ids) < n {
		// Each round reads as many more as were dropped so far: few rounds
		// where many conversations were on earlier pages.
		round, roundHits, last, done, err := readStream(ctx, tx, q, before, seen, n-len(ids)+skip+dropped)
		if err != nil {
			return nil, nil, err
		}
		var earlier map[int64]bool
		if cursor.Keys != nil && len(round) > 0 {
			if earlier, err = matchedSince(ctx, tx, accountID, q, round, cursor.Keys[0]); err != nil {
				return nil, nil, err
			}
		}
		for i, id := range round {
			switch {
			case earlier[id]:
				dropped++
			case skip > 0:
				skip--
			case len(ids) < n:
				ids, hits = append(ids, id), append(hits, roundHits[i])
			}
		}
		if done {
			break
		}
		before = last
	}
	return ids, hits, nil
}

// readStream reads the stream below the match before (0: from the newest)
// until it meets want conversations not yet seen, and returns them with
// their latest matches, the last match read, and whether the stream ended.
func readStream(ctx context.Context, tx *dbtx, q stream, before int64, seen map[int64]bool, want int) (ids, hits []int64, last int64, done bool, err error) {
	query, args := q.below(before)
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, 0, false, err
	}
	defer rows.Close()
	for len(ids) < want {
		if !rows.Next() {
			return ids, hits, last, true, rows.Err()
		}
		var id int64
		if err := rows.Scan(&id, &last); err != nil {
			return nil, nil, 0, false, err
		}
		if !seen[id] {
			seen[id] = true
			ids, hits = append(ids, id), append(hits, last)
		}
	}
	return ids, hits, last, false, rows.Err()
}

// matchedSince is the set of the conversations ids with a match of the
// stream at or above the match from. Only those with a message there can
// have one: the messages' index finds them (reading the conversations'
// entries, not their rows), and the full-text index is asked about them
// alone, as every conversation it is asked about costs a lookup.
func matchedSince(ctx context.Context, tx *dbtx, accountID int64, q stream, ids []int64, from int64) (map[int64]bool, error) {
	var newer []int64
	if err := tx.SelectContext(ctx, &newer, conversationsWithMessagesSince, accountID, from, idsJSON(ids)); err != nil {
		return nil, err
	}
	if len(newer) == 0 {
		return nil, nil
	}
	query, args := q.since(newer, from)
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := map[int64]bool{}
	for rows.Next() {
		var id, hit int64
		if err := rows.Scan(&id, &hit); err != nil {
			return nil, err
		}
		found[id] = true
	}
	return found, rows.Err()
}
