// Command chat runs the users API's conversations between users of a host
// application on convo: a user starts a conversation with other users and an
// audience (a group the host owns), each user sees only the conversations
// they take part in, and each sees which messages they have not seen yet. It
// keeps its database in a temporary directory, or in the file named by its
// first argument.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		log.Fatal(err)
	}
}

const (
	account = 1
	// designers is an audience of the host: which users belong to it is the
	// host's business, told to convo through each user's Viewer.
	designers = 15
)

// The users of the host application.
var (
	alice = uuid.MustParse("7db2c508-1758-4b84-bb68-50b5c8e1f458")
	bob   = uuid.MustParse("7d503e59-18f2-4028-95fc-177fa25820c8")
	carol = uuid.MustParse("3f0a4c5e-8a61-4a7e-9d65-1c2f7b9e0d21") // a designer
	dave  = uuid.MustParse("5b8e2d14-6c3a-4f1b-a0e7-9d4c2b1a8f36") // takes no part
)

// viewers are the users as the host describes them to convo.
var viewers = map[string]convo.Viewer{
	"alice": {UserID: alice},
	"bob":   {UserID: bob},
	"carol": {UserID: carol, AudienceIDs: []int64{designers}},
	"dave":  {UserID: dave},
}

func run(ctx context.Context, args []string) error {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("convo-chat-%d.db", os.Getpid()))
	if len(args) > 0 {
		path = args[0]
	} else {
		defer os.Remove(path)
	}
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		return err
	}
	defer s.Close()

	// Every conversation is with a contact; here the contact is the topic's
	// external party, a customer.
	customer, err := s.CreateContact(ctx, account, convo.NewContact{FirstName: "Acme Corp"})
	if err != nil {
		return err
	}
	// Alice starts a conversation with Bob and the designers.
	conv, err := s.CreateConversation(ctx, account, convo.NewConversation{
		ContactID: customer.ID, Channel: convo.ChannelWeb, HappenedAt: time.Now(),
		AuthorID: alice, UserIDs: []uuid.UUID{bob}, AudienceIDs: []int64{designers},
	})
	if err != nil {
		return err
	}
	fmt.Printf("conversation %d by alice: %d users, audiences %v\n", conv.ID, len(conv.UserIDs), conv.AudienceIDs)

	say := func(author uuid.UUID, text string) (convo.Message, error) {
		return s.AddMessage(ctx, account, conv.ID, convo.NewMessage{
			Type: convo.MessageOutgoing, AuthorID: author, Content: text,
		})
	}
	if _, err := say(alice, "The new logo is ready for review."); err != nil {
		return err
	}
	last, err := say(bob, "Looks great. Carol, can you check the colours?")
	if err != nil {
		return err
	}

	// What each user sees: Dave takes no part, so the conversation is not
	// there for him at all.
	for _, name := range []string{"alice", "bob", "carol", "dave"} {
		v := viewers[name]
		page, err := s.ListConversations(ctx, account, store.ConversationFilter{Viewer: &v})
		if err != nil {
			return err
		}
		unseen, err := s.CountUnseen(ctx, account, v)
		if err != nil {
			return err
		}
		fmt.Printf("%-5s sees %d conversation(s), %d unseen message(s)\n", name, len(page.Items), unseen)
	}

	// Carol reads the thread: each message says whether she had seen it.
	carolView := viewers["carol"]
	c, err := s.GetConversation(ctx, account, conv.ID, store.GetConversationOptions{Messages: store.AllMessages, Viewer: &carolView})
	if err != nil {
		return err
	}
	for _, m := range c.Messages {
		fmt.Printf("  seen=%-5v %s\n", m.Seen, m.Content)
	}
	if _, err := s.MarkSeen(ctx, account, conv.ID, carolView, last.ID); err != nil {
		return err
	}
	unseen, err := s.CountUnseen(ctx, account, carolView)
	if err != nil {
		return err
	}
	fmt.Printf("carol marked the thread seen: %d unseen\n", unseen)

	// Dave asking for the conversation directly gets "not found".
	daveView := viewers["dave"]
	if _, err := s.GetConversation(ctx, account, conv.ID, store.GetConversationOptions{Viewer: &daveView}); err != nil {
		fmt.Println("dave:", err)
	}
	return nil
}
