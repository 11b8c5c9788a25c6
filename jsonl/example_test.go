package jsonl_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// Export an account, read state included, and import it into another
// store: the copy exports to the same bytes. Importing it again changes
// nothing.
func ExampleExport() {
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC) }
	src, _ := sqlite.Open(":memory:", sqlite.Options{Now: clock})
	defer src.Close()
	ada, _ := src.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada", Email: "ada@example.com"})
	reader := uuid.MustParse("5d0c7a3e-9b8f-4e21-8c6d-2f4a1b3c5d7e")
	conv, _ := src.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelEmail,
		HappenedAt: clock(), Labels: []string{"billing"}, UUID: uuid.MustParse("3b1f6a52-2c7e-4f0a-9a61-0b6a5d2e7c01"),
		UserIDs: []uuid.UUID{reader}})
	hello, _ := src.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Hello"})
	src.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Anyone?"})
	src.MarkSeen(ctx, 1, conv.ID, convo.Viewer{UserID: reader}, hello.ID)

	var backup bytes.Buffer
	if err := jsonl.Export(ctx, &backup, src, 1); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(backup.String())

	dst, _ := sqlite.Open(":memory:", sqlite.Options{Now: clock})
	defer dst.Close()
	stats, err := jsonl.Import(ctx, bytes.NewReader(backup.Bytes()), dst, 1, store.ImportOptions{})
	fmt.Println(stats.Contacts+stats.Conversations+stats.Messages+stats.ReadStates, "written,", stats.Unchanged, "unchanged:", err)
	stats, err = jsonl.Import(ctx, bytes.NewReader(backup.Bytes()), dst, 1, store.ImportOptions{})
	fmt.Println(stats.Contacts+stats.Conversations+stats.Messages+stats.ReadStates, "written,", stats.Unchanged, "unchanged:", err)

	var again bytes.Buffer
	jsonl.Export(ctx, &again, dst, 1)
	fmt.Println(bytes.Equal(again.Bytes(), backup.Bytes()))
	// Output:
	// {"type":"convo-export","version":1,"account_id":1}
	// {"type":"contact","id":1,"first_name":"Ada","email":"ada@example.com","last_activity_at":"2026-05-04T10:30:00Z","created_at":"2026-05-04T10:30:00Z","updated_at":"2026-05-04T10:30:00Z"}
	// {"type":"conversation","id":1,"uuid":"3b1f6a52-2c7e-4f0a-9a61-0b6a5d2e7c01","contact_id":1,"channel":"email","user_ids":["5d0c7a3e-9b8f-4e21-8c6d-2f4a1b3c5d7e"],"status":"open","labels":["billing"],"happened_at":"2026-05-04T10:30:00Z","created_at":"2026-05-04T10:30:00Z","updated_at":"2026-05-04T10:30:00Z","last_activity_at":"2026-05-04T10:30:00Z","waiting_since":"2026-05-04T10:30:00Z","last_seq":2,"last_incoming_at":"2026-05-04T10:30:00Z","messages_count":2,"unread_count":2}
	// {"type":"message","id":1,"conversation_id":1,"seq":1,"message_type":"incoming","content":"Hello","content_type":"text","status":"sent","sender_type":"contact","written_at":"2026-05-04T10:30:00Z","created_at":"2026-05-04T10:30:00Z","updated_at":"2026-05-04T10:30:00Z"}
	// {"type":"message","id":2,"conversation_id":1,"seq":2,"message_type":"incoming","content":"Anyone?","content_type":"text","status":"sent","sender_type":"contact","written_at":"2026-05-04T10:30:00Z","created_at":"2026-05-04T10:30:00Z","updated_at":"2026-05-04T10:30:00Z"}
	// {"type":"read_state","conversation_id":1,"user_id":"5d0c7a3e-9b8f-4e21-8c6d-2f4a1b3c5d7e","seen_seq":1,"unseen_count":1}
	// 5 written, 0 unchanged: <nil>
	// 0 written, 5 unchanged: <nil>
	// true
}

// A bad line is named, and nothing of the file is written.
func ExampleImport() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	fixture := `{"type":"convo-export","version":1,"account_id":1}
{"type":"contact","id":1,"first_name":"Ada","created_at":"2026-01-05T09:00:00Z"}
{"type":"conversation","id":1,"uuid":"3b1f6a52-2c7e-4f0a-9a61-0b6a5d2e7c01","contact_id":1,"channel":"email","happened_at":"2026-01-05T09:00:00Z"}
{"type":"message","id":1,"conversation_id":1,"seq":1,"message_type":"incoming","created_at":"2026-01-05T09:00:00Z"}
`
	_, err := jsonl.Import(ctx, strings.NewReader(fixture), s, 1, store.ImportOptions{})
	var invalid *convo.ValidationError
	if errors.As(err, &invalid) {
		fmt.Println(invalid.Errors[0].Field, invalid.Errors[0].Code)
	}
	_, err = s.GetContact(ctx, 1, 1)
	fmt.Println(errors.Is(err, convo.ErrNotFound))

	page, _ := s.ListContacts(ctx, 1, store.ContactFilter{})
	fmt.Println(len(page.Items))
	// Output:
	// line 4: messages.content required
	// true
	// 0
}
