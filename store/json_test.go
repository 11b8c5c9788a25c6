package store_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/wiretest"
	"github.com/convokit/convo/store"
)

// The fixtures set every exported field of the store's types, so that a
// field added later without a JSON tag, or left out of the round trip,
// fails the tests. convo's own types are covered by convo's tests.

var fixtureTime = time.Date(2024, 5, 10, 9, 1, 27, 415094000, time.UTC)

func fixtureMessage() convo.Message {
	return convo.Message{
		ID: 3, AccountID: 1, ConversationID: 9, ContactID: 7, Seq: 2, Content: "where is my invoice?",
		ContentType: convo.ContentText, Type: convo.MessageIncoming, Status: convo.StatusSent,
		SenderType: convo.SenderContact, WrittenAt: fixtureTime, CreatedAt: fixtureTime, UpdatedAt: fixtureTime,
		Attachments: []convo.Attachment{{FileType: "file", URL: "https://example.org/invoice.pdf"}},
	}
}

func fixtureConversation() convo.Conversation {
	last := fixtureMessage()
	return convo.Conversation{
		ID: 9, UUID: uuid.MustParse("5c8f0d1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f"), AccountID: 1, ContactID: 7,
		Contact:  &convo.Contact{ID: 7, AccountID: 1, FirstName: "Ada", CreatedAt: fixtureTime, UpdatedAt: fixtureTime},
		Channel:  convo.ChannelEmail,
		UserIDs:  []uuid.UUID{uuid.MustParse("7db2c508-1758-4b84-bb68-50b5c8e1f458")},
		Status:   convo.StatusOpen,
		Labels:   []string{"billing"},
		Priority: convo.PriorityHigh, HappenedAt: fixtureTime, CreatedAt: fixtureTime, UpdatedAt: fixtureTime,
		LastActivityAt: fixtureTime, WaitingSince: fixtureTime, LastIncomingAt: fixtureTime,
		MessagesCount: 2, LastSeq: 2, UnreadCount: 1, LastNonActivityMessage: &last, CanReply: true,
	}
}

func fixtureMeta() store.PageMeta {
	return store.PageMeta{CurrentPage: 2, From: 16, To: 30, LastPage: 22, PerPage: 15, Total: 317}
}

func fixtureHit() store.MessageHit {
	return store.MessageHit{ConversationID: 9, Message: fixtureMessage(), Snippet: "where is my <b>invoice</b>?"}
}

func fixtureCounts() store.Counts {
	return store.Counts{Mine: 1, Unassigned: 2, Assigned: 3, All: 5}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Run("Page", func(t *testing.T) {
		wiretest.Check(t, store.Page[convo.Conversation]{Items: []convo.Conversation{fixtureConversation()}, Next: "eyJsIjoiYyJ9", Prev: "eyJsIjoicCJ9", Meta: fixtureMeta()})
		wiretest.RoundTrip(t, store.Page[convo.Message]{Items: []convo.Message{fixtureMessage()}, Next: "eyJsIjoibSJ9", Meta: store.PageMeta{PerPage: 15}})
		wiretest.RoundTrip(t, store.Page[convo.Contact]{Items: []convo.Contact{*fixtureConversation().Contact}, Meta: fixtureMeta()})
		wiretest.RoundTrip(t, store.Page[store.MessageHit]{Items: []store.MessageHit{fixtureHit()}, Meta: fixtureMeta()})
	})
	t.Run("PageMeta", func(t *testing.T) {
		wiretest.Check(t, fixtureMeta())
	})
	t.Run("MessageHit", func(t *testing.T) {
		wiretest.Check(t, fixtureHit())
	})
	t.Run("Counts", func(t *testing.T) {
		wiretest.Check(t, fixtureCounts())
	})
	t.Run("Zero", func(t *testing.T) {
		wiretest.RoundTrip(t, store.Page[convo.Conversation]{})
		wiretest.RoundTrip(t, store.PageMeta{})
		wiretest.RoundTrip(t, store.MessageHit{})
		wiretest.RoundTrip(t, store.Counts{})
	})
}

// TestPageJSON pins the page's form: Monica's data and meta, the cursor
// as next_cursor, an empty page's data as [].
func TestPageJSON(t *testing.T) {
	is := is.New(t)
	for _, tc := range []struct {
		name string
		page store.Page[convo.ReadState]
		want string
	}{
		{"PageNumber", store.Page[convo.ReadState]{Items: []convo.ReadState{{ConversationID: 9, UserID: uuid.Max, SeenSeq: 2}}, Next: "abc", Meta: store.PageMeta{CurrentPage: 1, From: 1, To: 1, LastPage: 2, PerPage: 1, Total: 2}},
			`{"data":[{"conversation_id":9,"user_id":"ffffffff-ffff-ffff-ffff-ffffffffffff","seen_seq":2,"unseen_count":0}],"next_cursor":"abc",` +
				`"meta":{"current_page":1,"from":1,"to":1,"last_page":2,"per_page":1,"total":2}}`},
		{"Empty", store.Page[convo.ReadState]{Meta: store.NewPageMeta(store.PageNumber(1, 15), 0, 0)},
			`{"data":[],"meta":{"current_page":1,"last_page":1,"per_page":15,"total":0}}`},
		{"Keyset", store.Page[convo.ReadState]{Next: "abc", Meta: store.PageMeta{PerPage: 15}},
			`{"data":[],"next_cursor":"abc","meta":{"per_page":15}}`},
	} {
		b, err := json.Marshal(tc.page)
		is.NoErr(err)
		is.Equal(string(b), tc.want) // the page's JSON form
	}
	s := wiretest.RoundTrip(t, store.Counts{Mine: 1, Unassigned: 2, Assigned: 3, All: 5})
	is.Equal(s, `{"mine_count":1,"unassigned_count":2,"assigned_count":3,"all_count":5}`) // Chatwoot's meta counts
}
