package postgres

import (
	"context"
	"testing"

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
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
	if err != nil {
		b.Fatal(err)
	}
	for range n {
		if _, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hello there"}); err != nil {
			b.Fatal(err)
		}
	}
	return s, conv
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
