// Command chat runs the users API's conversations between users of a host
// application on convo: a user starts a conversation with other users and an
// audience (a group the host owns), each user sees only the conversations
// they take part in, and each sees which messages they have not seen yet.
// Then the conversation works as a chat app's (Slack's, WhatsApp's): a
// reply in a thread, reactions, an edit with its history, and a deletion
// that leaves a tombstone. It keeps its database in a temporary directory,
// or in the file named by its first argument.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
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

// names are the users by id, for printing.
var names = map[uuid.UUID]string{alice: "alice", bob: "bob", carol: "carol", dave: "dave"}

// run writes what it does to out.
func run(ctx context.Context, out io.Writer, args []string) error {
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
	fmt.Fprintf(out, "conversation %d by alice: %d users, audiences %v\n", conv.ID, len(conv.UserIDs), conv.AudienceIDs)

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
		fmt.Fprintf(out, "%-5s sees %d conversation(s), %d unseen message(s)\n", name, len(page.Items), unseen)
	}

	// Carol reads the thread: each message says whether she had seen it.
	carolView := viewers["carol"]
	c, err := s.GetConversation(ctx, account, conv.ID, store.GetConversationOptions{Messages: store.AllMessages, Viewer: &carolView})
	if err != nil {
		return err
	}
	for _, m := range c.Messages {
		fmt.Fprintf(out, "  seen=%-5v %s\n", m.Seen, m.Content)
	}
	if _, err := s.MarkSeen(ctx, account, conv.ID, carolView, last.ID); err != nil {
		return err
	}
	unseen, err := s.CountUnseen(ctx, account, carolView)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "carol marked the thread seen: %d unseen\n", unseen)

	// Dave asking for the conversation directly gets "not found".
	daveView := viewers["dave"]
	if _, err := s.GetConversation(ctx, account, conv.ID, store.GetConversationOptions{Viewer: &daveView}); err != nil {
		fmt.Fprintln(out, "dave:", err)
	}
	return chat(ctx, out, s, conv.ID, last)
}

// chat replies to question in a thread, reacts to it, edits a message and
// deletes another, then prints the timeline and the thread as Alice sees
// them.
func chat(ctx context.Context, out io.Writer, s store.Store, convID int64, question convo.Message) error {
	// Carol answers in the thread of Bob's question; the reply stays in the
	// timeline too, as a quoted reply.
	answer, err := s.AddMessage(ctx, account, convID, convo.NewMessage{
		Type: convo.MessageOutgoing, AuthorID: carol, Content: "The blue is a shade too dark.",
		ReplyToID: question.ID,
	})
	if err != nil {
		return err
	}
	// A user has one of each reaction on a message: Alice's second 👀
	// changes nothing.
	for _, r := range []struct {
		msg   int64
		user  uuid.UUID
		emoji string
	}{
		{question.ID, alice, "👍"}, {question.ID, carol, "👍"}, {question.ID, alice, "👀"}, {question.ID, alice, "👀"},
		{answer.ID, bob, "❤️"},
	} {
		if _, err := s.AddReaction(ctx, account, r.msg, convo.UserActor(r.user), r.emoji); err != nil {
			return err
		}
	}
	// Bob fixes a typo: the edit keeps the content it replaced.
	typo, err := s.AddMessage(ctx, account, convID, convo.NewMessage{
		Type: convo.MessageOutgoing, AuthorID: bob, Content: "Ill lighten the blue.",
	})
	if err != nil {
		return err
	}
	fixed := "I'll lighten the blue."
	if _, err := s.UpdateMessage(ctx, account, typo.ID, convo.MessageUpdate{Content: &fixed}); err != nil {
		return err
	}
	versions, err := s.ListMessageVersions(ctx, account, typo.ID)
	if err != nil {
		return err
	}
	for _, v := range versions {
		fmt.Fprintf(out, "before %s's edit %d: %s\n", names[v.EditedBy.UserID], v.Version, v.Content)
	}
	// Alice posts in the wrong conversation and deletes it: a tombstone keeps
	// its place in the timeline, with nothing of what it said.
	wrong, err := s.AddMessage(ctx, account, convID, convo.NewMessage{
		Type: convo.MessageOutgoing, AuthorID: alice, Content: "Lunch at noon?",
	})
	if err != nil {
		return err
	}
	if _, err := s.DeleteMessage(ctx, account, wrong.ID); err != nil {
		return err
	}

	// The timeline without the thread's replies, then the thread, as Alice
	// sees them: read with her Viewer, each message carries her reactions.
	aliceView := viewers["alice"]
	top, err := s.ListMessages(ctx, account, convID, store.MessageFilter{TopLevel: true, Viewer: &aliceView})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "timeline, as alice sees it:")
	for _, m := range top.Items {
		fmt.Fprintln(out, " ", describe(m))
	}
	replies, err := s.ListReplies(ctx, account, question.ID, store.MessageFilter{Viewer: &aliceView})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "thread of message", question.Seq)
	for _, m := range replies.Items {
		fmt.Fprintln(out, "   ", describe(m))
	}
	return nil
}

// describe is one line of a message, as a chat client shows it.
func describe(m convo.Message) string {
	if m.Deleted() {
		return fmt.Sprintf("%d %s: (deleted)", m.Seq, names[m.AuthorID])
	}
	line := fmt.Sprintf("%d %s: %s", m.Seq, names[m.AuthorID], m.Content)
	if m.EditCount > 0 {
		line += " (edited)"
	}
	if m.ReplyCount > 0 {
		line += fmt.Sprintf(" [replies: %d]", m.ReplyCount)
	}
	if m.Reactions != nil {
		var counts []string
		for _, r := range slices.Sorted(maps.Keys(m.Reactions)) { // a map: sort for a stable line
			counts = append(counts, fmt.Sprintf("%s %d", r, m.Reactions[r]))
		}
		line += " [" + strings.Join(counts, ", ")
		if m.OwnReactions != nil {
			line += "; mine: " + strings.Join(m.OwnReactions, " ")
		}
		line += "]"
	}
	return line
}
