package sqlite

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestFullTextIndexInStep writes through every path that adds, edits or
// deletes messages and contacts, then has FTS5 check both indexes against
// their tables (integrity-check with rank 1 compares the content too).
func TestFullTextIndexInStep(t *testing.T) {
	ctx := context.Background()
	s, err := Open(":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check := func(when string) {
		t.Helper()
		for _, table := range []string{"messages_fts", "contacts_fts"} {
			if _, err := s.w.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('integrity-check', 1)`); err != nil {
				t.Fatalf("%s: %s: %v", when, table, err)
			}
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada", Email: "ada@example.com"})
	must(err)
	c2, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Bob", Phone: "+1 555"})
	must(err)
	var convs []convo.Conversation
	for _, contact := range []int64{c.ID, c.ID, c2.ID} {
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
		must(err)
		convs = append(convs, conv)
	}
	m, err := s.AddMessage(ctx, 1, convs[0].ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "first words"})
	must(err)
	var batch []store.MessageTo
	for i := range 50 {
		batch = append(batch, store.MessageTo{ConversationID: convs[i%3].ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "batch café words"}})
	}
	added, err := s.AddMessages(ctx, 1, batch)
	must(err)
	_, err = s.AddMessage(ctx, 1, convs[0].ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "retried", SourceID: "x-1"})
	must(err)
	_, err = s.AddMessage(ctx, 1, convs[0].ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "retried", SourceID: "x-1"})
	must(err)
	_, err = s.AddMessages(ctx, 1, []store.MessageTo{{ConversationID: convs[0].ID, Message: convo.NewMessage{Content: ""}}})
	if err == nil {
		t.Fatal("a bad batch was accepted")
	}
	_, err = s.ChangeStatus(ctx, 1, convs[1].ID, convo.StatusChange{Status: convo.StatusResolved})
	must(err)
	_, err = s.Assign(ctx, 1, convs[1].ID, convo.Assignment{AssigneeID: uuid.New()})
	must(err)
	check("after adds")
	content := "edited words"
	_, err = s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &content})
	must(err)
	_, err = s.DeleteMessage(ctx, 1, added[0].ID)
	must(err)
	name := "Grace"
	_, err = s.UpdateContact(ctx, 1, c2.ID, convo.ContactUpdate{FirstName: &name})
	must(err)
	check("after edits")
	_, err = s.DeleteConversation(ctx, 1, convs[1].ID)
	must(err)
	must(s.DeleteContact(ctx, 1, c2.ID, store.DeleteContactOptions{Cascade: true}))
	check("after deletes")

	// An import writes messages with the file's ids, older than the newest.
	var records []store.Record
	must(s.Export(ctx, 1, func(r store.Record) error { records = append(records, r); return nil }))
	into, err := Open(":memory:", Options{})
	must(err)
	defer into.Close()
	_, err = into.Import(ctx, 1, func(yield func(store.Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	})
	must(err)
	want, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "café"})
	must(err)
	s = into
	check("after an import")
	got, err := into.SearchMessages(ctx, 1, store.MessageSearch{Query: "café"})
	must(err)
	if got.Meta.Total != want.Meta.Total || want.Meta.Total == 0 {
		t.Errorf("an imported store finds %d messages with café, the source %d", got.Meta.Total, want.Meta.Total)
	}
}
