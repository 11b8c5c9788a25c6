package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
	"github.com/convokit/convo/store/storetest"
)

// Fuzz targets (the seed corpora run with the normal tests):
//
//	go test ./sqlite -run '^$' -fuzz FuzzAddMessage -fuzztime 5m

func FuzzAddMessage(f *testing.F)         { storetest.FuzzAddMessage(f, newStore) }
func FuzzConversationFilter(f *testing.F) { storetest.FuzzConversationFilter(f, newStore) }
func FuzzCursor(f *testing.F)             { storetest.FuzzCursor(f, newStore) }

// FuzzSearchQuery feeds any text to every search of the store: it must give
// results or none, or a *convo.ValidationError, never another error or a
// panic. Its seed corpus (storetest.NastySearches and a few more) runs in
// every `go test`; `go test -fuzz FuzzSearchQuery ./sqlite` explores further.
func FuzzSearchQuery(f *testing.F) {
	for _, q := range storetest.NastySearches {
		f.Add(q)
	}
	for _, q := range []string{"", "alpha", "alpha*", `"alpha beta"`, "bad \xff", "nul\x00", strings.Repeat("x", 2000),
		`"a""b"`, `a"b"c*`, `""*`, `"*"`, "NEAR/3", "a:b:c", "\u200b", "\ufeffalpha"} {
		f.Add(q)
	}
	ctx := context.Background()
	s := newStore(f, nil)
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Alpha", Email: "alpha@example.com"})
	if err != nil {
		f.Fatal(err)
	}
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
	if err != nil {
		f.Fatal(err)
	}
	for _, text := range []string{`alpha beta "gamma" NEAR( col:val -x a OR b`, "café naïve 日本語 🙂"} {
		if _, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: text}); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, parseErr := convo.ParseSearch("q", q)
		check := func(what string, err error) {
			t.Helper()
			var ve *convo.ValidationError
			switch {
			case parseErr == nil && err != nil:
				t.Fatalf("%s(%q): %v", what, q, err)
			case parseErr != nil && !errors.As(err, &ve):
				t.Fatalf("%s(%q): want a ValidationError, got %v", what, q, err)
			}
		}
		_, err := s.ListConversations(ctx, 1, store.ConversationFilter{Query: q, IncludePrivate: true})
		check("ListConversations", err)
		_, err = s.CountConversations(ctx, 1, store.ConversationFilter{Query: q})
		check("CountConversations", err)
		_, err = s.ListContacts(ctx, 1, store.ContactFilter{Query: q})
		check("ListContacts", err)
		if strings.TrimSpace(q) != "" {
			_, err = s.SearchMessages(ctx, 1, store.MessageSearch{Query: q, Order: store.SearchRelevance})
			check("SearchMessages", err)
		}
	})
}
