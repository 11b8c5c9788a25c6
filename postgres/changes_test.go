package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// What only this backend does with the change feed: positions from the
// head rows, the pipelined append's own recording, LISTEN/NOTIFY between
// stores. The conformance suite proves the rest.

func kinds(list []store.Change) []store.ChangeKind {
	out := make([]store.ChangeKind, len(list))
	for i, c := range list {
		out[i] = c.Kind
	}
	return out
}

func TestChangesOfAppends(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	s := openStore(t, newConvoDatabase(t), Options{})
	ct, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	is.NoErr(err)
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ct.ID, Channel: convo.ChannelAPI, HappenedAt: time.Now(), Status: convo.StatusResolved})
	is.NoErr(err)
	m, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hi"}) // pipelined: reopens
	is.NoErr(err)
	_, err = s.AddMessages(ctx, 1, []store.MessageTo{
		{ConversationID: conv.ID, Message: convo.NewMessage{Type: convo.MessageOutgoing, Content: "a"}},
		{ConversationID: conv.ID, Message: convo.NewMessage{Type: convo.MessageOutgoing, Content: "b"}},
	})
	is.NoErr(err)
	page, err := s.Changes(ctx, 1, 0, store.ChangeFilter{})
	is.NoErr(err)
	is.Equal(kinds(page.Changes), []store.ChangeKind{store.ContactCreated, store.ConversationCreated,
		store.MessageCreated, store.ConversationUpdated, store.MessageCreated, store.MessageCreated})
	for i, c := range page.Changes {
		is.Equal(c.Position, int64(i+1))
		is.Equal(c.AccountID, int64(1))
	}
	is.Equal(page.Changes[2].MessageID, m.ID)
	is.Equal(page.Changes[2].Message.Content, "hi")
	is.Equal(page.Changes[3].Fields, []string{"status"})
	is.Equal(page.Next, int64(6))
	is.True(!page.More)

	// Another account's feed is its own.
	other, err := s.Changes(ctx, 2, 0, store.ChangeFilter{})
	is.NoErr(err)
	is.Equal(len(other.Changes), 0)
	is.Equal(other.Next, int64(0))
}

func TestWaitChangesAcrossStores(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	url := newConvoDatabase(t)
	writer, watcher := openStore(t, url, Options{}), openStore(t, url, Options{})
	ct, err := writer.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	is.NoErr(err)
	is.NoErr(watcher.WaitChanges(ctx, 1, 0)) // head 1 > 0: at once

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		done <- watcher.WaitChanges(ctx, 1, 1)
	}()
	time.Sleep(200 * time.Millisecond) // the listener connects
	select {
	case err := <-done:
		t.Fatalf("returned before a change: %v", err)
	default:
	}
	start := time.Now()
	_, err = writer.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ct.ID, Channel: convo.ChannelAPI, HappenedAt: time.Now()})
	is.NoErr(err)
	is.NoErr(<-done)
	t.Logf("woken %v after the commit", time.Since(start))

	// The context's end, then Close.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	is.True(errors.Is(watcher.WaitChanges(short, 1, 2), context.DeadlineExceeded))
	go func() { done <- watcher.WaitChanges(ctx, 1, 2) }()
	time.Sleep(50 * time.Millisecond)
	is.NoErr(watcher.Close())
	is.True(errors.Is(<-done, convo.ErrClosed))
}

func TestChangeRetentionOptions(t *testing.T) {
	ctx := context.Background()
	for _, o := range []Options{
		{ChangeRetention: -time.Hour},
		{MaxChangeRetention: -time.Hour},
		{ChangeRetention: 40 * 24 * time.Hour},                          // above the default maximum
		{ChangeRetention: 2 * time.Hour, MaxChangeRetention: time.Hour}, // below the retention
	} {
		if _, err := Open(ctx, "postgres://localhost/x", o); !errors.Is(err, convo.ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", o, err)
		}
	}
}

func TestMarkSeenChange(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	s := openStore(t, newConvoDatabase(t), Options{})
	user := uuid.New()
	ct, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	is.NoErr(err)
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ct.ID, Channel: convo.ChannelAPI, HappenedAt: time.Now(), UserIDs: []uuid.UUID{user}})
	is.NoErr(err)
	m, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hi"})
	is.NoErr(err)
	v := convo.Viewer{UserID: user}
	_, err = s.MarkSeen(ctx, 1, conv.ID, v, m.ID)
	is.NoErr(err)
	_, err = s.MarkSeen(ctx, 1, conv.ID, v, m.ID) // did not move
	is.NoErr(err)
	page, err := s.Changes(ctx, 1, 3, store.ChangeFilter{Viewer: &v})
	is.NoErr(err)
	is.Equal(kinds(page.Changes), []store.ChangeKind{store.ReadStateUpdated})
	is.Equal(page.Changes[0].UserID, user)
	is.Equal(page.Changes[0].SeenSeq, int64(1))
	is.Equal(page.Next, int64(4))
}

func TestReadOnlyWaitChanges(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	var writer store.Store
	ro := newReadOnlyStore(t, func(s store.Store) { writer = s })
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		done <- ro.WaitChanges(ctx, 1, 0)
	}()
	time.Sleep(200 * time.Millisecond)
	_, err := writer.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	is.NoErr(err)
	is.NoErr(<-done)
	page, err := ro.Changes(ctx, 1, 0, store.ChangeFilter{})
	is.NoErr(err)
	is.Equal(len(page.Changes), 1)
	is.True(errors.Is(ro.AckChanges(ctx, 1, "mirror", 1), convo.ErrReadOnly))
	is.True(errors.Is(ro.DropConsumer(ctx, 1, "mirror"), convo.ErrReadOnly))
	acked, err := ro.AckedChanges(ctx, 1, "mirror")
	is.NoErr(err)
	is.Equal(acked, int64(0))
}
