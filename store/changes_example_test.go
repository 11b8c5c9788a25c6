package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// Follow an account's changes as they commit: a UI redraws the
// conversation a change concerns, a service forwards new messages.
func ExampleWatch() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	ada, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	conv, _ := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()})

	// Another part of the program writes while the loop below waits.
	go func() {
		s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Hello?"})
		s.ChangeStatus(ctx, 1, conv.ID, convo.StatusChange{Status: convo.StatusPending, Quiet: true})
	}()

	for ch, err := range store.Watch(ctx, s, 1, 0, store.ChangeFilter{ConversationID: conv.ID}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		switch ch.Kind {
		case store.MessageCreated:
			fmt.Println(ch.Kind, ch.Message.Content)
		case store.ConversationUpdated:
			fmt.Println(ch.Kind, ch.Fields)
			return // leaving the loop stops the watch
		default:
			fmt.Println(ch.Kind)
		}
	}
	// Output:
	// conversation.created
	// message.created Hello?
	// conversation.updated [status]
}

// A durable consumer resumes after a restart from the position it last
// acknowledged: every change at least once, none skipped.
func ExampleStore_changes() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	ada, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	last := "Lovelace"
	s.UpdateContact(ctx, 1, ada.ID, convo.ContactUpdate{LastName: &last})

	after, _ := s.AckedChanges(ctx, 1, "mailer") // 0 the first time
	page, err := s.Changes(ctx, 1, after, store.ChangeFilter{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ch := range page.Changes {
		line, _ := json.Marshal(struct {
			Kind   store.ChangeKind `json:"kind"`
			Fields []string         `json:"fields,omitempty"`
		}{ch.Kind, ch.Fields})
		fmt.Println(string(line)) // handle it, then acknowledge it
		s.AckChanges(ctx, 1, "mailer", ch.Position)
	}
	next, _ := s.AckedChanges(ctx, 1, "mailer")
	fmt.Println(next == page.Changes[len(page.Changes)-1].Position)
	// Output:
	// {"kind":"contact.created"}
	// {"kind":"contact.updated","fields":["last_name"]}
	// true
}
