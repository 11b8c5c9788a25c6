package postgres

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/convotest"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/store"
)

// TestExportMovesBetweenEngines moves an account from SQLite to PostgreSQL
// and back through JSON Lines: each engine's export of what it imported is
// the other's, byte for byte.
func TestExportMovesBetweenEngines(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	clock := convotest.NewClock(convotest.Epoch)
	lite := convotest.New(t, convotest.WithClock(clock.Now))
	reader, agent := uuid.New(), uuid.New()
	convs := convotest.Inbox(t, lite, func(in *convotest.InboxSpec) {
		in.Count, in.Contacts, in.Messages = 6, 3, 4
		in.Statuses = []convo.Status{convo.StatusOpen, convo.StatusResolved, convo.StatusPending}
		in.Assignees = []uuid.UUID{uuid.Nil, agent}
		in.Labels = [][]string{nil, {"billing", "vip"}}
		in.Conversation = func(i int, c *convotest.ConversationSpec) {
			c.UserIDs = []uuid.UUID{reader}
			c.AudienceIDs = []int64{int64(i%2 + 1)}
		}
	})
	clock.Advance(1)
	m, err := lite.AddMessage(ctx, convotest.Account, convs[0].ID, convo.NewMessage{Type: convo.MessageIncoming,
		Content: "Où est ma facture ? \"urgent\"", SourceID: "mail-1", ContentAttributes: convo.Attributes{"in_reply_to": 3.0}})
	is.NoErr(err)
	_, err = lite.MarkSeen(ctx, convotest.Account, convs[0].ID, convo.Viewer{UserID: reader}, m.ID)
	is.NoErr(err)

	export := func(s store.Store) []byte {
		t.Helper()
		var b bytes.Buffer
		is.NoErr(jsonl.Export(ctx, &b, s, convotest.Account))
		return b.Bytes()
	}
	fromSQLite := export(lite)
	pg := newStore(t, clock.Now)
	_, err = jsonl.Import(ctx, bytes.NewReader(fromSQLite), pg, convotest.Account, store.ImportOptions{})
	is.NoErr(err)
	fromPostgres := export(pg)
	is.Equal(string(fromPostgres), string(fromSQLite)) // PostgreSQL reads back what SQLite wrote

	back := convotest.New(t, convotest.WithClock(clock.Now))
	_, err = jsonl.Import(ctx, bytes.NewReader(fromPostgres), back, convotest.Account, store.ImportOptions{})
	is.NoErr(err)
	is.Equal(string(export(back)), string(fromPostgres)) // and SQLite what PostgreSQL wrote

	// The counts the engines keep agree too.
	for _, s := range []store.Store{lite, pg, back} {
		counts, err := s.CountConversations(ctx, convotest.Account, store.ConversationFilter{Agent: agent})
		is.NoErr(err)
		is.Equal(counts, store.Counts{Mine: 1, Unassigned: 1, Assigned: 1, All: 2})
		n, err := s.CountUnseen(ctx, convotest.Account, convo.Viewer{UserID: reader})
		is.NoErr(err)
		is.True(n > 0)
	}
}
