package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestMigrateReadStateByConversation writes read state through the store at
// schema version 5 (horizons and audience rows keyed by user and audience),
// upgrades to version 6 (keyed by conversation) and checks that every
// count reads as before, that the maintained counts still follow writes,
// and that the invariants hold.
func TestMigrateReadStateByConversation(t *testing.T) {
	ctx := context.Background()
	s, path := openAtVersion(t, 5)
	reader, writer, member := uuid.New(), uuid.New(), uuid.New()
	contact := newTestContact(t, s, 1)
	var convs []convo.Conversation
	for i := range 3 {
		c, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelEmail,
			HappenedAt: time.Now(), UserIDs: []uuid.UUID{reader}, AudienceIDs: []int64{int64(7 + i%2)}})
		if err != nil {
			t.Fatal(err)
		}
		for k := range 4 {
			in := convo.NewMessage{Type: convo.MessageIncoming, Content: "question"}
			if k == 2 {
				in = convo.NewMessage{Type: convo.MessageOutgoing, Content: "answer", AuthorID: writer}
			}
			if _, err := s.AddMessage(ctx, 1, c.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		convs = append(convs, c)
	}
	page, err := s.ListMessages(ctx, 1, convs[0].ID, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkSeen(ctx, 1, convs[0].ID, convo.Viewer{UserID: reader}, page.Items[1].ID); err != nil {
		t.Fatal(err)
	}
	// At version 5, through the rows the version 6 queries do not need.
	var before []int
	for _, q := range []string{
		`SELECT coalesce(sum(unseen_count), 0) FROM read_horizons WHERE user_id = '` + reader.String() + `'`,
		`SELECT coalesce(sum(unseen_count), 0) FROM read_horizons WHERE user_id = '` + writer.String() + `'`,
		`SELECT coalesce(sum(non_activity_count), 0) FROM conversation_audiences WHERE audience_id = 7`,
	} {
		var n int
		if err := s.w.Get(&n, q); err != nil {
			t.Fatal(err)
		}
		before = append(before, n)
	}
	if before[0] != 10 || before[1] != 3 || before[2] != 8 {
		t.Fatalf("at version 5: reader %d, writer %d, audience 7 %d; want 10, 3, 8", before[0], before[1], before[2])
	}
	s.Close()

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		name   string
		viewer convo.Viewer
		want   int
	}{
		{"reader", convo.Viewer{UserID: reader}, 10},
		{"writer, a member of audience 7 (on two of the three)", convo.Viewer{UserID: writer, AudienceIDs: []int64{7}}, 2},
		{"a member of audience 7 who never read", convo.Viewer{UserID: member, AudienceIDs: []int64{7}}, 8},
	} {
		if n, err := s.CountUnseen(ctx, 1, c.viewer); err != nil || n != c.want {
			t.Errorf("%s: %d unseen (%v), want %d", c.name, n, err, c.want)
		}
	}
	if _, err := s.AddMessage(ctx, 1, convs[0].ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "more"}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountUnseen(ctx, 1, convo.Viewer{UserID: member, AudienceIDs: []int64{7}}); err != nil || n != 9 {
		t.Errorf("after an append, the audience member counts %d unseen (%v), want 9", n, err)
	}
	if err := s.CheckInvariants(ctx); err != nil {
		t.Error(err)
	}
}
