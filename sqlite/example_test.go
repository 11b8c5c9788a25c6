package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

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

// The inbox: a filtered, sorted page with the four counts of Chatwoot's
// meta, taken before the assignee filter so they read the same on every tab.
func ExampleStore_ListConversations() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	agent := uuid.MustParse("00000000-0000-4000-8000-000000000007")
	contact, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	for i := range 5 {
		conv, _ := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID,
			Channel: convo.ChannelEmail, HappenedAt: time.Now(), Labels: []string{"billing"}})
		if i < 2 {
			s.Assign(ctx, 1, conv.ID, convo.Assignment{AssigneeID: agent, Quiet: true})
		}
		s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: fmt.Sprintf("Question %d", i)})
	}

	page, _ := s.ListConversations(ctx, 1, store.ConversationFilter{
		Assignee: store.AssigneeMine, Agent: agent, Labels: []string{"billing"},
		Page: store.PageNumber(1, 25),
	})
	counts, _ := s.CountConversations(ctx, 1, store.ConversationFilter{Agent: agent, Labels: []string{"billing"}})
	fmt.Println(len(page.Items), page.Meta.Total, page.Items[0].LastNonActivityMessage.Content)
	fmt.Printf("mine %d, unassigned %d, assigned %d, all %d\n", counts.Mine, counts.Unassigned, counts.Assigned, counts.All)
	// Output:
	// 2 2 Question 1
	// mine 2, unassigned 3, assigned 2, all 5
}

// Status changes write an activity message into the timeline (unless Quiet);
// an incoming message reopens a resolved conversation.
func ExampleStore_ChangeStatus() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	contact, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	conv, _ := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()})

	conv, _ = s.ChangeStatus(ctx, 1, conv.ID, convo.StatusChange{Toggle: true})
	fmt.Println(conv.Status, conv.LastNonActivityMessage == nil, conv.MessagesCount)
	conv, _ = s.ChangeStatus(ctx, 1, conv.ID, convo.StatusChange{Status: convo.StatusSnoozed}) // until the next reply
	s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Still there?"})
	conv, _ = s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
	fmt.Println(conv.Status, conv.UnreadCount)
	conv, _ = s.MarkRead(ctx, 1, conv.ID, uuid.MustParse("00000000-0000-4000-8000-000000000007"))
	fmt.Println(conv.UnreadCount)
	// Output:
	// resolved true 1
	// open 1
	// 0
}

// Full-text search: the list's q, and message search with snippets. Query
// syntax typed by a user is searched as words, never an error.
func ExampleStore_SearchMessages() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	contact, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	conv, _ := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()})
	s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "My invoice shows the wrong address."})
	s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Invoices are due on Friday."})

	hits, _ := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "invoice*", SnippetStart: "[", SnippetEnd: "]"})
	for _, h := range hits.Items {
		fmt.Println(h.Snippet)
	}
	page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Query: `"wrong address" NEAR(`})
	fmt.Println(len(page.Items), err)
	// Output:
	// [Invoices] are due on Friday.
	// My [invoice] shows the wrong address.
	// 0 <nil>
}

// The users API: a viewer sees the conversations they take part in, directly or
// through an audience, with what they have not seen yet.
func ExampleStore_MarkSeen() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	alice := uuid.MustParse("7db2c508-1758-4b84-bb68-50b5c8e1f458")
	carol := convo.Viewer{UserID: uuid.MustParse("3f0a4c5e-8a61-4a7e-9d65-1c2f7b9e0d21"), AudienceIDs: []int64{15}}
	contact, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Acme"})
	conv, _ := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelWeb,
		HappenedAt: time.Now(), AuthorID: alice, AudienceIDs: []int64{15}})
	s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageOutgoing, AuthorID: alice, Content: "Logo ready"})
	last, _ := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageOutgoing, AuthorID: alice, Content: "Colours too"})

	unseen, _ := s.CountUnseen(ctx, 1, carol)
	fmt.Println("carol, through audience 15:", unseen, "unseen")
	c, _ := s.MarkSeen(ctx, 1, conv.ID, carol, last.ID)
	fmt.Println("after marking seen:", c.UnseenMessagesCount)
	// Output:
	// carol, through audience 15: 2 unseen
	// after marking seen: 0
}
