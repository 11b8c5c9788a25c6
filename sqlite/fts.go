package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// The message index holds each word of a message behind its account's
// code (searchWords), and a message search asks for the words behind its
// account's code (messageMatch): each account has doclists of its own, so
// an account's search reads its own matches and nothing of the others',
// whatever their size and however their messages interleave with its own
// (a search through one shared doclist seeks past the other accounts'
// matches at each of its own). Relevance ranks by the account's own word
// counts too. The index holds no text (content=''): snippets are made in
// Go from the messages (backend.Snippet).
//
// An account's code is its number in convo_search_accounts, given when
// its first message is indexed, in base 36 and zero-padded to
// searchCodeLen characters: one length, so that the index's prefix lengths
// (migration 0012) count from a word's first letter, and short, since
// every word of the index carries it.

// searchCodeLen is the length of an account's code: 36^6, about two
// billion accounts in one store.
const searchCodeLen = 6

// searchCode is the code of the account numbered n in
// convo_search_accounts, "" past the last code of searchCodeLen.
func searchCode(n int64) string {
	code := strconv.FormatInt(n, 36)
	if n <= 0 || len(code) > searchCodeLen {
		return ""
	}
	return strings.Repeat("0", searchCodeLen-len(code)) + code
}

// searchWords is what the message index holds for a message of the
// account numbered n: its words (store.Words), each behind the account's
// code. The SQL function convo_search_words (search_words.go) calls it.
func searchWords(n int64, content string) (string, error) {
	code := searchCode(n)
	if code == "" {
		return "", fmt.Errorf("%w: account number %d has no search code of %d characters", convo.ErrStorageFull, n, searchCodeLen)
	}
	return string(store.AppendWords(make([]byte, 0, 2*len(content)), content, code)), nil
}

const (
	// numberSearchAccounts gives a number to the accounts of the messages
	// ?1 < id <= ?2 that have none; numberSearchAccountsOf those of the
	// messages of a JSON array of ids.
	numberSearchAccountsWhere = `INSERT OR IGNORE INTO convo_search_accounts (account_id)
SELECT DISTINCT account_id FROM convo_messages m WHERE `
	numberSearchAccounts   = numberSearchAccountsWhere + messagesInRange
	numberSearchAccountsOf = numberSearchAccountsWhere + messagesOf
	// The messages a round of indexing takes: ?1 < id <= ?2, or those of
	// a JSON array of ids.
	messagesInRange = `m.id > ? AND m.id <= ?`
	messagesOf      = `m.id IN (SELECT value FROM json_each(?))`
	// selectSearchAccount is the number of an account, if it has one.
	selectSearchAccount     = `SELECT n FROM convo_search_accounts WHERE account_id = ?`
	selectLastSearchAccount = `SELECT max(n) FROM convo_search_accounts`
)

// numberAccounts runs one of the statements that number accounts
// (numberSearchAccounts, numberSearchAccountsOf), and fails with
// ErrStorageFull, before any of their messages is indexed, when a number
// has no code.
func numberAccounts(ctx context.Context, tx *dbtx, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if added, err := res.RowsAffected(); err != nil || added == 0 {
		return err
	}
	var last int64
	if err := tx.GetContext(ctx, &last, selectLastSearchAccount); err != nil {
		return err
	}
	if searchCode(last) == "" {
		return fmt.Errorf("%w: more accounts than the search index has codes for (%d characters)", convo.ErrStorageFull, searchCodeLen)
	}
	return nil
}

// searchAccount is the number of an account in the message index, 0 if
// none of its messages was ever indexed.
func searchAccount(ctx context.Context, tx *dbtx, accountID int64) (int64, error) {
	var n int64
	err := tx.GetContext(ctx, &n, selectSearchAccount, accountID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

// messageMatch turns a parsed search of the messages of the account
// numbered n (searchAccount) into an FTS5 MATCH expression on the index's
// words: each term is a quoted phrase of its words behind the account's
// code, the last one a prefix when the term is, `{words} : ("c1w1 c1w2"
// AND "c1w3"*)`. A term without a word is left out; ok is false when none
// is left, or the account has no number (none of its messages was
// indexed).
func messageMatch(n int64, s convo.Search) (expr string, ok bool) {
	code := searchCode(n)
	if code == "" {
		return "", false
	}
	b := []byte(`{` + messageColumnsFTS + `} : (`)
	terms := len(b)
	for _, t := range s.Terms {
		at := len(b)
		if at > terms {
			b = append(b, " AND "...)
		}
		b = append(b, '"')
		phrase := len(b)
		if b = store.AppendWords(b, t.Text, code); len(b) == phrase {
			b = b[:at] // no word: left out
			continue
		}
		b = append(b, '"')
		if t.Prefix {
			b = append(b, '*')
		}
	}
	ok = len(b) > terms
	return string(append(b, ')')), ok
}

// contactMatch turns a parsed search of contacts into an FTS5 MATCH
// expression in which every term is a double-quoted string (quotes
// doubled), so nothing the user typed is ever read as FTS5 syntax, and a
// prefix (type-ahead search): `"t1"* AND "t2"*`. FTS5 reads a quoted
// string of several tokens as a phrase and puts the * on its last token.
// A term without a word (store.Words) is left out, as the contract says;
// ok is false when no term is left, and such a search matches nothing.
//
// The tokenizer, unicode61 with remove_diacritics 2, gives store.Words
// exactly for text of Unicode 6.1, its tables' version; fts_test.go holds
// it to that.
//
// The terms match only in the text columns. With an account
// (ftsAccount), the expression matches the account's rows only, so that
// FTS5 intersects the account's doclist with the terms' (migration 0007):
// `account_id : "7" AND {sort_name ...} : ("t1"* AND "t2"*)`.
func contactMatch(account int64, s convo.Search) (expr string, ok bool) {
	var b strings.Builder
	if account != 0 {
		b.WriteString(`account_id : "` + strconv.FormatInt(account, 10) + `" AND `)
	}
	b.WriteString(`{` + contactColumnsFTS + `} : (`)
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
		b.WriteString(`"*`)
	}
	ok = b.Len() > terms
	b.WriteByte(')')
	return b.String(), ok
}

// The text columns of each full-text index: a search's terms match in
// these, never in the id columns.
const (
	messageColumnsFTS = "words"
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

// ftsAccount is the account a contact search names in its MATCH, or 0
// for none.
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
