package sqlite

import (
	"context"
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

// indexNewMessages adds the messages from id ?1 on to the full-text index.
const indexNewMessages = `INSERT INTO messages_fts (rowid, content) SELECT id, content FROM messages WHERE id >= ?`

// indexMessages adds the messages the transaction added to the full-text
// index, in one statement just before it commits.
//
// A trigger per message would keep the index in step too, but FTS5 writes
// its pending terms out as a new segment at every statement savepoint, and
// every message append runs statements that take one (foreign keys,
// counter triggers): a segment per message, merged again and again. Added
// here, the whole call's messages make one segment. Ids only grow and the
// store has one writer, so the messages from the first one the
// transaction added on are exactly the ones it added. Edits and deletes
// keep their triggers (messages_fts_update, messages_fts_delete), so a call
// must not edit or delete a message it added itself.
func indexMessages(ctx context.Context, tx *dbtx) error {
	if tx.unindexed == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, indexNewMessages, tx.unindexed)
	tx.unindexed = 0
	return err
}
