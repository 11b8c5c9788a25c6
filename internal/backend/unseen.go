package backend

import (
	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// Unseen follows the messages a batch appends, in order, by the rule of the
// unseen counts: a message that is not activity is one more for its
// conversation's audiences and for every horizon below it of a user other
// than its author, and a message moves its author's horizon to it (seen,
// none unseen), creating it if need be. A backend reads the horizons of the
// batch's conversations first (Stored), feeds every message (Add), and
// then writes each audience count and horizon the batch moved once,
// instead of once per message.
type Unseen struct {
	horizons  map[int64][]*Horizon // by conversation
	audiences map[int64]int64      // messages that are not activity, by conversation
}

// Horizon is a user's read horizon in a conversation as a batch moves it.
type Horizon struct {
	ConversationID int64
	User           uuid.UUID
	Seen           int64 // the seq seen up to
	N              int64 // unseen messages the batch added (after the reset, with Reset)
	Stored         bool  // the row was there before the batch
	Reset          bool  // a message of the user's set the count to zero first
}

// Moved reports whether the batch changed the horizon: a new one is
// always written.
func (h *Horizon) Moved() bool { return !h.Stored || h.Reset || h.N > 0 }

// NewUnseen returns an Unseen that knows no horizon yet.
func NewUnseen() *Unseen {
	return &Unseen{horizons: map[int64][]*Horizon{}, audiences: map[int64]int64{}}
}

// Stored adds a horizon as read before the batch.
func (u *Unseen) Stored(conversationID int64, user uuid.UUID, seen int64) {
	u.horizons[conversationID] = append(u.horizons[conversationID],
		&Horizon{ConversationID: conversationID, User: user, Seen: seen, Stored: true})
}

// Add takes the next message appended to its conversation.
func (u *Unseen) Add(m *convo.Message) {
	c := m.ConversationID
	if m.Type != convo.MessageActivity { // a new message is no tombstone
		u.audiences[c]++
		for _, h := range u.horizons[c] {
			if h.Seen < m.Seq && h.User != m.AuthorID {
				h.N++
			}
		}
	}
	if m.AuthorID == uuid.Nil {
		return
	}
	for _, h := range u.horizons[c] {
		if h.User == m.AuthorID {
			h.Seen, h.N, h.Reset = max(h.Seen, m.Seq), 0, true
			return
		}
	}
	u.horizons[c] = append(u.horizons[c], &Horizon{ConversationID: c, User: m.AuthorID, Seen: m.Seq, Reset: true})
}

// Audience is how many messages the batch added to the conversation's
// audience rows' counts.
func (u *Unseen) Audience(conversationID int64) int64 { return u.audiences[conversationID] }

// Horizons are the conversation's horizons, stored or new, as the batch
// left them: write those that Moved.
func (u *Unseen) Horizons(conversationID int64) []*Horizon { return u.horizons[conversationID] }
