package convo

import (
	"cmp"
	"slices"

	"github.com/google/uuid"
)

// Limits on participants, enforced by the Validate methods.
const (
	MaxParticipants   = 1000 // users, and audiences, given in one input
	MaxViewerAudience = 1000 // audiences of one Viewer
)

// Viewer is a user reading conversations (the users API): the
// user's id and the audiences the host says the user belongs to. The host
// owns audience membership; the store trusts the list it is given.
//
// Given to a list, get or count call, a viewer sees exactly the
// conversations where the user is a participant or one of the audiences
// is on the conversation, and reads per-user state: each conversation's
// UnseenMessagesCount and each message's Seen.
type Viewer struct {
	UserID      uuid.UUID
	AudienceIDs []int64
}

// Validate reports a bad viewer as a *ValidationError: a nil user id, or an
// audience id that is not positive.
func (v Viewer) Validate() error {
	var p problems
	p.viewer("viewer", v)
	return p.err()
}

// ViewerProblems returns the FieldErrors of a viewer given as the named
// field of a larger input (a filter, options), nil when it is valid.
func ViewerProblems(field string, v Viewer) []FieldError {
	var p problems
	p.viewer(field, v)
	return p.list
}

func (p *problems) viewer(field string, v Viewer) {
	if v.UserID == uuid.Nil {
		p.add(field+".user_id", CodeRequired, "is required")
	}
	if len(v.AudienceIDs) > MaxViewerAudience {
		p.add(field+".audience_ids", CodeOutOfRange, "at most %d audiences", MaxViewerAudience)
	}
	for _, id := range v.AudienceIDs {
		if id <= 0 {
			p.add(field+".audience_ids", CodeOutOfRange, "an audience id must be positive")
			break
		}
	}
}

// Participants is the users taking part in the new conversation: the
// author (when set) and UserIDs.
func (c NewConversation) Participants() []uuid.UUID {
	if c.AuthorID == uuid.Nil || slices.Contains(c.UserIDs, c.AuthorID) {
		return c.UserIDs
	}
	return append([]uuid.UUID{c.AuthorID}, c.UserIDs...)
}

// ParticipantChange is the input of adding or removing participants: users
// and audiences (groups of users, owned by the host) of a conversation.
type ParticipantChange struct {
	UserIDs     []uuid.UUID
	AudienceIDs []int64
}

// Validate reports a bad change as a *ValidationError: nothing to change, a
// nil user id, an audience id that is not positive, an id given twice.
func (c ParticipantChange) Validate() error {
	var p problems
	if len(c.UserIDs) == 0 && len(c.AudienceIDs) == 0 {
		p.add("user_ids", CodeRequired, "give at least one user or audience")
	}
	p.participants(c.UserIDs, c.AudienceIDs)
	return p.err()
}

// participants checks the user and audience lists of an input.
func (p *problems) participants(users []uuid.UUID, audiences []int64) {
	if len(users) > MaxParticipants {
		p.add("user_ids", CodeOutOfRange, "at most %d users", MaxParticipants)
	}
	if slices.Contains(users, uuid.Nil) {
		p.add("user_ids", CodeRequired, "a user id must not be nil")
	}
	if hasDuplicates(users, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }) {
		p.add("user_ids", CodeInvalid, "lists a user twice")
	}
	if len(audiences) > MaxParticipants {
		p.add("audience_ids", CodeOutOfRange, "at most %d audiences", MaxParticipants)
	}
	if slices.ContainsFunc(audiences, func(id int64) bool { return id <= 0 }) {
		p.add("audience_ids", CodeOutOfRange, "an audience id must be positive")
	}
	if hasDuplicates(audiences, cmp.Compare[int64]) {
		p.add("audience_ids", CodeInvalid, "lists an audience twice")
	}
}

// hasDuplicates reports whether list holds a value twice.
func hasDuplicates[T any](list []T, compare func(a, b T) int) bool {
	sorted := slices.Clone(list)
	slices.SortFunc(sorted, compare)
	return len(slices.CompactFunc(sorted, func(a, b T) bool { return compare(a, b) == 0 })) != len(list)
}
