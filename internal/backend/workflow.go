package backend

import (
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// The decisions of the calls that move a conversation through its
// workflow (status, labels, assignee, read marks), which both backends
// write by their own SQL.

// UpdateActivities records a change of team or priority in the timeline,
// unless the update is quiet: add stores one activity message of the
// conversation.
func UpdateActivities(old, next convo.Conversation, quiet bool, add func(content string) error) error {
	if quiet {
		return nil
	}
	if next.TeamID != old.TeamID {
		if err := add(convo.ActivityTeam(next.TeamID)); err != nil {
			return err
		}
	}
	if next.Priority != old.Priority {
		return add(convo.ActivityPriority(next.Priority))
	}
	return nil
}

// StatusMove is where ch moves conversation old at now: its next status
// and snooze time (in the store's precision), and whether either changes.
func StatusMove(old convo.Conversation, ch convo.StatusChange, now time.Time) (next convo.Status, until time.Time, changed bool, err error) {
	if err := ch.Validate(now); err != nil {
		return "", time.Time{}, false, err
	}
	next, until = ch.Next(old.Status), StoredTime(ch.SnoozedUntil)
	return next, until, next != old.Status || !until.Equal(old.SnoozedUntil), nil
}

// LabelMove is the labels ch leaves a conversation with, given its labels
// old, and those it adds and removes.
func LabelMove(old []string, ch convo.LabelChange) (next, added, removed []string) {
	next = ch.Apply(old)
	return next, Missing(old, next), Missing(next, old)
}

// AgentID is the agent of MarkRead and CountUnread, which Validate
// requires.
type AgentID uuid.UUID

// Validate implements the input of Check.
func (a AgentID) Validate() error {
	if uuid.UUID(a) == uuid.Nil {
		return convo.Invalid("agent_id", convo.CodeRequired, "is required")
	}
	return nil
}
