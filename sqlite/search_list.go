package sqlite

import (
	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// The list's q: conversations with a matching message.
const (
	// conversationMatches keeps the conversations among the matches of ?1
	// in account ?2: one pass over the matches, joined by primary key.
	conversationMatches = `c.id IN (SELECT m.conversation_id FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid
	WHERE messages_fts MATCH ? AND m.account_id = ?)`
	conversationMatchesPublic = `c.id IN (SELECT m.conversation_id FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid
	WHERE messages_fts MATCH ? AND m.account_id = ? AND m.private = 0)`
	// matchesNothing stands for a query with nothing searchable in it.
	matchesNothing = `0`
)

// andSearch narrows w to the conversations with a message matching f.Query.
func andSearch(w *where, accountID int64, f store.ConversationFilter) {
	search, _ := convo.ParseSearch("q", f.Query) // validated
	expr, ok := matchExpr(search, false)
	switch {
	case !ok:
		w.and(matchesNothing)
	case f.IncludePrivate:
		w.and(conversationMatches, expr, accountID)
	default:
		w.and(conversationMatchesPublic, expr, accountID)
	}
}
