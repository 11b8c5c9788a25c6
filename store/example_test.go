package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// Walk every open conversation, oldest first, resolving each: the iterator
// fetches a page at a time and holds no connection while the loop runs, so
// the loop may write through the same store.
func ExampleConversations() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	ada, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	for range 250 {
		s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()})
	}

	resolved := 0
	open := store.ConversationFilter{Sort: store.SortCreatedAsc}
	for c, err := range store.Conversations(ctx, s, 1, open) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if _, err := s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true}); err != nil {
			fmt.Println(err)
			return
		}
		resolved++
	}
	counts, _ := s.CountConversations(ctx, 1, open)
	fmt.Println(resolved, "resolved,", counts.All, "open")
	// Output: 250 resolved, 0 open
}

// Read a conversation's messages newest first, stopping early.
func ExampleMessages() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	ada, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	conv, _ := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelSMS, HappenedAt: time.Now()})
	for i := range 5 {
		s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: fmt.Sprint("message ", i+1)})
	}

	for m, err := range store.Messages(ctx, s, 1, conv.ID, store.MessageFilter{Order: store.NewestFirst}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(m.Seq, m.Content)
		if m.Seq == 4 {
			break
		}
	}
	// Output:
	// 5 message 5
	// 4 message 4
}

// Every contact whose name, email, phone or identifier matches, by name.
func ExampleContacts() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	for _, name := range []string{"Grace", "Ada", "Alan", "Edsger"} {
		s.CreateContact(ctx, 1, convo.NewContact{FirstName: name})
	}

	for c, err := range store.Contacts(ctx, s, 1, store.ContactFilter{Query: "a"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(c.FirstName)
	}
	// Output:
	// Ada
	// Alan
}
