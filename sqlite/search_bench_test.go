package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/convokit/convo"
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
