package sqlite

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestMigrateCoveringInbox writes conversations at schema version 11,
// upgrades to version 12 (the inbox's indexes carry what the row cache's
// probe reads) and checks that every tab lists what it listed, and that a
// cached page still sees a change to a conversation and to a contact.
func TestMigrateCoveringInbox(t *testing.T) {
	ctx := context.Background()
	s, path := openAtVersion(t, 11)
	agent := uuid.New()
	contact := newTestContact(t, s, 1)
	for i := range 6 {
		in := convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()}
		if i%3 != 0 {
			in.AssigneeID = agent
		}
		c, err := s.CreateConversation(ctx, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMessage(ctx, 1, c.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hello"}); err != nil {
			t.Fatal(err)
		}
	}
	tabs := []store.AssigneeType{store.AssigneeAll, store.AssigneeMine, store.AssigneeUnassigned, store.AssigneeAssigned}
	list := func(s *Store, a store.AssigneeType) []convo.Conversation {
		t.Helper()
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Assignee: a, Agent: agent, Page: store.PageNumber(1, 25)})
		if err != nil {
			t.Fatal(err)
		}
		return page.Items
	}
	before := map[store.AssigneeType][]convo.Conversation{}
	for _, a := range tabs {
		before[a] = list(s, a)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, a := range tabs {
		if got := list(s, a); !slices.EqualFunc(got, before[a], func(x, y convo.Conversation) bool { return x.ID == y.ID }) {
			t.Errorf("tab %d lists %d conversations after the upgrade, want %d as before", a, len(got), len(before[a]))
		}
	}
	f := store.ConversationFilter{Assignee: store.AssigneeMine, Agent: agent}
	w, err := conversationWhere(ctx, planTx(t, s), 1, f)
	if err != nil {
		t.Fatal(err)
	}
	tail, args := conversationPageQuery(w, f, conversationSorts[f.Sort], store.Cursor{}, false)
	checkCovered(t, "the probe of a tab after the upgrade", plan(t, s, `SELECT `+probeColumns+probeFrom+tail, args...))
	// Cached now. A change to a conversation and to its contact shows.
	first := list(s, store.AssigneeAll)[0]
	if _, err := s.MarkRead(ctx, 1, first.ID, agent); err != nil {
		t.Fatal(err)
	}
	name := "Grace"
	if _, err := s.UpdateContact(ctx, 1, contact.ID, convo.ContactUpdate{FirstName: &name}); err != nil {
		t.Fatal(err)
	}
	got := list(s, store.AssigneeAll)[0]
	if got.ID != first.ID || got.AgentLastSeenAt.IsZero() || got.Contact.FirstName != name {
		t.Errorf("after mark read and a contact's change the page reads %d seen at %v by %q, want %d seen, by %q",
			got.ID, got.AgentLastSeenAt, got.Contact.FirstName, first.ID, name)
	}
	if err := s.CheckInvariants(ctx); err != nil {
		t.Fatal(err)
	}
}
