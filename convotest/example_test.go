package convotest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/convokit/convo"
	"github.com/convokit/convo/convotest"
	"github.com/convokit/convo/store"
)

// exampleT stands in for the *testing.T a real test hands convotest.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (t *exampleT) Helper()                           {}
func (t *exampleT) Context() context.Context          { return context.Background() }
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// end runs the cleanups, as the end of a test does.
func (t *exampleT) end() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// A test's store with a conversation of three messages.
func ExampleConversation() {
	t := &exampleT{} // in a test: its *testing.T
	defer t.end()

	s := convotest.New(t)
	conv := convotest.Conversation(t, s, convotest.WithMessages(3), func(c *convotest.ConversationSpec) {
		c.Labels = []string{"billing"}
	})
	fmt.Println(conv.Contact.CompleteName(), conv.Status, conv.Labels, conv.MessagesCount, conv.UnreadCount)
	for _, m := range conv.Messages {
		fmt.Println(m.Seq, m.Type, m.Content)
	}
	// Output:
	// Ada Lovelace open [billing] 3 2
	// 1 incoming Message 1
	// 2 outgoing Message 2
	// 3 incoming Message 3
}

// An inbox of six conversations, in turn open, resolved and pending.
func ExampleInbox() {
	t := &exampleT{}
	defer t.end()

	s := convotest.New(t)
	convotest.Inbox(t, s, func(in *convotest.InboxSpec) {
		in.Count = 6
		in.Statuses = []convo.Status{convo.StatusOpen, convo.StatusResolved, convo.StatusPending}
	})
	for _, st := range convo.Statuses {
		counts, _ := s.CountConversations(t.Context(), convotest.Account, store.ConversationFilter{Statuses: []convo.Status{st}})
		fmt.Println(st, counts.All)
	}
	// Output:
	// open 2
	// resolved 2
	// pending 2
	// snoozed 0
}

// A fixture in the export format of package jsonl.
func ExampleLoad() {
	t := &exampleT{}
	defer t.end()

	s := convotest.New(t)
	stats := convotest.Load(t, s, "testdata/inbox.jsonl")
	fmt.Println(stats.Contacts, "contacts,", stats.Conversations, "conversations,", stats.Messages, "messages")
	// Output: 2 contacts, 2 conversations, 3 messages
}
