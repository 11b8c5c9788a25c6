package store_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// A page of conversations as a host serves it to a web UI: Monica's data
// and meta, each conversation with Chatwoot's and the users API's names, enums
// as text, times in UTC, lists present even when empty, unset values left
// out.
func ExamplePage_MarshalJSON() {
	at := time.Date(2024, 5, 10, 9, 1, 27, 0, time.UTC)
	page := store.Page[convo.Conversation]{
		Items: []convo.Conversation{{
			ID: 1, UUID: uuid.MustParse("5c8f0d1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f"), AccountID: 1, ContactID: 7,
			Channel: convo.ChannelEmail, AuthorID: uuid.MustParse("7db2c508-1758-4b84-bb68-50b5c8e1f458"),
			UserIDs: []uuid.UUID{uuid.MustParse("7db2c508-1758-4b84-bb68-50b5c8e1f458")}, AudienceIDs: []int64{15},
			Status: convo.StatusOpen, HappenedAt: at, CreatedAt: at, UpdatedAt: at, LastActivityAt: at,
			MessagesCount: 1, LastSeq: 1, UnseenMessagesCount: 1,
		}},
		Meta: store.NewPageMeta(store.PageNumber(1, 15), 1, 1),
	}
	b, _ := json.MarshalIndent(page, "", "  ")
	fmt.Println(string(b))
	// Output:
	// {
	//   "data": [
	//     {
	//       "id": 1,
	//       "uuid": "5c8f0d1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f",
	//       "account_id": 1,
	//       "contact_id": 7,
	//       "channel": "email",
	//       "author_id": "7db2c508-1758-4b84-bb68-50b5c8e1f458",
	//       "user_ids": [
	//         "7db2c508-1758-4b84-bb68-50b5c8e1f458"
	//       ],
	//       "audience_ids": [
	//         15
	//       ],
	//       "status": "open",
	//       "labels": [],
	//       "muted": false,
	//       "custom_attributes": {},
	//       "additional_attributes": {},
	//       "happened_at": "2024-05-10T09:01:27Z",
	//       "created_at": "2024-05-10T09:01:27Z",
	//       "updated_at": "2024-05-10T09:01:27Z",
	//       "last_activity_at": "2024-05-10T09:01:27Z",
	//       "messages_count": 1,
	//       "last_seq": 1,
	//       "unread_count": 0,
	//       "can_reply": false,
	//       "unseen_messages_count": 1,
	//       "messages": []
	//     }
	//   ],
	//   "meta": {
	//     "current_page": 1,
	//     "from": 1,
	//     "to": 1,
	//     "last_page": 1,
	//     "per_page": 15,
	//     "total": 1
	//   }
	// }
}
