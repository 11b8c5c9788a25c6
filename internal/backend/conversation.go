package backend

import (
	"time"

	"github.com/convokit/convo"
)

// StartFor is conversation in as it starts for a contact, blocked or
// not: as in Chatwoot, a blocked contact's conversation is muted and
// starts resolved.
func StartFor(in convo.NewConversation, blocked bool) convo.NewConversation {
	if blocked {
		in.Muted, in.Status, in.SnoozedUntil = true, convo.StatusResolved, time.Time{}
	}
	return in
}
