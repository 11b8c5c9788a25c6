package sqlite_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// benchStore is a file store with n conversations of 5 messages each.
func benchStore(b *testing.B, n int) (*sqlite.Store, []int64, uuid.UUID) {
	b.Helper()
	return benchStoreWith(b, n, sqlite.Options{})
}

// benchStoreWith is benchStore with options.
func benchStoreWith(b *testing.B, n int, opts sqlite.Options) (*sqlite.Store, []int64, uuid.UUID) {
	b.Helper()
	s, err := sqlite.Open(b.TempDir()+"/bench.db", opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	agent := uuid.New()
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	var batch []store.MessageTo
	for i := range n {
		in := convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now(), Labels: []string{"a"}}
		if i%2 == 0 {
			in.AssigneeID = agent
		}
		conv, err := s.CreateConversation(ctx, 1, in)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, conv.ID)
		for k := range 5 {
			typ := convo.MessageIncoming
			if k%2 == 1 {
				typ = convo.MessageOutgoing
			}
			batch = append(batch, store.MessageTo{ConversationID: conv.ID, Message: convo.NewMessage{Type: typ, Content: "some words here"}})
			if len(batch) == store.MaxBatch {
				if _, err := s.AddMessages(ctx, 1, batch); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
	}
	if len(batch) > 0 {
		if _, err := s.AddMessages(ctx, 1, batch); err != nil {
			b.Fatal(err)
		}
	}
	return s, ids, agent
}

func BenchmarkGetConversation(b *testing.B) {
	s, ids, _ := benchStore(b, 2000)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.GetConversation(ctx, 1, ids[i%len(ids)], store.GetConversationOptions{Messages: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInboxPage1 reads the first page of an agent's inbox, with the
// row cache (the default) and without it (RowCache -1): what the cache buys.
func BenchmarkInboxPage1(b *testing.B) {
	for _, bc := range []struct {
		name     string
		rowCache int
	}{{"RowCache", 0}, {"NoRowCache", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			s, _, agent := benchStoreWith(b, 2000, sqlite.Options{RowCache: bc.rowCache})
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				if _, err := s.ListConversations(ctx, 1, store.ConversationFilter{Assignee: store.AssigneeMine, Agent: agent,
					Page: store.PageNumber(1, 25)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCounts(b *testing.B) {
	s, _, agent := benchStore(b, 2000)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if _, err := s.CountConversations(ctx, 1, store.ConversationFilter{Agent: agent}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	s, ids, _ := benchStore(b, 200)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.AddMessage(ctx, 1, ids[i%len(ids)], convo.NewMessage{Type: convo.MessageIncoming, Content: "more words"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendReaders appends to conversations with three participants
// (each has a horizon, so every incoming message is one more unseen for
// each of them), who write one message in four.
func BenchmarkAppendReaders(b *testing.B) {
	s, ids, _ := benchStore(b, 200)
	ctx := context.Background()
	users := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	for _, id := range ids {
		if _, err := s.AddParticipants(ctx, 1, id, convo.ParticipantChange{UserIDs: users}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		in := convo.NewMessage{Type: convo.MessageIncoming, Content: "more words"}
		if i%4 == 3 {
			in = convo.NewMessage{Type: convo.MessageOutgoing, Content: "a reply", AuthorID: users[i%3]}
		}
		if _, err := s.AddMessage(ctx, 1, ids[i%len(ids)], in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListMessages reads a page of 50 messages as a user sees them:
// plain messages, and messages that each carry two reactions (one the
// viewer's), a reply count and an edit, which a page then reads too (the
// thread column, and one query for the viewer's own reactions).
func BenchmarkListMessages(b *testing.B) {
	for _, threads := range []bool{false, true} {
		name := "Plain"
		if threads {
			name = "Threads"
		}
		b.Run(name, func(b *testing.B) {
			s, ids, _ := benchStore(b, 10)
			ctx := context.Background()
			viewer := convo.Viewer{UserID: uuid.New()}
			conv := ids[0]
			var list []convo.Message
			for i := range 50 {
				m, err := s.AddMessage(ctx, 1, conv, convo.NewMessage{Type: convo.MessageIncoming, Content: "a thread message"})
				if err != nil {
					b.Fatal(err)
				}
				list = append(list, m)
				if !threads || i == 0 {
					continue
				}
				edited := "an edited thread message"
				for _, err := range []error{
					second(s.AddReaction(ctx, 1, m.ID, convo.UserActor(viewer.UserID), "👍")),
					second(s.AddReaction(ctx, 1, m.ID, convo.ContactActor(), "🎉")),
					second(s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &edited})),
					second(s.AddMessage(ctx, 1, conv, convo.NewMessage{Type: convo.MessageOutgoing, Content: "re", ReplyToID: list[i-1].ID})),
				} {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			if _, err := s.AddParticipants(ctx, 1, conv, convo.ParticipantChange{UserIDs: []uuid.UUID{viewer.UserID}}); err != nil {
				b.Fatal(err)
			}
			f := store.MessageFilter{Order: store.NewestFirst, Viewer: &viewer, Page: store.After("", 50)}
			b.ResetTimer()
			for range b.N {
				if _, err := s.ListMessages(ctx, 1, conv, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

// BenchmarkAddMessages loads batches of store.MaxBatch messages of 8 to 40
// words, spread over 2,000 conversations, as a host's migration does; the
// full-text indexing they cause is part of the time, to the end (Close).
func BenchmarkAddMessages(b *testing.B) {
	s, ids, _ := benchStore(b, 2000)
	ctx := context.Background()
	batch := make([]store.MessageTo, store.MaxBatch)
	b.ResetTimer()
	for i := range b.N {
		bulkBatch(batch, i, ids)
		if _, err := s.AddMessages(ctx, 1, batch); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil { // indexes what is left, as BenchmarkImport's does
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "msg/s")
}

// BenchmarkImport imports a JSON Lines export of 2,000 conversations and
// 50,000 messages (BenchmarkAddMessages's) into an empty store, the other
// way a host loads its data, and closes it, which completes the full-text
// index; msg/s compares with BenchmarkAddMessages's.
func BenchmarkImport(b *testing.B) {
	src, ids, _ := benchStore(b, 2000)
	ctx := context.Background()
	batch := make([]store.MessageTo, store.MaxBatch)
	for i := range 40 {
		bulkBatch(batch, i, ids)
		if _, err := src.AddMessages(ctx, 1, batch); err != nil {
			b.Fatal(err)
		}
	}
	var export bytes.Buffer
	if err := jsonl.Export(ctx, &export, src, 1); err != nil {
		b.Fatal(err)
	}
	var messages int
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		s, err := sqlite.Open(b.TempDir()+"/import.db", sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		stats, err := jsonl.Import(ctx, bytes.NewReader(export.Bytes()), s, 1, store.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		// Close indexes what the indexer has not yet: timed, as the
		// indexing of BenchmarkAddMessages's batches is.
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		messages += stats.Messages
	}
	b.ReportMetric(float64(messages)/b.Elapsed().Seconds(), "msg/s")
}

// bulkBatch fills batch with the i-th batch of messages of 8 to 40 words over
// the conversations, about three in five incoming.
func bulkBatch(batch []store.MessageTo, i int, conversations []int64) {
	var text strings.Builder
	for k := range batch {
		n := i*len(batch) + k
		text.Reset()
		for w := range 8 + n%33 {
			if w > 0 {
				text.WriteByte(' ')
			}
			text.WriteString(bulkWords[(n*7+w*w)%len(bulkWords)])
		}
		typ := convo.MessageIncoming
		if n%5 >= 3 {
			typ = convo.MessageOutgoing
		}
		batch[k] = store.MessageTo{ConversationID: conversations[(n/3)%len(conversations)],
			Message: convo.NewMessage{Type: typ, Content: text.String(), SourceID: "src-" + strconv.Itoa(n)}}
	}
}

var bulkWords = strings.Fields("invoice refund shipping order delivery account password reset billing plan upgrade " +
	"cancel subscription support ticket agent customer email phone address payment card bank transfer " +
	"receipt tracking parcel warehouse return exchange size colour discount coupon")
