package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// BenchmarkRowCacheMemory reports what a cached conversation row costs in
// heap (bytes/row): a conversation with two labels, an assignee, a contact
// with a name, an email and an attribute, and a last message of a hundred
// characters, walked once by keyset pages so that every row is cached.
func BenchmarkRowCacheMemory(b *testing.B) {
	const n = 5000
	s, err := Open(filepath.Join(b.TempDir(), "m.db"), Options{RowCache: n})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	agent := uuid.New()
	for i := range n {
		c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada", LastName: fmt.Sprintf("Lovelace %d", i),
			Email: fmt.Sprintf("ada%d@example.com", i), CustomAttributes: convo.Attributes{"plan": "pro"}})
		if err != nil {
			b.Fatal(err)
		}
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail,
			HappenedAt: time.Now(), AssigneeID: agent, Labels: []string{"billing", "vip"}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming,
			Content: "Hello, my invoice for last month shows a charge I do not recognise. Could you look into it?"}); err != nil {
			b.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	for range b.N {
		s.rows = newRowCache(n)
		runtime.GC()
		runtime.ReadMemStats(&before)
		walkAll(b, s)
		runtime.GC()
		runtime.ReadMemStats(&after)
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(s.rows.rows)), "bytes/row")
}

// walkAll lists every open conversation of account 1 by keyset pages.
func walkAll(t testing.TB, s *Store) {
	ctx := context.Background()
	cursor := ""
	for {
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Page: store.After(cursor, store.MaxPerPage)})
		if err != nil {
			t.Fatal(err)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
}
