package convo_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/convokit/convo"
)

// A message as a host serves it: snake_case names, the type as its text
// with Monica's written_by_me beside it, times in UTC, empty lists and
// objects present, unset values left out.
func ExampleMessage_MarshalJSON() {
	m := convo.Message{
		ID: 3, AccountID: 1, ConversationID: 9, ContactID: 7, Seq: 2,
		Content: "Hello *there*", ContentType: convo.ContentText, Type: convo.MessageOutgoing,
		Status: convo.StatusSent, SenderType: convo.SenderSystem,
		WrittenAt: time.Date(2024, 5, 10, 11, 42, 15, 0, time.FixedZone("CEST", 2*60*60)),
		CreatedAt: time.Date(2024, 5, 10, 9, 42, 15, 861021000, time.UTC),
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	fmt.Println(string(b))
	// Output:
	// {
	//   "id": 3,
	//   "account_id": 1,
	//   "conversation_id": 9,
	//   "contact_id": 7,
	//   "seq": 2,
	//   "content": "Hello *there*",
	//   "content_type": "text",
	//   "content_attributes": {},
	//   "message_type": "outgoing",
	//   "private": false,
	//   "status": "sent",
	//   "sender_type": "system",
	//   "written_at": "2024-05-10T09:42:15Z",
	//   "created_at": "2024-05-10T09:42:15.861021Z",
	//   "attachments": [],
	//   "external_source_ids": {},
	//   "additional_attributes": {},
	//   "reply_count": 0,
	//   "reactions": {},
	//   "own_reactions": [],
	//   "edit_count": 0,
	//   "seen": false,
	//   "written_by_me": true
	// }
}
