package sqlite

import (
	"context"
	"testing"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestRowCacheSeesRawEdits edits a conversation's last message and its
// contact with plain SQL, as another program on the same file might, and
// requires the cached page to show both edits: the versions move by
// trigger, not by the store's own statements.
func TestRowCacheSeesRawEdits(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir()+"/raw.db", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conv := newTestConversation(t, s)
	m, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "before"})
	if err != nil {
		t.Fatal(err)
	}
	list := func() convo.Conversation {
		t.Helper()
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("list: %v, %d items", err, len(page.Items))
		}
		return page.Items[0]
	}
	list() // cached now
	if err := s.execOnWriter(ctx, `UPDATE convo_messages SET content = 'after' WHERE id = ?`, m.ID); err != nil {
		t.Fatal(err)
	}
	if got := list(); got.LastNonActivityMessage == nil || got.LastNonActivityMessage.Content != "after" {
		t.Errorf("the cached page shows the last message before its edit")
	}
	if err := s.execOnWriter(ctx, `UPDATE convo_contacts SET first_name = 'Grace' WHERE id = ?`, conv.ContactID); err != nil {
		t.Fatal(err)
	}
	if got := list(); got.Contact.FirstName != "Grace" {
		t.Errorf("the cached page shows the contact before its edit: %q", got.Contact.FirstName)
	}
}
