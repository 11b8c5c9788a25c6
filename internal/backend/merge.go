package backend

import (
	"slices"
	"time"

	"github.com/convokit/convo"
)

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
