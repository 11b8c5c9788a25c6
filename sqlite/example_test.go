package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// A store in memory: for tests and fixtures. Pass a file path to keep the data.
func ExampleOpen() {
	s, err := sqlite.Open(":memory:", sqlite.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	c, err := s.CreateContact(context.Background(), 1, convo.NewContact{FirstName: "John", LastName: "Doe"})
	fmt.Println(c.CompleteName(), c.Initials(), err)
	// Output: John Doe JD <nil>
}

// Creating a conversation needs a contact, a channel and when it happened,
// as Monica's API; a missing one is a ValidationError naming the field.
func ExampleStore_CreateConversation() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	contact, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Soledad"})

	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{
		ContactID:  contact.ID,
		Channel:    convo.ChannelTwitter,
		HappenedAt: time.Date(1977, 6, 9, 2, 0, 51, 0, time.UTC),
		Labels:     []string{"Friends", "travel"},
	})
	fmt.Println(conv.Status, conv.Channel, conv.HappenedAt.Format(time.DateOnly), conv.Labels, err)

	_, err = s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID})
	var invalid *convo.ValidationError
	if errors.As(err, &invalid) {
		for _, fe := range invalid.Errors {
			fmt.Println(fe.Field, fe.Code)
		}
	}
	// Output:
	// open twitter 1977-06-09 [friends travel] <nil>
	// channel required
	// happened_at required
}

// Adding a message moves the conversation's activity and counters in the
// same transaction; a retried add with the same source id returns the first
// message and writes nothing.
func ExampleStore_AddMessage() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	contact, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	conv, _ := s.CreateConversation(ctx, 1, convo.NewConversation{
		ContactID: contact.ID, Channel: convo.ChannelWhatsApp, HappenedAt: time.Now(),
	})

	in := convo.NewMessage{Type: convo.MessageIncoming, Content: "Is my order on its way?", SourceID: "wamid.42"}
	first, _ := s.AddMessage(ctx, 1, conv.ID, in)
	retry, _ := s.AddMessage(ctx, 1, conv.ID, in)
	fmt.Println(first.Seq, first.ID == retry.ID)

	writtenByMe := true
	reply, _ := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{WrittenByMe: &writtenByMe, Content: "It ships today."})
	fmt.Println(reply.Seq, reply.Type, reply.WrittenByMe())

	conv, _ = s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
	fmt.Println(conv.MessagesCount, conv.UnreadCount, conv.CanReply, len(conv.Messages))
	// Output:
	// 1 true
	// 2 outgoing true
	// 2 1 true 2
}
