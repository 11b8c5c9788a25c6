package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestMigrateCounts writes conversations at schema version 7, upgrades to
// the latest and checks that the unattended counts (version 8), change
// times (version 9) and labels' accounts (version 10) it fills in count as
// a scan does, and that they follow writes after the upgrade.
func TestMigrateCounts(t *testing.T) {
	ctx := context.Background()
	s, path := openAtVersion(t, 7)
	agent := uuid.New()
	contact := newTestContact(t, s, 1)
	var convs []convo.Conversation
	for i := range 4 {
		in := convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelEmail,
			HappenedAt: time.Now(), InboxID: int64(1 + i%2), AssigneeID: agent}
		if i%2 == 0 {
			in.Labels = []string{"vip", "late"}
		}
		c, err := s.CreateConversation(ctx, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 { // answered: attended
			if _, err := s.AddMessage(ctx, 1, c.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "hi", AuthorID: agent}); err != nil {
				t.Fatal(err)
			}
		}
		convs = append(convs, c)
	}
	elsewhere := newTestContact(t, s, 2)
	if _, err := s.CreateConversation(ctx, 2, convo.NewConversation{ContactID: elsewhere.ID, Channel: convo.ChannelEmail,
		HappenedAt: time.Now(), Labels: []string{"vip"}}); err != nil {
		t.Fatal(err)
	}
	changed := time.Now() // only convs[1] changes after this
	if _, err := s.ChangeStatus(ctx, 1, convs[1].ID, convo.StatusChange{Status: convo.StatusPending, Quiet: true}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	count := func(step string, inbox int64, want int) {
		t.Helper()
		got, err := s.CountConversations(ctx, 1, store.ConversationFilter{Unattended: true, InboxID: inbox, Agent: agent})
		if err != nil || got != (store.Counts{Mine: want, Assigned: want, All: want}) {
			t.Errorf("%s: inbox %d: unattended counts %+v (%v), want %d, all mine", step, inbox, got, err, want)
		}
	}
	count("migrated", 0, 1) // convs[1] is pending now
	count("migrated", 2, 1)
	since := store.ConversationFilter{UpdatedSince: changed, Statuses: store.AllStatuses}
	if got, err := s.CountConversations(ctx, 1, since); err != nil || got.All != 1 {
		t.Errorf("migrated: counts of conversations updated since the status change %+v (%v), want 1", got, err)
	}
	if _, err := s.AddMessage(ctx, 1, convs[0].ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "and?"}); err != nil {
		t.Fatal(err)
	}
	count("waiting again", 0, 2)
	count("waiting again", 1, 1)
	labelled := store.ConversationFilter{Labels: []string{"vip", "late"}, Statuses: store.AllStatuses}
	if got, err := s.CountConversations(ctx, 1, labelled); err != nil || got.All != 2 {
		t.Errorf("migrated: counts of two labels %+v (%v), want 2", got, err)
	}
	if _, err := s.ChangeLabels(ctx, 1, convs[1].ID, convo.LabelChange{Add: []string{"vip"}, Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CountConversations(ctx, 1, labelled); err != nil || got.All != 3 {
		t.Errorf("a label added after the upgrade: counts %+v (%v), want 3", got, err)
	}
	if err := s.CheckInvariants(ctx); err != nil {
		t.Error(err)
	}
}
