package postgres

import (
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// Text search keeps the words of the contract (store.Words), made in Go so
// that both engines split and fold text alike, as a tsvector written as a
// literal: PostgreSQL's own parser never reads the text. Each word stands
// behind its account's mark (accountMark), in a message's or contact's
// words and in every query, so that the words index keeps each account's
// lexemes, and their lists of rows, apart: a search reads its own
// account's matches of a word, never another account's.

// Limits of a tsvector: a lexeme is shorter than 2 KiB, and a position is
// at most 16383 (PostgreSQL keeps later words at that position).
const (
	maxLexemeBytes = 2046
	maxPosition    = 16383
)

// accountMark is what every lexeme of an account starts with: its id in
// base 36 and a dot, which no word holds, so that no account's lexeme is
// another's.
func accountMark(accountID int64) string {
	return strconv.FormatInt(accountID, 36) + "."
}

// lexemes are the words of text (store.Words), each behind mark and cut to
// the longest lexeme PostgreSQL keeps: a word of more than 2,046 bytes less
// the mark's (2 to 14) keeps only its head, so two such words that differ
// only further on are one lexeme, in a text and in a query alike.
func lexemes(mark, text string) []string {
	list := strings.Fields(string(store.AppendWords(nil, text, mark)))
	for i, l := range list {
		list[i] = cutLexeme(l)
	}
	return list
}

// tsvector returns the literal of the words of an account's texts, each
// with its position; the texts are apart (one position between them), so
// that a phrase does not run from one into the next.
func tsvector(accountID int64, texts ...string) string {
	var b strings.Builder
	for l, pos := range positioned(accountID, texts) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		writeLexeme(&b, l)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(pos))
	}
	return b.String()
}

// positioned yields the lexemes of an account's texts with their
// positions, from 1 and at most maxPosition; the texts are apart (one
// position between them).
func positioned(accountID int64, texts []string) iter.Seq2[string, int] {
	return func(yield func(string, int) bool) {
		mark := accountMark(accountID)
		pos := 0
		for _, text := range texts {
			for _, l := range lexemes(mark, text) {
				pos++
				if !yield(l, min(pos, maxPosition)) {
					return
				}
			}
			pos++
		}
	}
}

// maxPositions is the most positions PostgreSQL keeps of one lexeme.
const maxPositions = 256

// wordsVector is tsvector(accountID, texts...) as PostgreSQL stores that
// literal, to be sent in binary (COPY sends nothing else), which spares
// the server parsing the literal: each word once, in byte order, with its
// distinct positions in order, at most maxPositions of them (uniquePos in
// PostgreSQL's tsvector.c).
func wordsVector(accountID int64, texts ...string) pgtype.TSVector {
	type wordAt struct {
		word string
		pos  uint16
	}
	var all []wordAt
	for l, pos := range positioned(accountID, texts) {
		all = append(all, wordAt{l, uint16(pos)})
	}
	slices.SortStableFunc(all, func(a, b wordAt) int { return strings.Compare(a.word, b.word) })
	v := pgtype.TSVector{Valid: true}
	positions := make([]pgtype.TSVectorPosition, 0, len(all)) // one array, sliced per word
	for i := 0; i < len(all); {
		first := len(positions)
		j := i
		for ; j < len(all) && all[j].word == all[i].word; j++ {
			n := len(positions) - first
			if n < maxPositions && (n == 0 || positions[len(positions)-1].Position != all[j].pos) {
				positions = append(positions, pgtype.TSVectorPosition{Position: all[j].pos})
			}
		}
		v.Lexemes = append(v.Lexemes, pgtype.TSVectorLexeme{Word: all[i].word, Positions: positions[first:len(positions):len(positions)]})
		i = j
	}
	return v
}

// tsquery returns the query of a parsed search in an account's words: its
// terms, each a word or a phrase (words one after another, <->), all of
// them (&); a prefix term (or every term, with allPrefix) matches words
// starting with its last word (:*). A term without a word is left out, as
// the contract says: ok is false when none is left, and such a search
// matches nothing.
func tsquery(accountID int64, s convo.Search, allPrefix bool) (query string, ok bool) {
	var b strings.Builder
	mark := accountMark(accountID)
	for _, t := range s.Terms {
		words := lexemes(mark, t.Text)
		if len(words) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" & ")
		}
		if len(words) > 1 {
			b.WriteByte('(')
		}
		for i, w := range words {
			if i > 0 {
				b.WriteString(" <-> ")
			}
			writeLexeme(&b, w)
		}
		if t.Prefix || allPrefix {
			b.WriteString(":*") // on the last word
		}
		if len(words) > 1 {
			b.WriteByte(')')
		}
	}
	return b.String(), b.Len() > 0
}

// lexemeQuoting doubles what a quoted lexeme must escape. It is made once:
// a Replacer builds its tables on first use, which made a new one per word
// the largest cost of writing a message's words.
var lexemeQuoting = strings.NewReplacer(`'`, `''`, `\`, `\\`)

// writeLexeme writes the lexeme l quoted.
func writeLexeme(b *strings.Builder, l string) {
	b.WriteByte('\'')
	b.WriteString(lexemeQuoting.Replace(l))
	b.WriteByte('\'')
}

// cutLexeme cuts w to the longest lexeme PostgreSQL keeps, at a character.
func cutLexeme(w string) string {
	if len(w) > maxLexemeBytes {
		cut := maxLexemeBytes
		for cut > 0 && !utf8.RuneStart(w[cut]) {
			cut--
		}
		w = w[:cut]
	}
	return w
}

// planWithWords makes a search's arguments ask PostgreSQL for a plan made
// with its words at each call. The best plan of a search depends on its
// words: a rare word is read from the words index, a common one by walking
// the account's rows in the page's order. A prepared statement (pgx's
// default mode) settles on a generic plan after five calls when that
// looks no dearer, and a generic plan cannot tell the two apart: walking
// 200,000 messages for a word in 98 of them took 65 ms, against 0.6 ms
// from the index. So a search on such a connection runs as an unnamed
// statement, which is planned with its arguments: in one round trip once
// pgx has its description cached, in two where the connection keeps no
// descriptions (description_cache_capacity=0). The other modes plan with
// the arguments already. The count of a search's matches (page-number
// paging) stays prepared: it reads every match, whatever the words.
func planWithWords(tx pgx.Tx, args []any) []any {
	config := tx.Conn().Config()
	if config.DefaultQueryExecMode != pgx.QueryExecModeCacheStatement {
		return args
	}
	mode := pgx.QueryExecModeCacheDescribe
	if config.DescriptionCacheCapacity == 0 {
		mode = pgx.QueryExecModeDescribeExec
	}
	return append([]any{mode}, args...)
}
