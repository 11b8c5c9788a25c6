package convo_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
)

// wantCode checks that err is a *ValidationError with code on field.
func wantCode(t *testing.T, err error, field, code string) {
	t.Helper()
	var ve *convo.ValidationError
	if !errors.Is(err, convo.ErrInvalid) || !errors.As(err, &ve) {
		t.Fatalf("want %s on %q, got %v", code, field, err)
	}
	for _, fe := range ve.Errors {
		if fe.Field == field && fe.Code == code {
			return
		}
	}
	t.Fatalf("want %s on %q, got %v", code, field, err)
}

func TestValidateReaction(t *testing.T) {
	for _, good := range []string{"👍", "👍🏽", "👨‍👩‍👧", "❤️", ":+1:", "thumbs_up", "+1", "a", strings.Repeat("x", convo.MaxReactionLength)} {
		if err := convo.ValidateReaction(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
	for bad, code := range map[string]string{
		"": convo.CodeRequired,
		strings.Repeat("x", convo.MaxReactionLength+1): convo.CodeTooLong,
		strings.Repeat("👍", 17):                        convo.CodeTooLong, // 68 bytes: bytes count, not runes
		"bad \xff":                                     convo.CodeInvalidUTF8,
		"\xff":                                         convo.CodeInvalidUTF8,
		"a\x00":                                        convo.CodeNULByte,
		"a b":                                          convo.CodeInvalid,
		" 👍":                                           convo.CodeInvalid,
		"👍\n":                                          convo.CodeInvalid,
		"a\tb":                                         convo.CodeInvalid,
		"a\u00a0b":                                     convo.CodeInvalid, // a no-break space is a space
		"a\u3000":                                      convo.CodeInvalid, // so is an ideographic one
		"a\x07":                                        convo.CodeInvalid,
		"a\u200b":                                      "", // a zero-width space is a format character, not a space: allowed
	} {
		err := convo.ValidateReaction(bad)
		if code == "" {
			if err != nil {
				t.Errorf("%q: %v", bad, err)
			}
			continue
		}
		wantCode(t, err, "reaction", code)
	}
}

func TestActors(t *testing.T) {
	is := is.New(t)
	u := uuid.New()
	is.Equal(convo.UserActor(u), convo.Actor{Type: convo.SenderUser, UserID: u})
	is.Equal(convo.ContactActor(), convo.Actor{Type: convo.SenderContact})
	is.Equal(convo.SystemActor(), convo.Actor{Type: convo.SenderSystem})
	m := convo.Message{SenderType: convo.SenderUser, AuthorID: u}
	is.Equal(m.Sender(), convo.UserActor(u)) // who wrote a message
	m = convo.Message{SenderType: convo.SenderContact}
	is.Equal(m.Sender(), convo.ContactActor())

	b, err := json.Marshal(convo.ContactActor())
	is.NoErr(err)
	is.Equal(string(b), `{"type":"contact"}`) // no user id but a user's
	b, err = json.Marshal(convo.UserActor(u))
	is.NoErr(err)
	is.Equal(string(b), `{"type":"user","user_id":"`+u.String()+`"}`)
	var back convo.Actor
	is.NoErr(json.Unmarshal(b, &back))
	is.Equal(back, convo.UserActor(u))
}

func TestReactionValidate(t *testing.T) {
	is := is.New(t)
	u := uuid.New()
	ok := convo.Reaction{MessageID: 1, Reaction: "👍", By: convo.UserActor(u), CreatedAt: time.Now()}
	is.NoErr(ok.Validate())
	ok.By, ok.CreatedAt = convo.ContactActor(), time.Time{}
	is.NoErr(ok.Validate()) // the contact reacts; no time yet is fine
	for _, tc := range []struct {
		r           convo.Reaction
		field, code string
	}{
		{convo.Reaction{Reaction: "👍", By: convo.ContactActor()}, "message_id", convo.CodeRequired},
		{convo.Reaction{MessageID: -1, Reaction: "👍", By: convo.ContactActor()}, "message_id", convo.CodeOutOfRange},
		{convo.Reaction{MessageID: 1, By: convo.ContactActor()}, "reaction", convo.CodeRequired},
		{convo.Reaction{MessageID: 1, Reaction: "a b", By: convo.ContactActor()}, "reaction", convo.CodeInvalid},
		{convo.Reaction{MessageID: 1, Reaction: "👍", By: convo.SystemActor()}, "by.type", convo.CodeInvalid},
		{convo.Reaction{MessageID: 1, Reaction: "👍"}, "by.type", convo.CodeRequired},
		{convo.Reaction{MessageID: 1, Reaction: "👍", By: convo.Actor{Type: "bot"}}, "by.type", convo.CodeUnknown},
		{convo.Reaction{MessageID: 1, Reaction: "👍", By: convo.Actor{Type: convo.SenderUser}}, "by.user_id", convo.CodeRequired},
		{convo.Reaction{MessageID: 1, Reaction: "👍", By: convo.Actor{Type: convo.SenderContact, UserID: u}}, "by.user_id", convo.CodeMismatch},
		{convo.Reaction{MessageID: 1, Reaction: "👍", By: convo.ContactActor(), CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "created_at", convo.CodeOutOfRange},
	} {
		wantCode(t, tc.r.Validate(), tc.field, tc.code)
	}
}

func TestMessageVersionValidate(t *testing.T) {
	is := is.New(t)
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	ok := convo.MessageVersion{MessageID: 1, Version: 1, Content: "old", EditedAt: at, EditedBy: convo.SystemActor()}
	is.NoErr(ok.Validate()) // the system may edit
	ok.Version, ok.Content = convo.MaxEdits, ""
	is.NoErr(ok.Validate()) // the last version; an empty content (a message of attachments)
	for _, tc := range []struct {
		change      func(*convo.MessageVersion)
		field, code string
	}{
		{func(v *convo.MessageVersion) { v.MessageID = 0 }, "message_id", convo.CodeRequired},
		{func(v *convo.MessageVersion) { v.Version = 0 }, "version", convo.CodeOutOfRange},
		{func(v *convo.MessageVersion) { v.Version = convo.MaxEdits + 1 }, "version", convo.CodeOutOfRange},
		{func(v *convo.MessageVersion) { v.Content = strings.Repeat("x", convo.MaxContentLength+1) }, "content", convo.CodeTooLong},
		{func(v *convo.MessageVersion) { v.Content = "\xff" }, "content", convo.CodeInvalidUTF8},
		{func(v *convo.MessageVersion) { v.EditedAt = time.Time{} }, "edited_at", convo.CodeRequired},
		{func(v *convo.MessageVersion) { v.EditedBy = convo.Actor{} }, "edited_by.type", convo.CodeRequired},
		{func(v *convo.MessageVersion) { v.EditedBy = convo.Actor{Type: convo.SenderUser} }, "edited_by.user_id", convo.CodeRequired},
	} {
		v := convo.MessageVersion{MessageID: 1, Version: 1, Content: "old", EditedAt: at, EditedBy: convo.ContactActor()}
		tc.change(&v)
		wantCode(t, v.Validate(), tc.field, tc.code)
	}
}

// storedMessage is a valid stored message.
func storedMessage() convo.Message {
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	return convo.Message{ID: 1, ConversationID: 1, Seq: 1, Content: "hi", ContentType: convo.ContentText,
		Type: convo.MessageIncoming, Status: convo.StatusSent, SenderType: convo.SenderContact, WrittenAt: at, CreatedAt: at, UpdatedAt: at}
}

func TestMessageValidateTombstone(t *testing.T) {
	is := is.New(t)
	m := storedMessage()
	is.NoErr(m.Validate())
	is.True(!m.Deleted())
	m.Content = ""
	wantCode(t, m.Validate(), "content", convo.CodeRequired) // a live message says something
	m.DeletedAt = m.CreatedAt.Add(time.Hour)
	is.True(m.Deleted())
	is.NoErr(m.Validate()) // a tombstone says nothing
	m.Content = "still here"
	wantCode(t, m.Validate(), "deleted_at", convo.CodeDeleted)
	m.Content, m.Attachments = "", []convo.Attachment{{FileType: "image", URL: "https://example.com/a.png"}}
	wantCode(t, m.Validate(), "deleted_at", convo.CodeDeleted)

	m = storedMessage()
	m.ReplyToID = -1
	wantCode(t, m.Validate(), "reply_to_id", convo.CodeOutOfRange)
	m = storedMessage()
	m.ExternalError = "timeout"
	wantCode(t, m.Validate(), "external_error", convo.CodeMismatch) // only a failed message
	m.Status = convo.StatusFailed
	is.NoErr(m.Validate())
	m.ReplyCount, m.Reactions, m.EditCount = -5, map[string]int{"bad reaction": -1}, -1
	is.NoErr(m.Validate()) // what the store keeps is not checked
}

func TestNewMessageReplyAndExternalError(t *testing.T) {
	is := is.New(t)
	now := time.Now()
	in := convo.NewMessage{Type: convo.MessageIncoming, Content: "re", ReplyToID: 7, ReplyToSourceID: "wamid.7"}.WithDefaults(now)
	is.NoErr(in.Validate())
	in.ReplyToID = -7
	wantCode(t, in.Validate(), "reply_to_id", convo.CodeOutOfRange)
	in.ReplyToID, in.ReplyToSourceID = 0, strings.Repeat("x", convo.MaxNameLength+1)
	wantCode(t, in.Validate(), "reply_to_source_id", convo.CodeTooLong)

	failed := convo.NewMessage{Type: convo.MessageOutgoing, Content: "x", Status: convo.StatusFailed, ExternalError: "131047"}.WithDefaults(now)
	is.NoErr(failed.Validate())
	failed.ExternalError = strings.Repeat("x", convo.MaxErrorLength)
	is.NoErr(failed.Validate())
	failed.ExternalError += "x"
	wantCode(t, failed.Validate(), "external_error", convo.CodeTooLong)
	failed.ExternalError = "a\x00b"
	wantCode(t, failed.Validate(), "external_error", convo.CodeNULByte)
	sent := convo.NewMessage{Type: convo.MessageOutgoing, Content: "x", ExternalError: "why"}.WithDefaults(now)
	wantCode(t, sent.Validate(), "external_error", convo.CodeMismatch) // sent by default: no error to keep
}

func TestMessageUpdateEdits(t *testing.T) {
	is := is.New(t)
	old := storedMessage()
	same, other := "hi", "hello"
	is.True(!convo.MessageUpdate{}.Edits(old))
	is.True(!convo.MessageUpdate{Content: &same}.Edits(old)) // the same content is no edit
	is.True(convo.MessageUpdate{Content: &other}.Edits(old))
	is.Equal(convo.MessageUpdate{Content: &other}.Editor(old), convo.ContactActor()) // the sender by default
	u := uuid.New()
	old.SenderType, old.AuthorID, old.Type = convo.SenderUser, u, convo.MessageOutgoing
	is.Equal(convo.MessageUpdate{Content: &other}.Editor(old), convo.UserActor(u))
	bot := convo.SystemActor()
	is.Equal(convo.MessageUpdate{Content: &other, EditedBy: &bot}.Editor(old), bot)

	is.NoErr(convo.MessageUpdate{Content: &other, EditedBy: &bot}.ValidateUpdate(old))
	bad := convo.Actor{Type: convo.SenderUser}
	wantCode(t, convo.MessageUpdate{Content: &other, EditedBy: &bad}.ValidateUpdate(old), "edited_by.user_id", convo.CodeRequired)
	old.EditCount = convo.MaxEdits
	wantCode(t, convo.MessageUpdate{Content: &other}.ValidateUpdate(old), "content", convo.CodeOutOfRange)
	is.NoErr(convo.MessageUpdate{Content: &same}.ValidateUpdate(old)) // no edit: no limit
	read := convo.StatusRead
	is.NoErr(convo.MessageUpdate{Status: &read}.ValidateUpdate(old)) // other fields still change
}

func TestMessageUpdateExternalError(t *testing.T) {
	is := is.New(t)
	old := storedMessage()
	old.Type, old.Status, old.ExternalError = convo.MessageOutgoing, convo.StatusFailed, "timeout"
	failed, delivered := convo.StatusFailed, convo.StatusDelivered
	why, none := "131047", ""

	is.Equal(convo.MessageUpdate{Status: &failed}.Apply(old).ExternalError, "timeout") // still failed: kept
	content := "retry"
	is.Equal(convo.MessageUpdate{Content: &content}.Apply(old).ExternalError, "timeout")
	is.Equal(convo.MessageUpdate{Status: &delivered}.Apply(old).ExternalError, "") // moved on: cleared
	is.NoErr(convo.MessageUpdate{Status: &delivered}.ValidateUpdate(old))
	is.Equal(convo.MessageUpdate{ExternalError: &why}.Apply(old).ExternalError, why)
	is.Equal(convo.MessageUpdate{ExternalError: &none}.Apply(old).ExternalError, "")
	wantCode(t, convo.MessageUpdate{Status: &delivered, ExternalError: &why}.ValidateUpdate(old), "external_error", convo.CodeMismatch)

	sent := storedMessage()
	wantCode(t, convo.MessageUpdate{ExternalError: &why}.ValidateUpdate(sent), "external_error", convo.CodeMismatch)
	is.NoErr(convo.MessageUpdate{Status: &failed, ExternalError: &why}.ValidateUpdate(sent))
	is.Equal(convo.MessageUpdate{Status: &failed, ExternalError: &why}.Apply(sent).ExternalError, why)
}

func TestMessageUpdateOfATombstone(t *testing.T) {
	is := is.New(t)
	tomb := storedMessage()
	tomb.Content, tomb.DeletedAt = "", tomb.CreatedAt.Add(time.Hour)
	content, private, typ, yes := "back", true, convo.MessageOutgoing, true
	ct := convo.ContentCards
	at := time.Now()
	attrs := convo.Attributes{"a": "b"}
	atts := []convo.Attachment{{FileType: "image", URL: "https://example.com/a.png"}}
	ids := map[string]string{"slack": "S"}
	for field, u := range map[string]convo.MessageUpdate{
		"content":               {Content: &content},
		"private":               {Private: &private},
		"message_type":          {Type: &typ},
		"written_by_me":         {WrittenByMe: &yes},
		"content_type":          {ContentType: &ct},
		"content_attributes":    {ContentAttributes: &attrs},
		"written_at":            {WrittenAt: &at},
		"attachments":           {Attachments: &atts},
		"external_source_ids":   {ExternalSourceIDs: &ids},
		"additional_attributes": {AdditionalAttributes: &attrs},
	} {
		wantCode(t, u.ValidateUpdate(tomb), field, convo.CodeDeleted)
	}
	empty := ""
	wantCode(t, convo.MessageUpdate{Content: &empty}.ValidateUpdate(tomb), "content", convo.CodeDeleted) // even its own empty content
	failed, why := convo.StatusFailed, "late failure"
	is.NoErr(convo.MessageUpdate{Status: &failed, ExternalError: &why}.ValidateUpdate(tomb)) // a late receipt lands
	delivered := convo.StatusDelivered
	is.NoErr(convo.MessageUpdate{Status: &delivered}.ValidateUpdate(tomb))
	got := convo.MessageUpdate{Status: &failed, ExternalError: &why}.Apply(tomb)
	is.True(got.Deleted())
	is.Equal(got.Content, "")
}

func TestChatJSON(t *testing.T) {
	is := is.New(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	b, err := json.Marshal(convo.Reaction{MessageID: 1, Reaction: "👍", By: convo.ContactActor(), CreatedAt: at})
	is.NoErr(err)
	is.Equal(string(b), `{"message_id":1,"reaction":"👍","by":{"type":"contact"},"created_at":"2026-01-02T03:04:05+01:00"}`)
	b, err = json.Marshal(convo.MessageVersion{MessageID: 1, Version: 2, Content: "old", EditedAt: at.UTC(), EditedBy: convo.SystemActor()})
	is.NoErr(err)
	is.Equal(string(b), `{"message_id":1,"version":2,"content":"old","edited_at":"2026-01-02T02:04:05Z","edited_by":{"type":"system"}}`)
	var m convo.Message
	is.NoErr(json.Unmarshal([]byte(`{"reactions":{},"own_reactions":[]}`), &m))
	is.Equal(m.Reactions, map[string]int(nil)) // none reads back as nil, as the store gives it
	is.Equal(m.OwnReactions, []string(nil))
}

func TestSeenBy(t *testing.T) {
	is := is.New(t)
	me, other := uuid.New(), uuid.New()
	m := storedMessage()
	m.Seq = 5
	is.True(!m.SeenBy(me, 4)) // after the horizon
	is.True(m.SeenBy(me, 5))  // at it
	is.True(m.SeenBy(me, 9))  // before it
	mine := m
	mine.SenderType, mine.AuthorID, mine.Type = convo.SenderUser, me, convo.MessageOutgoing
	is.True(mine.SeenBy(me, 0))     // the viewer wrote it
	is.True(!mine.SeenBy(other, 0)) // another did
	activity := m
	activity.Type = convo.MessageActivity
	is.True(activity.SeenBy(me, 0))
	tomb := m
	tomb.Content, tomb.DeletedAt = "", m.CreatedAt
	is.True(tomb.SeenBy(me, 0)) // a tombstone is never unseen
}
