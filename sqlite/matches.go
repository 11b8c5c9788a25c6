package sqlite

import (
	"context"
	"fmt"
	"math"

	"github.com/convokit/convo/internal/backend"
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
	// index.
	labelledIDs = `SELECT DISTINCT conversation_id AS id FROM convo_conversation_labels WHERE account_id = ? AND label IN (%s)`
	// updatedIDs are the ids of the account's conversations updated since a
	// time: active since then (in the statuses, %s) or changed otherwise
	// since then, each once. Without INDEXED BY, SQLite would
	// walk the account in id order to merge the two without sorting.
	updatedIDs = activeSince + ` UNION ` + changedSince
	// updatedIDsOnceOrTwice is updatedIDs keeping repeats (removing them
	// makes UNION sort both ranges whole), so it streams; a conversation
	// both active and changed since then comes twice.
	updatedIDsOnceOrTwice = activeSince + ` UNION ALL ` + changedSince
	activeSince           = `SELECT x.id FROM convo_conversations x INDEXED BY convo_conversations_status_activity
		WHERE x.account_id = ? AND x.status IN (%s) AND x.last_activity_at >= ?`
	changedSince = `SELECT x.id FROM convo_conversations x INDEXED BY convo_conversations_changed WHERE x.account_id = ? AND x.changed_at >= ?`

	// labelledBound is at least the number of conversations of the
	// statuses (%s) that carry one of the labels (%s), from the maintained
	// label counts: exact for one label.
	labelledBound = `SELECT coalesce(sum(n), 0) FROM convo_conversation_label_counts
	WHERE account_id = ? AND status IN (%s) AND label IN (%s)`
	// statusTotal is the number of conversations of the statuses (%s).
	statusTotal = `SELECT coalesce(sum(n), 0) FROM convo_conversation_counts WHERE account_id = ? AND status IN (%s)`
	// cappedUpdated counts the rows of updatedIDsOnceOrTwice (the statuses
	// are %s), from the indexes alone, stopping at the cap: at least the
	// matches of any filter by that time.
	cappedUpdated = `SELECT count(*) FROM (` + updatedIDsOnceOrTwice + ` LIMIT ?)`
	// cappedActive counts the conversations active since a time in the
	// statuses (%s), stopping at the cap.
	cappedActive = `SELECT count(*) FROM (` + activeSince + ` LIMIT ?)`
)

// matchingIDs is the query of the ids a filter by labels or update time
// finds through its own index, with its arguments; "" for another filter.
// With both, the labels find them.
func matchingIDs(accountID int64, f store.ConversationFilter) (string, []any) {
	if labels := f.LabelSet(); len(labels) > 0 {
		args := []any{accountID}
		for _, l := range labels {
			args = append(args, l)
		}
		return fmt.Sprintf(labelledIDs, placeholders(len(labels))), args
	}
	if !f.UpdatedSince.IsZero() {
		since := timeValue(backend.StoredTime(f.UpdatedSince))
		statuses := statusArgs(f.StatusSet())
		args := append(append([]any{accountID}, statuses...), since, accountID, since)
		return fmt.Sprintf(updatedIDs, placeholders(len(statuses))), args
	}
	return "", nil
}

// sortsMatches reports whether a list should sort the conversations its
// filter finds through matchingIDs rather than walk the sort's index, for
// a page whose last row is the rows-th of the list (from the top, or from
// a keyset cursor unless fromTop). A walk reads about
// rows×N/M conversations to find rows of the M that match among the N of
// its statuses; sorting reads the M (each one a lookup and a place in the
// sort, counted as sortCost rows of a walk). M is known from above: the
// labels' maintained counts, or the conversations active or changed since
// the time, which the other filters can only narrow; so a list with other
// filters may walk where sorting would have been cheaper, never the
// reverse.
func sortsMatches(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter, rows int, fromTop bool) (bool, error) {
	ids, idArgs := matchingIDs(accountID, f)
	if ids == "" || f.ContactID != 0 || f.Viewer != nil || f.Searching() {
		return false, nil // no index of its own, or one that finds fewer rows
	}
	statuses := statusArgs(f.StatusSet())
	inStatuses := placeholders(len(statuses))
	// One query reads N and what is known of M at once: for labels, their
	// counts; for update time from the top of the default sort, whether the
	// walk's first rows, those active since then, fill the page (they all
	// match). Each query is a round of the driver.
	first, args := fmt.Sprintf(statusTotal, inStatuses), append([]any{accountID}, statuses...)
	var second string
	labels := f.LabelSet()
	since := timeValue(backend.StoredTime(f.UpdatedSince))
	switch {
	case len(labels) > 0:
		second = fmt.Sprintf(labelledBound, inStatuses, placeholders(len(labels)))
		args = append(append(args, accountID), statuses...)
		for _, l := range labels {
			args = append(args, l)
		}
	case f.Sort == store.SortLastActivityDesc && fromTop:
		second = fmt.Sprintf(cappedActive, inStatuses)
		args = append(append(append(args, accountID), statuses...), since, rows)
	default:
		second = `SELECT 0`
	}
	var known struct {
		Total int `db:"total"`
		Known int `db:"known"`
	}
	if err := tx.GetContext(ctx, &known, `SELECT (`+first+`) AS total, (`+second+`) AS known`, args...); err != nil {
		return false, err
	}
	// At most this many matches are worth sorting: sortCost×M² ≤ rows×N.
	most := int(math.Sqrt(float64(rows) * float64(known.Total) / sortCost))
	switch {
	case len(labels) > 0:
		return known.Known <= most, nil
	case f.Sort == store.SortLastActivityDesc && fromTop && known.Known >= rows:
		return false, nil
	}
	var bound int
	if err := tx.GetContext(ctx, &bound, fmt.Sprintf(cappedUpdated, inStatuses), append(idArgs, most+1)...); err != nil {
		return false, err
	}
	return bound <= most, nil
}

// sortCost is what reading and sorting one matching conversation costs, in
// rows of a walk of the sort's index (a rough measure: a walk step reads
// one index entry and probes the filter; a sorted match is a lookup by id,
// its filter and its place in the sort).
const sortCost = 4
