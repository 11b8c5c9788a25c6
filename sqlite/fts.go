package sqlite

import (
	"strings"
	"unicode"

	"github.com/convokit/convo"
)

// matchExpr turns a parsed search into an FTS5 MATCH expression in which
// every term is a double-quoted string (quotes doubled), so nothing the user
// typed is ever read as FTS5 syntax: `"t1" AND "t2"*`. A term with no
// character the tokenizer indexes (letters, digits, private use, as
// unicode61's default categories "L* N* Co") is left out, since FTS5 would
// treat it unevenly; ok is false when no term is left, and such a search
// matches nothing. allPrefix makes every term a prefix (type-ahead search).
func matchExpr(s convo.Search, allPrefix bool) (expr string, ok bool) {
	var b strings.Builder
	for _, t := range s.Terms {
		if !strings.ContainsFunc(t.Text, indexed) {
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

// indexed reports whether unicode61 (categories "L* N* Co") keeps r in a token.
func indexed(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}
