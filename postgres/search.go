package postgres

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Message search matches the words each message keeps (a tsvector of
// store.Words, written by Go) against a tsquery of the search's terms,
// through the GIN index on convo_messages.words. Snippets are made in Go
// from the content (snippet.go).
const (
	// searchHits are the columns of a hit (a message and its rank), %s the
	// rank expression; messageFrom joins each message's conversation.
	searchHits = `SELECT ` + messageColumns + `, %s` + messageFrom
	countHits  = `SELECT count(*)` + messageFrom
	// hitRank is a message's relevance: the sum of each term's rank
	// (argument: the terms' tsqueries). ts_rank of one word counts its
	// occurrences whatever their places, so a message that holds every
	// term at least as often as another, and one more often, ranks above
	// it, as the contract says; ts_rank of the whole query would weigh how
	// near the terms stand instead.
	hitRank     = `(SELECT sum(ts_rank(m.words, t::tsquery)) FROM unnest(?::text[]) t)`
	hitsMatch   = `m.words @@ ?::tsquery`
	hitsAccount = `m.account_id = ?`
	hitsPublic  = `NOT m.private`

	hitsOfConversation = `m.conversation_id = ?::bigint`
	hitsOfContact      = `c.contact_id = ?::bigint`
	hitsOfSender       = `m.sender_type = ?::text`
	hitsOfAuthor       = `m.author_id = ?::uuid`
	hitsOfTypes        = `m.message_type = ANY(?::smallint[])`
	hitsSince          = `m.created_at >= ?`
	hitsUntil          = `m.created_at < ?`

	conversationExists = `SELECT id FROM convo_conversations WHERE account_id = $1 AND id = $2`
)

// rankHere marks where an order's keyset predicate reads the rank.
const rankHere = `{rank}`

// messageSearchOrder is the SQL of one store.SearchOrder: its ORDER BY,
// the keyset predicate of the rows after a cursor (rankHere stands for
// the page's bound rank expression) with its arguments from the cursor's
// keys, and the keys of a row.
type messageSearchOrder struct {
	name    string
	orderBy string
	after   string
	args    func(keys []int64) []any
	keys    func(r *hitRow) []int64
}

var messageSearchOrders = map[store.SearchOrder]messageSearchOrder{
	store.SearchNewestFirst: {"newest", "m.id DESC", `m.id < ?::bigint`,
		func(k []int64) []any { return []any{k[0]} },
		func(r *hitRow) []int64 { return []int64{r.ID} }},
	// A rank is a real: its bits travel in the cursor, and come back as
	// the same real.
	store.SearchRelevance: {"relevance", "hit_rank DESC, m.id DESC",
		`(` + rankHere + ` < ?::real OR (` + rankHere + ` = ?::real AND m.id < ?::bigint))`,
		func(k []int64) []any {
			r := math.Float32frombits(uint32(k[0]))
			return []any{r, r, k[1]}
		},
		func(r *hitRow) []int64 { return []int64{int64(math.Float32bits(r.Rank)), r.ID} }},
}

// hitRow is a message found by a search, with its rank.
type hitRow struct {
	messageRow
	Rank float32
}

func (r *hitRow) dest() []any { return append(r.messageRow.dest(), &r.Rank) }

// SearchMessages implements store.Store.
func (s *Store) SearchMessages(ctx context.Context, accountID int64, f store.MessageSearch) (store.Page[store.MessageHit], error) {
	var page store.Page[store.MessageHit]
	if err := convo.ValidateAccountID(accountID); err != nil {
		return page, err
	}
	if err := f.Validate(); err != nil {
		return page, err
	}
	order := messageSearchOrders[f.Order]
	list := "search:" + order.name
	keys := 0 // counted from a row, which costs an allocation: only for a cursor
	if f.Page.Cursor() != "" {
		keys = len(order.keys(&hitRow{}))
	}
	cursor, err := backend.PageCursor(f.Page, list, keys)
	if err != nil {
		return page, err
	}
	search, _ := convo.ParseSearch("q", f.Query) // validated
	expr, searchable := tsquery(accountID, search, false)
	start, end, words := f.Markers()
	err = s.read(ctx, func(tx pgx.Tx) error {
		if err := checkSearchScope(ctx, tx, accountID, f); err != nil {
			return err
		}
		if !searchable {
			page.Items, page.Meta = []store.MessageHit{}, backend.EmptyMeta(f.Page)
			return nil
		}
		var q where
		rank := q.bind(hitRank, termQueries(accountID, search))
		head := fmt.Sprintf(searchHits, rank+` AS hit_rank`)
		messageSearchWhere(&q, accountID, expr, f)
		offset := 0
		switch {
		case cursor.Keys != nil:
			q.and(strings.ReplaceAll(order.after, rankHere, rank), order.args(cursor.Keys)...)
		case !f.Page.Keyset():
			offset = f.Page.Offset()
		}
		query := head + q.sql() + ` ORDER BY ` + order.orderBy + q.bind(` LIMIT ? OFFSET ?`, f.Page.PerPage()+1, offset)
		rows, err := queryRows[hitRow](ctx, tx, f.Page.PerPage()+1, query, planWithWords(tx, q.args)...)
		if err != nil {
			return err
		}
		rows, more := backend.TrimPage(rows, f.Page.PerPage())
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
			page.Next = store.Cursor{List: list, Keys: order.keys(&rows[len(rows)-1])}.Encode()
		}
		var counted where
		messageSearchWhere(&counted, accountID, expr, f)
		return pageMeta(ctx, tx, &page.Meta, f.Page, len(rows), countHits+counted.sql(), counted.args...)
	})
	return page, err
}

// checkSearchScope makes a conversation or contact of another account
// ErrNotFound, as everywhere else.
func checkSearchScope(ctx context.Context, tx pgx.Tx, accountID int64, f store.MessageSearch) error {
	var id int64
	if f.ConversationID != 0 {
		if err := queryOne(ctx, tx, conversationExists, []any{accountID, f.ConversationID}, &id); err != nil {
			return fmt.Errorf("conversation %d: %w", f.ConversationID, err)
		}
	}
	if f.ContactID != 0 {
		if err := queryOne(ctx, tx, contactExists, []any{accountID, f.ContactID}, &id); err != nil {
			return fmt.Errorf("contact %d: %w", f.ContactID, err)
		}
	}
	return nil
}

// messageSearchWhere adds the WHERE of a message search to w, of fixed
// fragments.
func messageSearchWhere(w *where, accountID int64, expr string, f store.MessageSearch) {
	w.and(hitsAccount, accountID)
	w.and(hitsMatch, expr)
	if !f.IncludePrivate {
		w.and(hitsPublic)
	}
	if f.ConversationID != 0 {
		w.and(hitsOfConversation, f.ConversationID)
	}
	if f.ContactID != 0 {
		w.and(hitsOfContact, f.ContactID)
	}
	if v := f.Viewer; v != nil {
		andInViewerConversations(w, "m.conversation_id", accountID, *v)
	}
	if f.SenderType != "" {
		w.and(hitsOfSender, string(f.SenderType))
	}
	if f.AuthorID != uuid.Nil {
		w.and(hitsOfAuthor, f.AuthorID)
	}
	if len(f.Types) > 0 {
		codes := make([]int16, len(f.Types))
		for i, t := range f.Types {
			codes[i] = int16(t.Code())
		}
		w.and(hitsOfTypes, codes)
	}
	if !f.Since.IsZero() {
		w.and(hitsSince, backend.StoredTime(f.Since))
	}
	if !f.Until.IsZero() {
		w.and(hitsUntil, backend.StoredTime(f.Until))
	}
}

// termQueries are the tsqueries of each term of a search that has words.
func termQueries(accountID int64, s convo.Search) []string {
	var list []string
	for _, t := range s.Terms {
		if q, ok := tsquery(accountID, convo.Search{Terms: []convo.SearchTerm{t}}, false); ok {
			list = append(list, q)
		}
	}
	return list
}
