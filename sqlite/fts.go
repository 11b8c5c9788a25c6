package sqlite

import (
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
func matchExpr(s convo.Search, allPrefix bool) (expr string, ok bool) {
	var b strings.Builder
	for _, t := range s.Terms {
		if len(store.Words(t.Text)) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" AND ")
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(t.Text, `"`, `""`))
		b.WriteByte('"')
		if t.Prefix || allPrefix {
			b.WriteByte('*')
		}
	}
	return b.String(), b.Len() > 0
}
