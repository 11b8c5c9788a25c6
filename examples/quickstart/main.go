// Command quickstart opens a convo store, adds a contact, a conversation and
// a few messages, lists the inbox with its counts, searches, reads the
// thread and marks it read. It keeps its database in a temporary directory,
// or in the file named by its first argument.
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

func run(ctx context.Context, args []string) error {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("convo-quickstart-%d.db", os.Getpid()))
	if len(args) > 0 {
		path = args[0]
	} else {
		defer os.Remove(path)
	}

	// Open (or create) the database. Every call names the account (tenant).
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	const account = 1

	// A contact's phone number is unique in the account: find Ada by it
	// (stored as +442079460000), or add her.
	found, err := s.ListContacts(ctx, account, store.ContactFilter{Phone: "+44 20 7946 0000"})
	if err != nil {
		return err
	}
	var ada convo.Contact
	if len(found.Items) > 0 {
		ada = found.Items[0]
	} else if ada, err = s.CreateContact(ctx, account, convo.NewContact{
		FirstName: "Ada", LastName: "Lovelace", Phone: "+44 20 7946 0000",
	}); err != nil {
		return err
	}

	agent := uuid.MustParse("00000000-0000-4000-8000-000000000007") // a user of your app
	conv, err := s.CreateConversation(ctx, account, convo.NewConversation{
		ContactID:  ada.ID,
		Channel:    convo.ChannelEmail,
		HappenedAt: time.Now(),
		Labels:     []string{"billing"},
		AssigneeID: agent,
	})
	if err != nil {
		return err
	}

	// Chatwoot's message types, or Monica's written_by_me: both work.
	writtenByMe := true
	for _, m := range []convo.NewMessage{
		{Type: convo.MessageIncoming, Content: "Hello! My invoice shows the wrong address."},
		{WrittenByMe: &writtenByMe, Content: "Sorry about that, Ada. Which address should it show?"},
		{Type: convo.MessageIncoming, Content: "12 St James's Square, London."},
	} {
		if _, err := s.AddMessage(ctx, account, conv.ID, m); err != nil {
			return err
		}
	}

	// The inbox: open conversations with a label, newest activity first,
	// with paging meta and the four counts (mine, unassigned, assigned, all).
	filter := store.ConversationFilter{Labels: []string{"billing"}, Agent: agent}
	page, err := s.ListConversations(ctx, account, filter)
	if err != nil {
		return err
	}
	counts, err := s.CountConversations(ctx, account, filter)
	if err != nil {
		return err
	}
	fmt.Printf("%d conversation(s), page %d of %d; mine %d, unassigned %d\n",
		page.Meta.Total, page.Meta.CurrentPage, page.Meta.LastPage, counts.Mine, counts.Unassigned)
	for _, c := range page.Items {
		fmt.Printf("#%d with %s (%s) on %s, %s, labels %v: %d messages, %d unread\n",
			c.ID, c.Contact.CompleteName(), c.Contact.Initials(), c.Channel, c.Status, c.Labels, c.MessagesCount, c.UnreadCount)
	}

	// Full-text search over the messages, with the matches marked.
	hits, err := s.SearchMessages(ctx, account, store.MessageSearch{Query: "address", SnippetStart: "[", SnippetEnd: "]"})
	if err != nil {
		return err
	}
	for _, h := range hits.Items {
		fmt.Printf("found in #%d: %s\n", h.ConversationID, h.Snippet)
	}

	// Read the thread oldest first, a page at a time, then mark it read.
	msgs, err := s.ListMessages(ctx, account, conv.ID, store.MessageFilter{Order: store.OldestFirst})
	if err != nil {
		return err
	}
	for _, m := range msgs.Items {
		who := ada.FirstName
		if m.WrittenByMe() {
			who = "me"
		}
		fmt.Printf("  %d. %-3s %s\n", m.Seq, who+":", m.Content)
	}
	read, err := s.MarkRead(ctx, account, conv.ID, agent)
	if err != nil {
		return err
	}
	fmt.Printf("marked read: %d unread\n", read.UnreadCount)
	return nil
}
