package backend

import (
	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// What a viewer reads beside the rows themselves: which messages they
// have seen, their unseen counts and their own reactions. A backend reads
// each with one query for a whole list; these say what it asks for and
// where the answers go.

// MarkSeen sets each message's Seen for user, whose horizon in their
// conversation is horizon.
func MarkSeen(list []convo.Message, user uuid.UUID, horizon int64) {
	for i := range list {
		m := &list[i]
		m.Seen = m.SeenBy(user, horizon)
	}
}

// ConversationIDs lists the ids of list, and where each is in it.
func ConversationIDs(list []convo.Conversation) ([]int64, map[int64]int) {
	ids := make([]int64, len(list))
	at := make(map[int64]int, len(list))
	for i, c := range list {
		ids[i], at[c.ID] = c.ID, i
	}
	return ids, at
}

// Reacted lists the ids of the messages of list that have reactions, whose
// own reactions a viewer may have, and where each is in list.
func Reacted(list []convo.Message) ([]int64, map[int64]int) {
	var ids []int64
	at := map[int64]int{}
	for i, m := range list {
		if len(m.Reactions) > 0 {
			ids = append(ids, m.ID)
			at[m.ID] = i
		}
	}
	return ids, at
}
