package jsonl_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/store"
)

// writeAll writes the records after the header and returns the text.
func writeAll(t *testing.T, recs ...store.Record) string {
	t.Helper()
	var b strings.Builder
	w, err := jsonl.NewWriter(&b, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	return b.String()
}

func TestChatLines(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC)
	user := convo.UserActor(uuid.MustParse("11111111-1111-4111-8111-111111111111"))

	t.Run("Reaction", func(t *testing.T) {
		is := is.New(t)
		r := convo.Reaction{MessageID: 7, Reaction: "👍🏽", By: user, CreatedAt: at}
		text := writeAll(t, store.Record{Reaction: &r}, store.Record{Reaction: &convo.Reaction{MessageID: 7, Reaction: ":+1:", By: convo.ContactActor()}})
		is.Equal(text, header+
			`{"type":"reaction","message_id":7,"reaction":"👍🏽","by":{"type":"user","user_id":"11111111-1111-4111-8111-111111111111"},"created_at":"2026-01-02T03:04:05.678901Z"}`+"\n"+
			`{"type":"reaction","message_id":7,"reaction":":+1:","by":{"type":"contact"}}`+"\n") // a zero time is left out
		recs, err := readAll(t, text)
		is.NoErr(err)
		is.Equal(len(recs), 2)
		is.Equal(recs[0].Kind(), store.KindReaction)
		is.Equal(*recs[0].Reaction, r) // read back as written
		is.Equal(recs[0].Line, 2)
		is.Equal(*recs[1].Reaction, convo.Reaction{MessageID: 7, Reaction: ":+1:", By: convo.ContactActor()})
	})

	t.Run("Version", func(t *testing.T) {
		is := is.New(t)
		v := convo.MessageVersion{MessageID: 7, Version: 2, Content: "said <this>\nonce", EditedAt: at, EditedBy: convo.SystemActor()}
		text := writeAll(t, store.Record{Version: &v})
		is.Equal(text, header+
			`{"type":"message_version","message_id":7,"version":2,"content":"said <this>\nonce","edited_at":"2026-01-02T03:04:05.678901Z","edited_by":{"type":"system"}}`+"\n")
		recs, err := readAll(t, text)
		is.NoErr(err)
		is.Equal(recs[0].Kind(), store.KindVersion)
		is.Equal(*recs[0].Version, v)
		empty := convo.MessageVersion{MessageID: 7, Version: 1, EditedBy: user}
		text = writeAll(t, store.Record{Version: &empty})
		is.True(strings.Contains(text, `"content":""`)) // an empty content is written: it is what the message said
		recs, err = readAll(t, text)
		is.NoErr(err)
		is.Equal(*recs[0].Version, empty)
	})

	t.Run("MessageFields", func(t *testing.T) {
		is := is.New(t)
		m := convo.Message{ID: 3, ConversationID: 1, Seq: 3, Type: convo.MessageOutgoing, Status: convo.StatusFailed,
			ContentType: convo.ContentText, SenderType: convo.SenderUser, AuthorID: user.UserID,
			WrittenAt: at, CreatedAt: at, UpdatedAt: at.Add(time.Hour), DeletedAt: at.Add(time.Hour),
			ReplyToID: 2, ExternalError: "131047: re-engagement"}
		withDerived := m
		withDerived.ReplyCount, withDerived.LastReplyAt = 4, at
		withDerived.Reactions, withDerived.OwnReactions = map[string]int{"👍": 1}, []string{"👍"}
		withDerived.EditCount, withDerived.EditedAt = 2, at
		text := writeAll(t, store.Record{Message: &withDerived})
		for _, want := range []string{`"reply_to_id":2`, `"deleted_at":"2026-01-02T04:04:05.678901Z"`, `"external_error":"131047: re-engagement"`} {
			is.True(strings.Contains(text, want))
		}
		for _, derived := range []string{"reply_count", "last_reply_at", "reactions", "own_reactions", "edit_count", "edited_at"} {
			is.True(!strings.Contains(text, derived)) // derived: Import recounts them
		}
		recs, err := readAll(t, text)
		is.NoErr(err)
		is.Equal(*recs[0].Message, m) // read back without what is derived
		plain := convo.Message{ID: 4, ConversationID: 1, Seq: 4, Type: convo.MessageIncoming, Content: "hi"}
		text = writeAll(t, store.Record{Message: &plain})
		for _, absent := range []string{"reply_to_id", "deleted_at", "external_error"} {
			is.True(!strings.Contains(text, absent)) // zero values are left out
		}
	})

	t.Run("StrictDecoding", func(t *testing.T) {
		for name, tc := range map[string]struct{ line, want string }{
			"ReactionUnknownField":    {`{"type":"reaction","message_id":1,"reaction":"👍","by":{"type":"contact"},"count":2}`, "line 2: reactions invalid"},
			"ReactionActorField":      {`{"type":"reaction","message_id":1,"reaction":"👍","by":{"type":"contact","name":"Ada"}}`, "line 2: reactions invalid"},
			"ReactionWrongType":       {`{"type":"reaction","message_id":"1","reaction":"👍","by":{"type":"contact"}}`, "line 2: reactions invalid"},
			"ReactionBadTime":         {`{"type":"reaction","message_id":1,"reaction":"👍","by":{"type":"contact"},"created_at":"yesterday"}`, "line 2: reactions invalid"},
			"VersionUnknownField":     {`{"type":"message_version","message_id":1,"version":1,"content":"x","edited_by":{"type":"system"},"editor":"me"}`, "line 2: message_versions invalid"},
			"VersionWrongType":        {`{"type":"message_version","message_id":1,"version":"1","content":"x","edited_by":{"type":"system"}}`, "line 2: message_versions invalid"},
			"VersionBadUser":          {`{"type":"message_version","message_id":1,"version":1,"content":"x","edited_by":{"type":"user","user_id":"me"}}`, "line 2: message_versions invalid"},
			"MessageDerivedField":     {`{"type":"message","id":1,"conversation_id":1,"seq":1,"message_type":"incoming","content":"x","reply_count":3}`, "line 2: messages invalid"},
			"MessageOwnReactions":     {`{"type":"message","id":1,"conversation_id":1,"seq":1,"message_type":"incoming","content":"x","own_reactions":["👍"]}`, "line 2: messages invalid"},
			"DataAfterTheObject":      {`{"type":"reaction","message_id":1,"reaction":"👍","by":{"type":"contact"}} {}`, "line 2 invalid"},
			"ReactionTypeIsExactCase": {`{"type":"Reaction","message_id":1}`, "line 2: type unknown"},
			"VersionTypeIsItsKind":    {`{"type":"version","message_id":1}`, "line 2: type unknown"},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := readAll(t, header+tc.line+"\n")
				if err == nil {
					t.Fatal("no error")
				}
				is.New(t).Equal(field(err), tc.want)
			})
		}
	})
}
