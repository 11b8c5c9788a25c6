package sqlite

import (
	"context"
	"strconv"
	"strings"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// matchExpr turns a parsed search into an FTS5 MATCH expression in which
// every term is a double-quoted string (quotes doubled), so nothing the user
// typed is ever read as FTS5 syntax: `"t1" AND "t2"*`. FTS5 reads a quoted
// string of several tokens as a phrase and puts a trailing * on its last
// token, as the contract's terms want. A term without a word
// (store.Words) is left out, as the contract says; ok is false when no
// term is left, and such a search matches nothing. allPrefix makes every
// term a prefix (type-ahead search).
//
// The tokenizer, unicode61 with remove_diacritics 2, gives store.Words
// exactly for text of Unicode 6.1, its tables' version; fts_test.go holds
// it to that.
//
// The terms match only in columns. With an account (ftsAccount), the
// expression matches the account's rows only, so that FTS5 intersects the
// account's doclist with the terms' (migration 0007):
// `account_id : "7" AND {content} : ("t1" AND "t2"*)`.
func matchExpr(account int64, columns string, s convo.Search, allPrefix bool) (expr string, ok bool) {
	var b strings.Builder
	if account != 0 {
		b.WriteString(`account_id : "` + strconv.FormatInt(account, 10) + `" AND `)
	}
	b.WriteString(`{` + columns + `} : (`)
	terms := b.Len()
	for _, t := range s.Terms {
		if len(store.Words(t.Text)) == 0 {
			continue
		}
		if b.Len() > terms {
			b.WriteString(" AND ")
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(t.Text, `"`, `""`))
		b.WriteByte('"')
		if t.Prefix || allPrefix {
			b.WriteByte('*')
		}
	}
	ok = b.Len() > terms
	b.WriteByte(')')
	return b.String(), ok
}

// The text columns of each full-text index: a search's terms match in
// these, never in account_id.
const (
	messageColumnsFTS = "content"
	contactColumnsFTS = "sort_name nickname email phone identifier"
)

// maxNarrowed is the most conversations a message search names in its
// MATCH (a contact's): beyond it the search walks the account's matches
// and filters them.
const maxNarrowed = 64

// withinConversations narrows a message MATCH expression to rows of these
// conversations, intersecting their doclists too: a search within one
// conversation costs what its own matches cost.
func withinConversations(expr string, ids []int64) string {
	var b strings.Builder
	b.WriteString(`conversation_id : (`)
	for i, id := range ids {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString(`"` + strconv.FormatInt(id, 10) + `"`)
	}
	b.WriteString(") AND ")
	return b.String() + expr
}

// ftsAccount is the account a search names in its MATCH, or 0 for none.
// Naming it makes FTS5 seek the account's doclist at every match of the
// terms: a small account's search then costs its own matches, not
// everyone's, but an account that holds most rows pays those seeks for
// nothing: at half the rows its search took twice as long. Without the
// account a page reads about 1/share matches for each of its own, so the
// account is named when it holds less than an eighth of the store's
// conversations, by the maintained counts and the highest id (a plan, not
// a result: a stale estimate costs time only).
func ftsAccount(ctx context.Context, tx *dbtx, accountID int64) (int64, error) {
	var small bool
	if err := tx.GetContext(ctx, &small, selectSmallAccount, accountID); err != nil {
		return 0, err
	}
	if small {
		return accountID, nil
	}
	return 0, nil
}

const selectSmallAccount = `SELECT coalesce((SELECT sum(n) FROM convo_conversation_counts WHERE account_id = ?), 0) * 8
	< coalesce((SELECT max(id) FROM convo_conversations), 0)`
