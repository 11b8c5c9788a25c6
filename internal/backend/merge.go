package backend

import (
	"bytes"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
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

// A Merge is the write transaction of MergeConversations, in which a
// backend has the two conversations locked as its engine needs: what
// MergeConversations asks of it, in the order it asks.
type Merge interface {
	// Get reads a conversation of the account: ErrNotFound when none.
	Get(id int64) (convo.Conversation, error)
	// Horizons reads the read horizons of the two conversations, by user.
	Horizons(keepID, mergeID int64) (keep, merge map[uuid.UUID]int64, err error)
	// MoveMessages moves the messages of mergeID into keepID, numbered on
	// from offset, and returns their ids in their order.
	MoveMessages(keepID, mergeID, offset int64) ([]int64, error)
	// Combine writes what the merge changes of the kept conversation:
	// its columns, labels, members and horizons, then its counts.
	Combine(m Merged) error
	// Retire points the redirects to mergeID at keepID, records the
	// redirect of mergeID and deletes it.
	Retire(keepID, mergeID int64) error
	// AddActivity writes an activity message into a conversation.
	AddActivity(conversationID int64, content string) error
	// Log records a change; Changed records a conversation's update.
	Log(store.Change)
	Changed(old, next convo.Conversation)
}

// Merged is what a merge changes of the kept conversation, Keep.
type Merged struct {
	Keep, Merge                convo.Conversation
	LastSeq                    int64     // the messages of Merge are numbered on from Keep's
	WaitingSince, FirstReplyAt time.Time // the earlier of the two
	Labels                     []string  // the labels Keep lacks
	UserIDs                    []uuid.UUID
	AudienceIDs                []int64
	HorizonUsers               []uuid.UUID // MergedHorizons
	HorizonSeqs                []int64
}

// MergeConversations moves the messages of conversation mergeID into
// keepID, which takes its labels, members and read horizons and the
// earlier of its reply times; a redirect then sends mergeID's readers to
// keepID. It returns keepID as stored after.
func MergeConversations(m Merge, keepID, mergeID int64) (convo.Conversation, error) {
	keep, err := m.Get(keepID)
	if err != nil {
		return keep, err
	}
	merge, err := m.Get(mergeID)
	if err != nil {
		return merge, err
	}
	if err := CheckMergedContacts(keep, merge); err != nil {
		return convo.Conversation{}, err
	}
	labels, err := MergedLabels(keep, merge)
	if err != nil {
		return convo.Conversation{}, err
	}
	keepSeen, mergeSeen, err := m.Horizons(keepID, mergeID)
	if err != nil {
		return convo.Conversation{}, err
	}
	moved, err := m.MoveMessages(keepID, mergeID, keep.LastSeq)
	if err != nil {
		return convo.Conversation{}, err
	}
	for _, id := range moved {
		m.Log(store.Change{Kind: store.MessageUpdated, ConversationID: keepID, MessageID: id,
			Fields: []string{"conversation_id", "seq"}})
	}
	users, seqs := MergedHorizons(keepSeen, mergeSeen, keep.LastSeq)
	err = m.Combine(Merged{Keep: keep, Merge: merge, LastSeq: keep.LastSeq + merge.LastSeq,
		WaitingSince: EarlierTime(keep.WaitingSince, merge.WaitingSince),
		FirstReplyAt: EarlierTime(keep.FirstReplyCreatedAt, merge.FirstReplyCreatedAt), Labels: labels,
		UserIDs: Missing(keep.UserIDs, merge.UserIDs), AudienceIDs: Missing(keep.AudienceIDs, merge.AudienceIDs),
		HorizonUsers: users, HorizonSeqs: seqs})
	if err != nil {
		return convo.Conversation{}, err
	}
	merged, err := m.Get(keepID)
	if err != nil {
		return convo.Conversation{}, err
	}
	m.Changed(keep, merged)
	if err := m.AddActivity(keepID, convo.ActivityMerge(mergeID)); err != nil {
		return convo.Conversation{}, err
	}
	if err := m.Retire(keepID, mergeID); err != nil {
		return convo.Conversation{}, err
	}
	m.Log(store.Change{Kind: store.ConversationDeleted, ContactID: merge.ContactID, ConversationID: mergeID})
	return m.Get(keepID)
}
