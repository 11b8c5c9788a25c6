package convo

import "github.com/google/uuid"

// ReadState is a user's read horizon in a conversation (the users API), as an
// export carries it: the messages up to sequence number SeenSeq are seen
// by the user, and every later one by someone else that is not an activity
// message is unseen. A conversation's UnseenMessagesCount for a Viewer is
// the viewer's ReadState's UnseenCount.
type ReadState struct {
	ConversationID int64     `json:"conversation_id"`
	UserID         uuid.UUID `json:"user_id"`
	// SeenSeq is the sequence number of the last message seen; 0 when none.
	SeenSeq int64 `json:"seen_seq"`
	// UnseenCount counts the messages after SeenSeq by others, not activity
	// messages. It is derived: stores fill it in and ignore it as input.
	UnseenCount int `json:"unseen_count"`
}

// Validate reports a bad read state as a *ValidationError: a missing
// conversation or user, a negative SeenSeq.
func (r ReadState) Validate() error {
	var p problems
	p.requiredID("conversation_id", r.ConversationID)
	if r.UserID == uuid.Nil {
		p.add("user_id", CodeRequired, "is required")
	}
	if r.SeenSeq < 0 {
		p.add("seen_seq", CodeOutOfRange, "must not be negative")
	}
	return p.err()
}
