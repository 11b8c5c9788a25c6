package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// The hot paths of a message on PostgreSQL: an append (pipelined), a
// reply (the general path), a read and a page of a conversation.

// benchConversation is a store with one conversation of n messages.
func benchConversation(b *testing.B, n int) (*Store, convo.Conversation) {
	b.Helper()
	ctx := context.Background()
	s := openStore(b, newConvoDatabase(b), Options{})
	conv := newConversation(b, s, 1)
	for range n {
		if _, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hello there"}); err != nil {
			b.Fatal(err)
		}
	}
	return s, conv
}

// newConversation creates a contact of the account and an email
// conversation with it.
func newConversation(t testing.TB, s *Store, account int64) convo.Conversation {
	t.Helper()
	ctx := context.Background()
	c, err := s.CreateContact(ctx, account, convo.NewContact{FirstName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	conv, err := s.CreateConversation(ctx, account, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
	if err != nil {
		t.Fatal(err)
	}
	return conv
}

// BenchmarkInboxPage1 reads the first page of an agent's inbox, with its
// count, among 500 conversations with attributes, labels and a last
// message: the columns a page converts.
func BenchmarkInboxPage1(b *testing.B) {
	ctx := context.Background()
	url := newConvoDatabase(b)
	s := openStore(b, url, Options{})
	agent := uuid.New()
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada", CustomAttributes: convo.Attributes{"plan": "pro"}})
	if err != nil {
		b.Fatal(err)
	}
	var batch []store.MessageTo
	for i := range 500 {
		in := convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt,
			Labels: []string{"billing"}, CustomAttributes: convo.Attributes{"order": i, "priority": "high"}}
		if i%2 == 0 {
			in.AssigneeID = agent
		}
		conv, err := s.CreateConversation(ctx, 1, in)
		if err != nil {
			b.Fatal(err)
		}
		for k := range 3 {
			typ := convo.MessageIncoming
			if k%2 == 1 {
				typ = convo.MessageOutgoing
			}
			batch = append(batch, store.MessageTo{ConversationID: conv.ID, Message: convo.NewMessage{Type: typ, Content: "some words here"}})
		}
		if len(batch) >= store.MaxBatch-3 || i == 499 {
			if _, err := s.AddMessages(ctx, 1, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	rawExec(b, url, "ANALYZE")
	f := store.ConversationFilter{Assignee: store.AssigneeMine, Agent: agent, Page: store.PageNumber(1, 25)}
	b.ReportAllocs()
	for b.Loop() {
		page, err := s.ListConversations(ctx, 1, f)
		if err != nil || len(page.Items) != 25 {
			b.Fatal(len(page.Items), err)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	s, conv := benchConversation(b, 0)
	for b.Loop() {
		if _, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hello there"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetConversation reads a conversation with its newest 50
// messages, as an agent opening it would.
func BenchmarkGetConversation(b *testing.B) {
	ctx := context.Background()
	s, conv := benchConversation(b, 60)
	b.ReportAllocs()
	for b.Loop() {
		c, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: 50})
		if err != nil || len(c.Messages) != 50 {
			b.Fatal(len(c.Messages), err)
		}
	}
}

func BenchmarkGetMessage(b *testing.B) {
	ctx := context.Background()
	s, conv := benchConversation(b, 1)
	for b.Loop() {
		if _, err := s.GetMessage(ctx, 1, conv.ID); err != nil { // the first message's id is the conversation's here
			b.Fatal(err)
		}
	}
}

func BenchmarkListMessages(b *testing.B) {
	ctx := context.Background()
	s, conv := benchConversation(b, 100)
	for b.Loop() {
		if _, err := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{Order: store.NewestFirst, Page: store.After("", 50)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendReply(b *testing.B) {
	ctx := context.Background()
	s, conv := benchConversation(b, 1)
	for b.Loop() {
		in := convo.NewMessage{Type: convo.MessageIncoming, Content: "hello there", ReplyToID: conv.ID} // the first message's id is the conversation's here
		if _, err := s.AddMessage(ctx, 1, conv.ID, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddMessages loads batches of store.MaxBatch messages as a bulk
// load does: ten messages each of a hundred conversations, mostly incoming
// with a source id, some replies by an agent, a few activity messages. One
// op is one batch. The conversations are made first and analyzed, as a
// load's would be by autovacuum: planned on an empty table, the foreign
// key's check of each message scans the account's conversations.
func BenchmarkAddMessages(b *testing.B) {
	ctx := context.Background()
	url := newConvoDatabase(b)
	s := openStore(b, url, Options{})
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	const conversations, perConversation = 1000, 10
	var ids []int64
	for range conversations {
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, conv.ID)
	}
	rawExec(b, url, "ANALYZE")
	r := rand.New(rand.NewPCG(1, 2))
	// words of a Zipf law over a vocabulary as large as a load's, so that
	// the words index sees as many distinct words
	words := make([]string, 20000)
	for i := range words {
		w := make([]byte, 3+r.IntN(8))
		for k := range w {
			w[k] = byte('a' + r.IntN(26))
		}
		words[i] = string(w)
	}
	zipf := rand.NewZipf(r, 1.07, 1, uint64(len(words)-1))
	agent := uuid.New()
	serial, next := 0, 0
	batch := make([]store.MessageTo, 0, store.MaxBatch)
	for b.Loop() {
		b.StopTimer()
		batch = batch[:0]
		for len(batch) < store.MaxBatch {
			id := ids[next%len(ids)]
			next++
			for k := range perConversation {
				text := make([]string, 8+r.IntN(33))
				for i := range text {
					text[i] = words[zipf.Uint64()]
				}
				m := convo.NewMessage{Type: convo.MessageIncoming, Content: strings.Join(text, " ")}
				switch x := r.IntN(100); {
				case k == 0 || x < 50:
					if r.IntN(100) < 80 {
						serial++
						m.SourceID = fmt.Sprintf("src-%d", serial)
					}
				case x < 90:
					m.Type, m.AuthorID = convo.MessageOutgoing, agent
				default:
					m.Type = convo.MessageActivity
				}
				batch = append(batch, store.MessageTo{ConversationID: id, Message: m})
			}
		}
		b.StartTimer()
		if _, err := s.AddMessages(ctx, 1, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*store.MaxBatch)/b.Elapsed().Seconds(), "msgs/s")
}
