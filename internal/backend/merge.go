package backend

import (
	"bytes"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// CheckMergeContacts checks the arguments of MergeContacts.
func CheckMergeContacts(accountID, keepID, mergeID int64) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	if keepID == mergeID {
		return convo.Invalid("merge_id", convo.CodeMismatch, "must be another contact than keep_id")
	}
	return nil
}

// MergedContact is contact keep once it has taken in contact gone at now,
// checked as a whole but its phone, which one of the two stored already.
func MergedContact(keep, gone convo.Contact, now time.Time) (convo.Contact, error) {
	c := keep.Merge(gone)
	c.UpdatedAt = now
	if err := (convo.ContactUpdate{}).Validate(c); err != nil {
		return convo.Contact{}, err
	}
	return c, nil
}

// CheckMergeConversations checks the arguments of MergeConversations.
func CheckMergeConversations(accountID, keepID, mergeID int64) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	if keepID == mergeID {
		return convo.Invalid("merge_id", convo.CodeInvalid, "must differ from keep_id")
	}
	return nil
}

// CheckMergedContacts reports two conversations of different contacts.
func CheckMergedContacts(keep, merge convo.Conversation) error {
	if keep.ContactID != merge.ContactID {
		return convo.Invalid("merge_id", convo.CodeMismatch, "is another contact's conversation: merge the contacts first")
	}
	return nil
}

// MergedLabels are the labels a merge adds to the kept conversation: the
// merged one's it lacks, or ErrInvalid when both have more than a
// conversation takes.
func MergedLabels(keep, merge convo.Conversation) ([]string, error) {
	labels, err := convo.NormalizeLabels("labels", append(slices.Clone(keep.Labels), merge.Labels...))
	return Missing(keep.Labels, labels), err
}

// MergedHorizons lists the read horizons of the kept conversation after a
// merge (MergedHorizon), of every user who had one in either, by user id;
// keepLast is its last sequence number before the merge.
func MergedHorizons(keepSeen, mergeSeen map[uuid.UUID]int64, keepLast int64) ([]uuid.UUID, []int64) {
	users := make([]uuid.UUID, 0, len(keepSeen)+len(mergeSeen))
	for u := range keepSeen {
		users = append(users, u)
	}
	for u := range mergeSeen {
		if _, ok := keepSeen[u]; !ok {
			users = append(users, u)
		}
	}
	slices.SortFunc(users, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	seqs := make([]int64, len(users))
	for i, u := range users {
		seqs[i] = MergedHorizon(keepSeen[u], keepLast, mergeSeen[u])
	}
	return users, seqs
}

// MergedHorizon is a user's read horizon in the kept conversation after a
// merge: keepSeen, their horizon there (0 when none), unless they had
// read all of it (keepLast, its last sequence number before the merge);
// then as far into the moved messages as they had read in the merged
// one (mergeSeen), whose messages are numbered on from keepLast.
func MergedHorizon(keepSeen, keepLast, mergeSeen int64) int64 {
	if keepSeen < keepLast || mergeSeen == 0 {
		return keepSeen
	}
	return keepLast + mergeSeen
}

// EarlierTime is the earlier of two times, a zero one standing for none.
func EarlierTime(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}

// Missing lists the items of more that have does not, in more's order:
// what a merge adds to the kept conversation's members.
func Missing[T comparable](have, more []T) []T {
	var out []T
	for _, x := range more {
		if !slices.Contains(have, x) {
			out = append(out, x)
		}
	}
	return out
}
