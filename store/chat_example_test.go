package store_test

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

// chatConversation opens a store in memory with one conversation: the
// setup every example below shares.
func chatConversation(ctx context.Context) (*sqlite.Store, convo.Conversation) {
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	ada, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	conv, _ := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelWhatsApp, HappenedAt: time.Now()})
	return s, conv
}

// React to a message as an agent and as the contact. Each reactor has one
// of each reaction on a message, so a repeated add (a channel's webhook
// delivered twice) changes nothing.
func ExampleStore_AddReaction() {
	ctx := context.Background()
	s, conv := chatConversation(ctx)
	defer s.Close()
	agent := uuid.MustParse("5d0c7a3e-2c4b-4f51-9a3e-0b6f2d8c1e47")
	m, _ := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageOutgoing, AuthorID: agent, Content: "Your order has shipped."})

	s.AddReaction(ctx, 1, m.ID, convo.ContactActor(), "👍")
	s.AddReaction(ctx, 1, m.ID, convo.ContactActor(), "👍")
	m, err := s.AddReaction(ctx, 1, m.ID, convo.UserActor(agent), "🎉")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Reactions["👍"], m.Reactions["🎉"])

	// Who reacted, by reaction (bytewise) then in the order they did.
	page, _ := s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{})
	for _, r := range page.Items {
		fmt.Println(r.Reaction, r.By.Type)
	}
	// Output:
	// 1 1
	// 🎉 user
	// 👍 contact
}

// Reply to a message: by its id, or by the id its channel gave it, as
// WhatsApp's and Slack's quoted replies name it. A quoted message the store
// never had makes no reply. The timeline holds the replies too; TopLevel
// leaves them to the thread.
func ExampleStore_ListReplies() {
	ctx := context.Background()
	s, conv := chatConversation(ctx)
	defer s.Close()
	say := func(in convo.NewMessage) convo.Message {
		in.Type = convo.MessageIncoming
		m, err := s.AddMessage(ctx, 1, conv.ID, in)
		if err != nil {
			fmt.Println(err)
		}
		return m
	}
	parent := say(convo.NewMessage{Content: "Where is my order?", SourceID: "wamid.1"})
	say(convo.NewMessage{Content: "It was due Monday.", ReplyToID: parent.ID})
	say(convo.NewMessage{Content: "Order 1234.", ReplyToSourceID: "wamid.1"})
	say(convo.NewMessage{Content: "Hello?", ReplyToSourceID: "wamid.unknown"})

	replies, _ := s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{})
	for _, m := range replies.Items {
		fmt.Println("reply", m.Seq, m.Content)
	}
	top, _ := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{TopLevel: true})
	for _, m := range top.Items {
		fmt.Println("top", m.Seq, m.Content, m.ReplyCount)
	}
	// Output:
	// reply 2 It was due Monday.
	// reply 3 Order 1234.
	// top 1 Where is my order? 2
	// top 4 Hello? 0
}

// Edit a message: each new content keeps the one it replaced as a version,
// with who made the edit (the message's sender unless EditedBy says).
func ExampleStore_ListMessageVersions() {
	ctx := context.Background()
	s, conv := chatConversation(ctx)
	defer s.Close()
	agent := uuid.MustParse("5d0c7a3e-2c4b-4f51-9a3e-0b6f2d8c1e47")
	m, _ := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageOutgoing, AuthorID: agent, Content: "Teh parcel left."})

	for _, text := range []string{"The parcel left.", "The parcel left today."} {
		if _, err := s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &text}); err != nil {
			fmt.Println(err)
			return
		}
	}
	m, _ = s.GetMessage(ctx, 1, m.ID)
	fmt.Println(m.Content, m.EditCount)
	versions, _ := s.ListMessageVersions(ctx, 1, m.ID)
	for _, v := range versions {
		fmt.Println(v.Version, v.Content, v.EditedBy.UserID == agent)
	}
	// Output:
	// The parcel left today. 2
	// 1 Teh parcel left. true
	// 2 The parcel left. true
}

// Delete a message: a tombstone keeps its place in the timeline (a chat
// shows "message deleted") and its content is gone. It no longer counts
// as unread, and takes no new content. PurgeMessage removes it for good.
func ExampleStore_DeleteMessage() {
	ctx := context.Background()
	s, conv := chatConversation(ctx)
	defer s.Close()
	s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Hi"})
	m, _ := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "My card is 4111 1111 1111 1111"})

	s.DeleteMessage(ctx, 1, m.ID)
	page, _ := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{})
	for _, m := range page.Items {
		fmt.Printf("%d %q deleted=%v\n", m.Seq, m.Content, m.Deleted())
	}
	c, _ := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
	fmt.Println("messages", c.MessagesCount, "unread", c.UnreadCount)

	text := "edited"
	_, err := s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &text})
	var invalid *convo.ValidationError
	if errors.As(err, &invalid) {
		fmt.Println(invalid.Errors[0].Field, invalid.Errors[0].Code)
	}

	s.PurgeMessage(ctx, 1, m.ID)
	c, _ = s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
	fmt.Println("messages", c.MessagesCount)
	// Output:
	// 1 "Hi" deleted=false
	// 2 "" deleted=true
	// messages 2 unread 1
	// content deleted
	// messages 1
}
