package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// BenchmarkSearchPages reads page 1 and page 40 (keyset, 20 a page) of a
// word in every message of 5,000 conversations of 5 messages: a message
// search newest first and by relevance, and the conversation list's q by
// last activity. A flat order costs the same on both pages.
func BenchmarkSearchPages(b *testing.B) {
	s, _, _ := benchStore(b, 5000)
	ctx := context.Background()
	const perPage, deep = 20, 40
	messages := func(order store.SearchOrder) func(cursor string) (string, error) {
		return func(cursor string) (string, error) {
			page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "words", Order: order, Page: store.After(cursor, perPage)})
			return page.Next, err
		}
	}
	for _, bc := range []struct {
		name string
		page func(cursor string) (string, error)
	}{
		{"SearchMessages/Newest", messages(store.SearchNewestFirst)},
		{"SearchMessages/Relevance", messages(store.SearchRelevance)},
		{"ListConversations/Query", func(cursor string) (string, error) {
			page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Query: "words", Page: store.After(cursor, perPage)})
			return page.Next, err
		}},
	} {
		cursors := []string{""} // cursors[n-1] reads page n
		for len(cursors) < deep {
			next, err := bc.page(cursors[len(cursors)-1])
			if err != nil || next == "" {
				b.Fatal(err, "no page", len(cursors)+1)
			}
			cursors = append(cursors, next)
		}
		for _, n := range []int{1, deep} {
			b.Run(fmt.Sprintf("%s/Page%d", bc.name, n), func(b *testing.B) {
				for range b.N {
					if _, err := bc.page(cursors[n-1]); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkSearchPagesSpread reads page 1, 40 and 200 of the conversation
// list's q when each of 25,000 messages went to one of 5,000 conversations
// at random: a deep page then meets conversations of earlier pages, whose
// older matches lie below its cursor.
func BenchmarkSearchPagesSpread(b *testing.B) {
	s, ids, _ := benchStore(b, 5000)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	var batch []store.MessageTo
	for range 25000 {
		batch = append(batch, store.MessageTo{ConversationID: ids[r.IntN(len(ids))],
			Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "other words"}})
		if len(batch) == store.MaxBatch {
			if _, err := s.AddMessages(ctx, 1, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	const perPage, deep, deeper = 20, 40, 200
	cursors := []string{""}
	for len(cursors) < deeper {
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Query: "other", Page: store.After(cursors[len(cursors)-1], perPage)})
		if err != nil || page.Next == "" {
			b.Fatal(err, "no page", len(cursors)+1)
		}
		cursors = append(cursors, page.Next)
	}
	for _, n := range []int{1, deep, deeper} {
		b.Run(fmt.Sprintf("Page%d", n), func(b *testing.B) {
			for range b.N {
				if _, err := s.ListConversations(ctx, 1, store.ConversationFilter{Query: "other", Page: store.After(cursors[n-1], perPage)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSearchSmallAccount searches an account of 20 conversations and
// 200 messages alone in its store, and beside an account of 5,000
// conversations and 100,000 messages of the same words: written before
// them, between them (two of its messages after each thousand of the
// large account's), and before them once the store has been idle and
// merged its index by levels, and after OptimizeSearch. A word, a
// three-letter prefix and the list's q: an account's search should cost
// what it costs alone.
func BenchmarkSearchSmallAccount(b *testing.B) {
	ctx := context.Background()
	conversations := func(b *testing.B, s *sqlite.Store, account int64, n int) []int64 {
		c, err := s.CreateContact(ctx, account, convo.NewContact{FirstName: "Bench"})
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]int64, n)
		for i := range ids {
			conv, err := s.CreateConversation(ctx, account, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()})
			if err != nil {
				b.Fatal(err)
			}
			ids[i] = conv.ID
		}
		return ids
	}
	// add adds the i-th batch of the size given to the conversations.
	add := func(b *testing.B, s *sqlite.Store, account int64, ids []int64, i, size int) {
		batch := make([]store.MessageTo, size)
		bulkBatch(batch, i, ids)
		if _, err := s.AddMessages(ctx, account, batch); err != nil {
			b.Fatal(err)
		}
	}
	const smallEach = 2 // the small account's messages between two of the large's batches
	open := func(b *testing.B, layout string) *sqlite.Store {
		s, err := sqlite.Open(b.TempDir()+"/bench.db", sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		small := conversations(b, s, 2, 20)
		if layout == "Alone" {
			add(b, s, 2, small, 0, 200)
			return s
		}
		large := conversations(b, s, 1, 5000)
		if layout != "Interleaved" {
			add(b, s, 2, small, 0, 200)
		}
		for i := range 100000 / store.MaxBatch {
			add(b, s, 1, large, i, store.MaxBatch)
			if layout == "Interleaved" {
				add(b, s, 2, small, i, smallEach)
			}
		}
		return s
	}
	for _, layout := range []string{"Alone", "BesideLarge", "Interleaved", "BesideLargeIdle", "BesideLargeOptimized"} {
		s := open(b, layout)
		if layout == "BesideLargeIdle" {
			start := time.Now()
			for !sqlite.IdleMerged(s) {
				time.Sleep(10 * time.Millisecond)
			}
			b.Logf("idle, then merged by levels: %v", time.Since(start))
		}
		if layout == "BesideLargeOptimized" {
			start := time.Now()
			if err := s.OptimizeSearch(ctx); err != nil {
				b.Fatal(err)
			}
			b.Logf("OptimizeSearch of 100,200 messages: %v", time.Since(start))
		}
		for _, q := range []struct{ name, query string }{{"Word", "invoice"}, {"Prefix", "inv*"}} {
			b.Run(layout+"/SearchMessages/"+q.name, func(b *testing.B) {
				for range b.N {
					if _, err := s.SearchMessages(ctx, 2, store.MessageSearch{Query: q.query, Page: store.After("", 25)}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(layout+"/ListConversations/"+q.name, func(b *testing.B) {
				for range b.N {
					if _, err := s.ListConversations(ctx, 2, store.ConversationFilter{Query: q.query, Page: store.After("", 25)}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
