package storetest

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/store"
)

// limitsFixture is an export of one contact, conversation and message,
// with their ids, the message's seq and the conversation's last_seq to
// fill in (fmt verbs 1 to 5).
const limitsFixture = `{"type":"convo-export","version":1,"account_id":1}
{"type":"contact","id":%[1]d,"first_name":"Ada","created_at":"2026-01-01T00:00:00Z"}
{"type":"conversation","id":%[2]d,"uuid":"6f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b11","contact_id":%[1]d,"channel":"email","happened_at":"2026-01-01T00:00:00Z","last_seq":%[5]d}
{"type":"message","id":%[3]d,"conversation_id":%[2]d,"seq":%[4]d,"message_type":"incoming","content":"Hello","created_at":"2026-01-02T10:00:00Z"}
`

// limitsHead is limitsFixture with small numbers: contact 1,
// conversation 2, message 3.
var limitsHead = fmt.Sprintf(limitsFixture, 1, 2, 3, 1, 1)

// wantWritable fails unless the account can still create a contact and a
// conversation, append a message and change a status.
func wantWritable(t *testing.T, s store.Store, account int64) {
	t.Helper()
	is := is.New(t)
	ctx := context.Background()
	c, err := s.CreateContact(ctx, account, convo.NewContact{FirstName: "Next"})
	is.NoErr(err) // CreateContact still works
	conv, err := s.CreateConversation(ctx, account, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: fixedTime})
	is.NoErr(err) // CreateConversation still works
	m, err := s.AddMessage(ctx, account, conv.ID, text("next"))
	is.NoErr(err)             // AddMessage still works
	is.True(m.ID > 0)         // a positive id
	is.Equal(m.Seq, int64(1)) // the conversation's first message
	_, err = s.ChangeStatus(ctx, account, conv.ID, convo.StatusChange{Status: convo.StatusResolved})
	is.NoErr(err) // ChangeStatus still works
}

// testImportLimits checks that no imported id or sequence number can
// exhaust the store's ids or overflow a sequence (store.MaxImportedID).
func testImportLimits(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	const top, over = math.MaxInt64, store.MaxImportedID + 1

	t.Run("Import/NumberBeyondMaxImportedIDIsInvalid", func(t *testing.T) {
		for name, tc := range map[string]struct {
			file, field string
		}{
			"ContactID":      {fmt.Sprintf(limitsFixture, top, 2, 3, 1, 1), "line 2: contacts.id"},
			"ContactIDOver":  {fmt.Sprintf(limitsFixture, over, 2, 3, 1, 1), "line 2: contacts.id"},
			"ConversationID": {fmt.Sprintf(limitsFixture, 1, top, 3, 1, 1), "line 3: conversations.id"},
			"MessageID":      {fmt.Sprintf(limitsFixture, 1, 2, top, 1, 1), "line 4: messages.id"},
			"MessageIDOver":  {fmt.Sprintf(limitsFixture, 1, 2, over, 1, 1), "line 4: messages.id"},
			"Seq":            {fmt.Sprintf(limitsFixture, 1, 2, 3, top, 1), "line 4: messages.seq"},
			"SeqOver":        {fmt.Sprintf(limitsFixture, 1, 2, 3, over, 1), "line 4: messages.seq"},
			"LastSeq":        {fmt.Sprintf(limitsFixture, 1, 2, 3, 1, top), "line 3: conversations.last_seq"},
			"LastSeqOver":    {fmt.Sprintf(limitsFixture, 1, 2, 3, 1, over), "line 3: conversations.last_seq"},
			"ConversationContactID": {limitsHead + fmt.Sprintf(`{"type":"conversation","id":4,"uuid":"7f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b11","contact_id":%d,"channel":"email","happened_at":"2026-01-01T00:00:00Z"}`, over),
				"line 5: conversations.contact_id"},
			"MessageConversationID": {limitsHead + fmt.Sprintf(`{"type":"message","id":4,"conversation_id":%d,"seq":2,"message_type":"incoming","content":"x","created_at":"2026-01-02T10:00:00Z"}`, over),
				"line 5: messages.conversation_id"},
			"MessagesCount": {limitsHead + fmt.Sprintf(`{"type":"conversation","id":4,"uuid":"7f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b11","contact_id":1,"channel":"email","happened_at":"2026-01-01T00:00:00Z","messages_count":%d}`, over),
				"line 5: conversations.messages_count"},
			"UnreadCount": {limitsHead + `{"type":"conversation","id":4,"uuid":"7f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b11","contact_id":1,"channel":"email","happened_at":"2026-01-01T00:00:00Z","unread_count":-1}`,
				"line 5: conversations.unread_count"},
			"ReadStateConversationID": {limitsHead + fmt.Sprintf(`{"type":"read_state","conversation_id":%d,"user_id":"11111111-1111-4111-8111-111111111111","seen_seq":1}`, over),
				"line 5: read_states.conversation_id"},
			"SeenSeq": {limitsHead + fmt.Sprintf(`{"type":"read_state","conversation_id":2,"user_id":"11111111-1111-4111-8111-111111111111","seen_seq":%d}`, top),
				"line 5: read_states.seen_seq"},
			"UnseenCount": {limitsHead + `{"type":"read_state","conversation_id":2,"user_id":"11111111-1111-4111-8111-111111111111","seen_seq":1,"unseen_count":-1}`,
				"line 5: read_states.unseen_count"},
		} {
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				s := newStore(t, fixed)
				_, err := jsonl.Import(ctx, strings.NewReader(tc.file), s, 1, store.ImportOptions{})
				wantInvalid(t, err, tc.field)
				is.Equal(string(exportBytes(t, s, 1)), `{"type":"convo-export","version":1,"account_id":1}`+"\n") // nothing written
				wantWritable(t, s, 2)                                                                             // another account's writes go on
				wantWritable(t, s, 1)                                                                             // and the account's own
			})
		}
	})

	t.Run("Import/NumbersAtMaxImportedIDGoOn", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		const max = store.MaxImportedID
		file := fmt.Sprintf(limitsFixture, max, max, max, max, max)
		stats, err := jsonl.Import(ctx, strings.NewReader(file), s, 1, store.ImportOptions{})
		is.NoErr(err) // the bound itself is allowed
		is.Equal(stats, store.ImportStats{Contacts: 1, Conversations: 1, Messages: 1})
		conv, err := s.GetConversation(ctx, 1, max, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(conv.LastSeq, int64(max)) // as imported
		m := mustAddMessage(t, s, 1, max, text("next"))
		is.Equal(m.Seq, int64(max)+1) // the sequence goes on, positive
		is.True(m.ID > max)           // ids go on after the imported ones
		wantWritable(t, s, 1)
		wantWritable(t, s, 2)
	})
}
