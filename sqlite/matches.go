package sqlite

import (
	"context"
	"fmt"
	"math"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// A filter by labels or by update time can find its conversations through
// an index of its own (matchingIDs): the labels' index, or the ranges of
// the conversations active or changed since the time. The counts always
// take that way. A list takes it when few conversations match: it then
// sorts them, rather than walk the sort's index, where rare matches lie far
// apart (a page of a label on one conversation in a thousand walked 25,000
// rows to fill). When many match, the walk fills a page quickly and sorts
// nothing, so a list walks (sortsMatches decides).

const (
	// labelledIDs are the ids of the account's conversations carrying one
	// of the labels (%s: their placeholders), each once, from the labels'
	// index (migration 10).
	labelledIDs = `SELECT DISTINCT conversation_id AS id FROM conversation_labels WHERE account_id = ? AND label IN (%s)`
	// updatedIDs are the ids of the account's conversations updated since a
	// time: active since then (in the statuses, %s) or changed otherwise
	// since then (migration 9), each once. Without INDEXED BY, SQLite would
	// walk the account in id order to merge the two without sorting.
	updatedIDs = `SELECT x.id FROM conversations x INDEXED BY conversations_status_activity
		WHERE x.account_id = ? AND x.status IN (%s) AND x.last_activity_at >= ?
	UNION SELECT x.id FROM conversations x INDEXED BY conversations_changed WHERE x.account_id = ? AND x.changed_at >= ?`

	// labelledBound is at least the number of conversations of the
	// statuses (%s) that carry one of the labels (%s), from the maintained
	// label counts (migration 7): exact for one label.
	labelledBound = `SELECT coalesce(sum(n), 0) FROM conversation_label_counts
	WHERE account_id = ? AND status IN (%s) AND label IN (%s)`
	// statusTotal is the number of conversations of the statuses (%s).
	statusTotal = `SELECT coalesce(sum(n), 0) FROM conversation_counts WHERE account_id = ? AND status IN (%s)`
	// cappedMatches counts the rows of updatedIDs that pass the filter
	// (%s: updatedIDs, then the WHERE), stopping at the cap.
	cappedMatches = `SELECT count(*) FROM (SELECT 1 FROM (%s) ids CROSS JOIN conversations c ON c.id = ids.id%s LIMIT ?)`
)

// matchingIDs is the query of the ids a filter by labels or update time
// finds through its own index, with its arguments; "" for another filter.
// With both, the labels find them.
func matchingIDs(accountID int64, f store.ConversationFilter) (string, []any) {
	if labels, _ := convo.NormalizeLabels("labels", f.Labels); len(labels) > 0 {
		args := []any{accountID}
		for _, l := range labels {
			args = append(args, l)
		}
		return fmt.Sprintf(labelledIDs, placeholders(len(labels))), args
	}
	if !f.UpdatedSince.IsZero() {
		since := timeValue(storedTime(f.UpdatedSince))
		statuses := statusArgs(f.StatusSet())
		args := append(append([]any{accountID}, statuses...), since, accountID, since)
		return fmt.Sprintf(updatedIDs, placeholders(len(statuses))), args
	}
	return "", nil
}

// sortsMatches reports whether a list should sort the conversations its
// filter finds through matchingIDs rather than walk the sort's index, for
// a page whose last row is the rows-th of the list. A walk reads about
// rows×N/M conversations to find rows of the M that match among the N of
// its statuses; sorting reads the M (each one a lookup and a place in the
// sort, counted as sortCost rows of a walk). w is the filter's WHERE
// without the assignee type.
func sortsMatches(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter, w where, rows int) (bool, error) {
	ids, idArgs := matchingIDs(accountID, f)
	if ids == "" || f.ContactID != 0 || f.Viewer != nil || f.Searching() {
		return false, nil // no index of its own, or one that finds fewer rows
	}
	statuses := statusArgs(f.StatusSet())
	var total int
	if err := tx.GetContext(ctx, &total, fmt.Sprintf(statusTotal, placeholders(len(statuses))),
		append([]any{accountID}, statuses...)...); err != nil {
		return false, err
	}
	// At most this many matches are worth sorting: sortCost×M² ≤ rows×N.
	most := int(math.Sqrt(float64(rows) * float64(total) / sortCost))
	var matches int
	if labels, _ := convo.NormalizeLabels("labels", f.Labels); len(labels) > 0 {
		args := append([]any{accountID}, statuses...)
		for _, l := range labels {
			args = append(args, l)
		}
		query := fmt.Sprintf(labelledBound, placeholders(len(statuses)), placeholders(len(labels)))
		if err := tx.GetContext(ctx, &matches, query, args...); err != nil {
			return false, err
		}
	} else {
		query := fmt.Sprintf(cappedMatches, ids, w.sql())
		if err := tx.GetContext(ctx, &matches, query, append(append(idArgs, w.args...), most+1)...); err != nil {
			return false, err
		}
	}
	return matches <= most, nil
}

// sortCost is what reading and sorting one matching conversation costs, in
// rows of a walk of the sort's index (a rough measure: a walk step reads
// one index entry and probes the filter; a sorted match is a lookup by id,
// its filter and its place in the sort).
const sortCost = 4
