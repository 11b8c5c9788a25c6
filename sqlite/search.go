package sqlite

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Message search walks the FTS index, never the messages: CROSS JOIN keeps
// convo_messages_fts the outer loop, so a match joins its message and
// conversation by primary key and, newest first, FTS5 reads its doclists
// backwards by rowid (= message id, in the order messages were added) and
// the walk stops as soon as the page is full.
const (
	// The MATCH and the filters follow; a page's snippets are made in Go
	// (fts.go).
	searchMessagesSelect = `SELECT ` + messageColumns + `, `
	searchMessagesFrom   = ` FROM convo_messages_fts f CROSS JOIN convo_messages m ON m.id = f.rowid
	CROSS JOIN convo_conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id`
	countSearchMessages = `SELECT count(*)` + searchMessagesFrom

	// A page by relevance sorts every match by rank first, reading the
	// ids and ranks alone (searchMessagesRanked, then the WHERE, order and
	// limit), then reads the page's rows, seeking each match by rowid: a
	// sort computes every selected column of every row it sorts. The
	// ranked page's arguments come first, then the MATCH again.
	searchMessagesRanked = `SELECT f.rowid AS id, f.rank AS rank` + searchMessagesFrom
	searchRankedPageFrom = ` FROM (`
	searchRankedPageJoin = `) p CROSS JOIN convo_messages_fts f ON f.rowid = p.id CROSS JOIN convo_messages m ON m.id = f.rowid
	CROSS JOIN convo_conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id
	WHERE convo_messages_fts MATCH ? ORDER BY p.rank, p.id DESC`
)

// messageSearchOrder is the SQL of one store.SearchOrder. rank is the
// select's rank column: only the relevance order reads FTS5's, whose bm25
// counts every row of each phrase of the query once, the account's
// included (see fts.go).
type messageSearchOrder struct {
	name    string
	rank    string
	orderBy string
	after   string
	args    func(keys []int64) []any
	keys    func(r hitRow) []int64
	sorts   bool // every match is sorted: the page's rows come after
}

var messageSearchOrders = map[store.SearchOrder]messageSearchOrder{
	store.SearchNewestFirst: {"newest", "0.0 AS rank", "f.rowid DESC", "f.rowid < ?", anys[int64],
		func(r hitRow) []int64 { return []int64{r.ID} }, false},
	// A rank is a float: its bits travel in the cursor.
	store.SearchRelevance: {"relevance", "f.rank AS rank", "f.rank, f.rowid DESC", "(f.rank > ? OR (f.rank = ? AND f.rowid < ?))",
		func(k []int64) []any {
			rank := math.Float64frombits(uint64(k[0]))
			return []any{rank, rank, k[1]}
		},
		func(r hitRow) []int64 { return []int64{int64(math.Float64bits(r.Rank)), r.ID} }, true},
}

// pageQuery is the SQL of a page of a message search whose WHERE is w and
// MATCH expression expr, with its arguments.
func (o messageSearchOrder) pageQuery(w where, expr string, limit, offset int) (string, []any) {
	tail := w.sql() + ` ORDER BY ` + o.orderBy + ` LIMIT ? OFFSET ?`
	args := append(slices.Clip(w.args), limit, offset)
	if !o.sorts {
		return searchMessagesSelect + o.rank + searchMessagesFrom + tail, args
	}
	return searchMessagesSelect + `p.rank AS rank` + searchRankedPageFrom + searchMessagesRanked + tail + searchRankedPageJoin,
		append(args, expr)
}

// hitRow is a message found by a search, with its rank.
type hitRow struct {
	messageRow
	Rank float64
}

// dest lists where each column of searchMessagesSelect scans.
func (r *hitRow) dest() []any { return append(r.messageRow.dest(), &r.Rank) }

// SearchMessages implements store.Store.
func (s *Store) SearchMessages(ctx context.Context, accountID int64, f store.MessageSearch) (store.Page[store.MessageHit], error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return store.Page[store.MessageHit]{}, err
	}
	var page store.Page[store.MessageHit]
	if err := f.Validate(); err != nil {
		return page, err
	}
	order := messageSearchOrders[f.Order]
	list := "search:" + order.name
	keys := 0 // counted from a row, which costs an allocation: only for a cursor
	if f.Page.Cursor() != "" {
		keys = len(order.keys(hitRow{}))
	}
	cursor, err := backend.PageCursor(f.Page, list, keys)
	if err != nil {
		return page, err
	}
	search, _ := convo.ParseSearch("q", f.Query) // validated
	err = s.readIndexed(ctx, func(tx *dbtx) error {
		if err := checkSearchScope(ctx, tx, accountID, f); err != nil {
			return err
		}
		n, err := searchAccount(ctx, tx, accountID)
		if err != nil {
			return err
		}
		expr, searchable := messageMatch(n, search)
		if !searchable {
			page.Items = []store.MessageHit{}
			page.Meta = backend.EmptyMeta(f.Page)
			return nil
		}
		expr, err = narrowSearch(ctx, tx, accountID, expr, f.ConversationID, f.ContactID)
		if err != nil {
			return err
		}
		w := messageSearchWhere(accountID, expr, f)
		counted := w
		offset := 0
		switch {
		case cursor.Keys != nil:
			w.and(order.after, order.args(cursor.Keys)...)
		case !f.Page.Keyset():
			offset = f.Page.Offset()
		}
		query, args := order.pageQuery(w, expr, f.Page.PerPage()+1, offset)
		rows, err := queryRows[hitRow](ctx, tx, query, args...)
		if err != nil {
			return err
		}
		rows, more := backend.TrimPage(rows, f.Page.PerPage())
		start, end, words := f.Markers()
		page.Items = make([]store.MessageHit, 0, len(rows))
		for _, r := range rows {
			m, err := r.toMessage()
			if err != nil {
				return err
			}
			page.Items = append(page.Items, store.MessageHit{ConversationID: m.ConversationID, Message: m,
				Snippet: backend.Snippet(m.Content, search, start, end, words)})
		}
		if more {
			page.Next = store.Cursor{List: list, Keys: order.keys(rows[len(rows)-1])}.Encode()
		}
		return pageMeta(ctx, tx, &page.Meta, f.Page, len(rows), countSearchMessages+counted.sql(), counted.args...)
	})
	return page, err
}

// narrowSearch narrows a search within a conversation, or a contact's
// conversations when they are few, in its MATCH expression (0: none).
func narrowSearch(ctx context.Context, tx *dbtx, accountID int64, expr string, conversationID, contactID int64) (string, error) {
	switch {
	case conversationID != 0:
		return withinConversations(expr, []int64{conversationID}), nil
	case contactID != 0:
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, contactConversationsUpTo, contactID, accountID, maxNarrowed+1); err != nil {
			return "", err
		}
		switch {
		case len(ids) == 0: // no conversation: no match, and no walk to find none
			return withinConversations(expr, []int64{0}), nil
		case len(ids) <= maxNarrowed:
			return withinConversations(expr, ids), nil
		}
	}
	return expr, nil
}

// contactConversationsUpTo lists a contact's conversations, at most ?3.
const contactConversationsUpTo = contactConversations + ` LIMIT ?`

// checkSearchScope makes a conversation or contact of another account
// ErrNotFound, as everywhere else.
func checkSearchScope(ctx context.Context, tx *dbtx, accountID int64, f store.MessageSearch) error {
	var id int64
	if f.ConversationID != 0 {
		if err := tx.GetContext(ctx, &id, conversationExists, accountID, f.ConversationID); err != nil {
			return fmt.Errorf("conversation %d: %w", f.ConversationID, translate(err))
		}
	}
	if f.ContactID != 0 {
		if err := tx.GetContext(ctx, &id, contactExists, accountID, f.ContactID); err != nil {
			return fmt.Errorf("contact %d: %w", f.ContactID, translate(err))
		}
	}
	return nil
}

// messageSearchWhere is the WHERE of a message search, of fixed fragments.
func messageSearchWhere(accountID int64, expr string, f store.MessageSearch) where {
	var w where
	w.and("convo_messages_fts MATCH ?", expr)
	w.and("m.account_id = ?", accountID)
	if !f.IncludePrivate {
		w.and("m.private = 0")
	}
	if f.ConversationID != 0 {
		w.and("m.conversation_id = ?", f.ConversationID)
	}
	if f.ContactID != 0 {
		w.and("c.contact_id = ?", f.ContactID)
	}
	if f.Viewer != nil {
		andInViewerConversations(&w, "m.conversation_id", accountID, *f.Viewer)
	}
	if f.SenderType != "" {
		w.and("m.sender_type = ?", string(f.SenderType))
	}
	if f.AuthorID != uuid.Nil {
		w.and("m.author_id = ?", f.AuthorID.String())
	}
	if len(f.Types) > 0 {
		codes := make([]any, len(f.Types))
		for i, t := range f.Types {
			codes[i] = t.Code()
		}
		w.and("m.message_type IN ("+placeholders(len(codes))+")", codes...)
	}
	if !f.Since.IsZero() {
		w.and("m.created_at >= ?", timeValue(backend.StoredTime(f.Since)))
	}
	if !f.Until.IsZero() {
		w.and("m.created_at < ?", timeValue(backend.StoredTime(f.Until)))
	}
	return w
}
