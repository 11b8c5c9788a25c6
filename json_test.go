package convo_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/wiretest"
)

// The fixtures set every exported field, so that a field added later
// without a JSON tag, or left out of the round trip, fails the tests.

var (
	fixtureUser  = uuid.MustParse("7db2c508-1758-4b84-bb68-50b5c8e1f458")
	fixtureOther = uuid.MustParse("7d503e59-18f2-4028-95fc-177fa25820c8")
)

// at is a time of the fixtures: UTC, with microseconds, as stores keep them.
func at(minute int) time.Time {
	return time.Date(2024, 5, 10, 9, minute, 27, 415094000, time.UTC)
}

func fixtureContact() convo.Contact {
	return convo.Contact{
		ID: 7, AccountID: 1, FirstName: "Ada", LastName: "Lovelace", Nickname: "ada",
		Email: "ada@example.org", Phone: "+44 20 7946 0000", Identifier: "crm-7",
		AvatarURL: "https://example.org/ada.png", Blocked: true,
		CustomAttributes:     convo.Attributes{"plan": "pro"},
		AdditionalAttributes: convo.Attributes{"browser": "firefox"},
		LastActivityAt:       at(1), CreatedAt: at(2), UpdatedAt: at(3),
	}
}

func fixtureMessage() convo.Message {
	return convo.Message{
		ID: 3, AccountID: 1, ConversationID: 9, ContactID: 7, Seq: 2,
		Content: "Hello *there*", ContentType: convo.ContentText,
		ContentAttributes: convo.Attributes{"in_reply_to": 1.0},
		Type:              convo.MessageOutgoing, Private: true, Status: convo.StatusDelivered,
		SourceID: "wamid-1", SenderType: convo.SenderUser, AuthorID: fixtureUser,
		WrittenAt: at(4), CreatedAt: at(5), UpdatedAt: at(6),
		Attachments: []convo.Attachment{{
			FileType: "image", URL: "https://example.org/a.png", FileName: "a.png", Size: 2048, MIMEType: "image/png",
		}},
		ExternalSourceIDs:    map[string]string{"slack": "C1/123.456"},
		AdditionalAttributes: convo.Attributes{"campaign": "spring"},
		ReplyToID:            2, ReplyCount: 1, LastReplyAt: at(17),
		Reactions: map[string]int{"👍": 2}, OwnReactions: []string{"👍"},
		EditCount: 1, EditedAt: at(18), DeletedAt: at(19), ExternalError: "131047: re-engagement required",
		Seen: true,
	}
}

func fixtureConversation() convo.Conversation {
	contact := fixtureContact()
	last := fixtureMessage()
	return convo.Conversation{
		ID: 9, UUID: uuid.MustParse("5c8f0d1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f"), AccountID: 1, ContactID: 7,
		Contact: &contact, Channel: convo.ChannelWhatsApp, InboxID: 2, TeamID: 4,
		AssigneeID: fixtureOther, AuthorID: fixtureUser,
		UserIDs: []uuid.UUID{fixtureOther, fixtureUser}, AudienceIDs: []int64{15},
		Status: convo.StatusSnoozed, SnoozedUntil: at(30), Priority: convo.PriorityHigh,
		Labels: []string{"billing", "vip"}, Muted: true,
		CustomAttributes:     convo.Attributes{"order": "A-1"},
		AdditionalAttributes: convo.Attributes{"referer": "https://example.org"},
		HappenedAt:           at(7), CreatedAt: at(8), UpdatedAt: at(9), LastActivityAt: at(10),
		FirstReplyCreatedAt: at(11), WaitingSince: at(12), AgentLastSeenAt: at(13),
		AssigneeLastSeenAt: at(14), ContactLastSeenAt: at(15), LastIncomingAt: at(16),
		MessagesCount: 2, LastSeq: 2, UnreadCount: 1, LastNonActivityMessage: &last,
		CanReply: true, UnseenMessagesCount: 1, Messages: []convo.Message{last},
	}
}

func fixtureReadState() convo.ReadState {
	return convo.ReadState{ConversationID: 9, UserID: fixtureUser, SeenSeq: 1, UnseenCount: 1}
}

func fixtureValidationError() *convo.ValidationError {
	return &convo.ValidationError{Errors: []convo.FieldError{
		{Field: "status", Code: convo.CodeUnknown, Message: `unknown value "closed"`},
	}}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Run("Contact", func(t *testing.T) {
		wiretest.Check(t, fixtureContact())
	})
	t.Run("Conversation", func(t *testing.T) {
		wiretest.Check(t, fixtureConversation())
	})
	t.Run("Message", func(t *testing.T) {
		wiretest.Check(t, fixtureMessage())
	})
	t.Run("Attachment", func(t *testing.T) {
		wiretest.Check(t, fixtureMessage().Attachments[0])
	})
	t.Run("ReadState", func(t *testing.T) {
		wiretest.Check(t, fixtureReadState())
	})
	t.Run("ValidationError", func(t *testing.T) {
		e := fixtureValidationError()
		wiretest.CheckFixture(t, e)
		wiretest.CheckFixture(t, e.Errors[0])
		wiretest.RoundTrip(t, e)
	})
	t.Run("Zero", func(t *testing.T) {
		// Empty lists and objects are [] and {} on the wire and nil again
		// when read back, as a store returns them.
		wiretest.RoundTrip(t, convo.Contact{})
		wiretest.RoundTrip(t, convo.Conversation{})
		wiretest.RoundTrip(t, convo.Message{})
		wiretest.RoundTrip(t, convo.ReadState{})
	})
}

// TestJSONNames pins the names of the wire form: the APIs' snake_case.
func TestJSONNames(t *testing.T) {
	is := is.New(t)
	b, err := json.Marshal(fixtureConversation())
	is.NoErr(err)
	var got map[string]any
	is.NoErr(json.Unmarshal(b, &got))
	for _, name := range []string{
		"id", "uuid", "account_id", "contact_id", "contact", "channel", "inbox_id", "team_id",
		"assignee_id", "author_id", "user_ids", "audience_ids", "status", "snoozed_until", "priority",
		"labels", "muted", "custom_attributes", "additional_attributes", "happened_at", "created_at",
		"updated_at", "last_activity_at", "first_reply_created_at", "waiting_since", "agent_last_seen_at",
		"assignee_last_seen_at", "contact_last_seen_at", "last_incoming_at", "messages_count", "last_seq",
		"unread_count", "last_non_activity_message", "can_reply", "unseen_messages_count", "messages",
	} {
		_, ok := got[name]
		is.True(ok) // every field of the conversation is named as in the seeds
		if !ok {
			t.Log("missing", name)
		}
	}
	is.Equal(len(got), 36)             // and nothing else
	is.Equal(got["status"], "snoozed") // enums are their text
	is.Equal(got["author_id"], "7db2c508-1758-4b84-bb68-50b5c8e1f458")
	is.Equal(got["happened_at"], "2024-05-10T09:07:27.415094Z") // RFC 3339 in UTC

	msg := got["last_non_activity_message"].(map[string]any)
	is.Equal(msg["message_type"], "outgoing") // the type's text
	is.Equal(msg["written_by_me"], true)      // Monica's derived written_by_me
	is.Equal(msg["seen"], true)
	contact := got["contact"].(map[string]any)
	is.Equal(contact["complete_name"], "Ada Lovelace") // Monica's derived complete_name
	is.Equal(contact["initials"], "AL")                // and initials
}

// TestJSONZero: unset scalars are left out, lists and objects are there
// and empty, counts and booleans are there.
func TestJSONZero(t *testing.T) {
	is := is.New(t)
	for _, tc := range []struct {
		v    any
		want string
	}{
		{convo.Contact{}, `{"id":0,"account_id":0,"blocked":false,"custom_attributes":{},"additional_attributes":{}}`},
		{convo.Conversation{}, `{"id":0,"account_id":0,"contact_id":0,"user_ids":[],"audience_ids":[],"labels":[],"muted":false,` +
			`"custom_attributes":{},"additional_attributes":{},"messages_count":0,"last_seq":0,"unread_count":0,` +
			`"can_reply":false,"unseen_messages_count":0,"messages":[]}`},
		{convo.Message{}, `{"id":0,"account_id":0,"conversation_id":0,"contact_id":0,"seq":0,"content_attributes":{},` +
			`"private":false,"attachments":[],"external_source_ids":{},"additional_attributes":{},"reply_count":0,` +
			`"reactions":{},"own_reactions":[],"edit_count":0,"seen":false,"written_by_me":false}`},
		{convo.ReadState{}, `{"conversation_id":0,"user_id":"00000000-0000-0000-0000-000000000000","seen_seq":0,"unseen_count":0}`},
	} {
		b, err := json.Marshal(tc.v)
		is.NoErr(err)
		is.Equal(string(b), tc.want) // no 0001-01-01, no null
	}
}

// TestJSONTimesInUTC: a time in another zone is written in UTC, and
// read back as the same instant.
func TestJSONTimesInUTC(t *testing.T) {
	is := is.New(t)
	zone := time.FixedZone("CEST", 2*60*60)
	local := func(v any) {
		rv := reflect.ValueOf(v).Elem()
		for i := range rv.NumField() {
			if f, ok := rv.Field(i).Addr().Interface().(*time.Time); ok {
				*f = f.In(zone)
			}
		}
	}
	c, m, k := fixtureConversation(), fixtureMessage(), fixtureContact()
	local(&c)
	local(&m)
	local(&k)
	c.Contact, c.LastNonActivityMessage, c.Messages = &k, &m, []convo.Message{m}
	b, err := json.Marshal(c)
	is.NoErr(err)
	stamps := regexp.MustCompile(`"\d{4}-\d\d-\d\dT[^"]*"`).FindAllString(string(b), -1)
	is.Equal(len(stamps), 11+3+6+6) // every time of the conversation, its contact and messages
	for _, s := range stamps {
		is.True(strings.HasSuffix(s, `Z"`)) // in UTC
	}
	var back convo.Conversation
	is.NoErr(json.Unmarshal(b, &back))
	is.True(back.HappenedAt.Equal(c.HappenedAt)) // the same instant
}

func TestJSONUnmarshalBad(t *testing.T) {
	is := is.New(t)
	var c convo.Conversation
	is.True(json.Unmarshal([]byte(`{"id":"nine"}`), &c) != nil)        // a wrong type is an error
	is.True(json.Unmarshal([]byte(`{"labels":{}}`), &c) != nil)        // so is an object for a list
	is.NoErr(json.Unmarshal([]byte(`{"id":1,"written_by_me":5}`), &c)) // unknown names are ignored
	var m convo.Message
	is.NoErr(json.Unmarshal([]byte(`{"message_type":"incoming","written_by_me":true}`), &m))
	is.Equal(m.Type, convo.MessageIncoming) // written_by_me is derived: message_type decides
}
