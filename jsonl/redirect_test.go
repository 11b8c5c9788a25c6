package jsonl_test

import (
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/store"
)

func TestRedirectLines(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC)

	t.Run("RoundTrip", func(t *testing.T) {
		is := is.New(t)
		x := store.Redirect{ConversationID: 7, IntoID: 3, MergedAt: at}
		bare := store.Redirect{ConversationID: 9, IntoID: 3}
		text := writeAll(t, store.Record{Redirect: &x}, store.Record{Redirect: &bare})
		is.Equal(text, header+
			`{"type":"conversation_redirect","conversation_id":7,"into_id":3,"merged_at":"2026-01-02T03:04:05.678901Z"}`+"\n"+
			`{"type":"conversation_redirect","conversation_id":9,"into_id":3}`+"\n") // zero time left out
		recs, err := readAll(t, text)
		is.NoErr(err)
		is.Equal(len(recs), 2)
		is.Equal(recs[0].Kind(), store.KindRedirect)
		is.Equal(recs[0].Line, 2)
		is.Equal(*recs[0].Redirect, x)    // read back as written
		is.Equal(*recs[1].Redirect, bare) // time zero: WithDefaults fills it
		is.Equal(jsonl.TypeRedirect, "conversation_redirect")
	})

	t.Run("BadLines", func(t *testing.T) {
		good := `{"type":"conversation_redirect","conversation_id":2,"into_id":1}` + "\n"
		for name, tc := range map[string]struct{ line, want string }{
			"UnknownField":    {`{"type":"conversation_redirect","conversation_id":2,"into_id":1,"id":4}`, "line 3: conversation_redirects invalid"},
			"IDNotNumber":     {`{"type":"conversation_redirect","conversation_id":"2","into_id":1}`, "line 3: conversation_redirects invalid"},
			"BadTime":         {`{"type":"conversation_redirect","conversation_id":2,"into_id":1,"merged_at":"today"}`, "line 3: conversation_redirects invalid"},
			"TypeIsExactCase": {`{"type":"Conversation_Redirect","conversation_id":2,"into_id":1}`, "line 3: type unknown"},
		} {
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				recs, err := readAll(t, header+good+tc.line+"\n")
				is.Equal(len(recs), 1)        // the good line before it
				is.Equal(field(err), tc.want) // named by its line
			})
		}
	})

	t.Run("ValidatedOnImport", func(t *testing.T) {
		for name, tc := range map[string]struct{ line, want string }{
			"NoConversationID": {`{"type":"conversation_redirect","into_id":1}`, "line 2: conversation_redirects.conversation_id required"},
			"NoIntoID":         {`{"type":"conversation_redirect","conversation_id":2}`, "line 2: conversation_redirects.into_id required"},
			"IntoItself":       {`{"type":"conversation_redirect","conversation_id":2,"into_id":2}`, "line 2: conversation_redirects.into_id invalid"},
			"IDTooLarge":       {`{"type":"conversation_redirect","conversation_id":9007199254740992,"into_id":1}`, "line 2: conversation_redirects.conversation_id out_of_range"},
		} {
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				recs, err := readAll(t, header+tc.line+"\n")
				is.NoErr(err) // read as it is: the store validates
				rec := recs[0]
				err = rec.Wrap(rec.WithDefaults(at).Validate())
				is.Equal(field(err), tc.want) // as Import names it
			})
		}
	})
}
