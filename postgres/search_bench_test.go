package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// BenchmarkSearchAccount times the search of an account of 100
// conversations and 5,000 messages, "invoice" in one message of a hundred,
// alone in its database and beside an account of 5,000 conversations and
// 100,000 messages written between its own, "invoice" in every other one.
// Messages go to the conversations in turn.
// A word, a three-letter prefix and a word in one message of a thousand,
// by SearchMessages and the list's q: an account's search should cost
// what it costs alone, whatever the other accounts hold.
func BenchmarkSearchAccount(b *testing.B) {
	ctx := context.Background()
	conversations := func(s *Store, account int64, n int) []int64 {
		c, err := s.CreateContact(ctx, account, convo.NewContact{FirstName: "Bench"})
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]int64, n)
		for i := range ids {
			conv, err := s.CreateConversation(ctx, account, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
			if err != nil {
				b.Fatal(err)
			}
			ids[i] = conv.ID
		}
		return ids
	}
	// add adds the messages [from, from+n) of an account, one in every
	// (at random) saying "invoice".
	r := rand.New(rand.NewPCG(1, 2))
	add := func(s *Store, account int64, ids []int64, from, n, every int) {
		batch := make([]store.MessageTo, n)
		for k := range batch {
			i := from + k
			words := []string{"order", fmt.Sprintf("w%d", i%997), fmt.Sprintf("x%d", i%89), "refund"}
			if r.IntN(every) == 0 {
				words = append(words, "invoice")
			}
			if i%1000 == 7 {
				words = append(words, "receipt")
			}
			batch[k] = store.MessageTo{ConversationID: ids[i%len(ids)],
				Message: convo.NewMessage{Type: convo.MessageIncoming, Content: strings.Join(words, " ")}}
		}
		if _, err := s.AddMessages(ctx, account, batch); err != nil {
			b.Fatal(err)
		}
	}
	for _, layout := range []string{"Alone", "Beside"} {
		url := newConvoDatabase(b)
		s := openStore(b, url, Options{})
		own := conversations(s, 2, 100)
		var large []int64
		if layout == "Beside" {
			large = conversations(s, 1, 5000)
		}
		start := time.Now()
		for i := range 5000 / 50 {
			add(s, 2, own, i*50, 50, 100)
			if large != nil {
				add(s, 1, large, i*store.MaxBatch, store.MaxBatch, 2)
			}
		}
		if err := s.Vacuum(ctx); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: loaded and vacuumed in %v", layout, time.Since(start))
		// the rare word last, after the plans of the others' calls
		for _, q := range []struct{ name, query string }{{"Word", "invoice"}, {"Prefix", "inv*"}, {"Rare", "receipt"}} {
			b.Run(layout+"/SearchMessages/"+q.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := s.SearchMessages(ctx, 2, store.MessageSearch{Query: q.query, Page: store.After("", 25)}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(layout+"/ListConversations/"+q.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := s.ListConversations(ctx, 2, store.ConversationFilter{Query: q.query, Page: store.After("", 25)}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
