package postgres

import (
	"context"
	"errors"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func TestVacuum(t *testing.T) {
	ctx := context.Background()
	is := is.New(t)
	url := newConvoDatabase(t)
	rawExec(t, url, `CREATE TABLE tickets (id bigint PRIMARY KEY)`)
	s := openStore(t, url, Options{})
	conv := newConversation(t, s, 1)
	_, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hello"})
	is.NoErr(err)

	is.NoErr(s.Vacuum(ctx))
	vacuumed := func(table string) bool {
		var ok bool
		is.NoErr(s.pool.QueryRow(ctx, `SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL
FROM pg_stat_user_tables WHERE relname = $1`, table).Scan(&ok))
		return ok
	}
	is.True(vacuumed("convo_messages"))
	is.True(vacuumed("convo_conversations"))
	is.True(!vacuumed("tickets")) // the host's own tables are the host's
}

func TestVacuumReadOnly(t *testing.T) {
	s := newReadOnlyStore(t, func(store.Store) {})
	err := s.(*Store).Vacuum(context.Background())
	if !errors.Is(err, convo.ErrReadOnly) {
		t.Fatalf("Vacuum on a read-only store: %v, want ErrReadOnly", err)
	}
}
