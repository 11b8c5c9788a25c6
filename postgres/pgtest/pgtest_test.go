package pgtest_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/convotest"
	"github.com/convokit/convo/postgres/pgtest"
	"github.com/convokit/convo/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestNew gives two tests' stores databases of their own, with the clock
// given, and convotest's builders work on them.
func TestNew(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	clock := convotest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	a, b := pgtest.New(t, pgtest.WithClock(clock.Now)), pgtest.New(t)

	convs := convotest.Inbox(t, a, func(in *convotest.InboxSpec) { in.Count = 3 })
	is.Equal(len(convs), 3)
	is.True(convs[0].CreatedAt.Equal(clock.Now())) // the store's clock is the test's

	counts, err := a.CountConversations(ctx, convotest.Account, store.ConversationFilter{})
	is.NoErr(err)
	is.Equal(counts.All, 3)
	counts, err = b.CountConversations(ctx, convotest.Account, store.ConversationFilter{})
	is.NoErr(err)
	is.Equal(counts.All, 0) // b's database is another

	_, err = b.GetConversation(ctx, convotest.Account, convs[0].ID, store.GetConversationOptions{})
	is.True(errors.Is(err, convo.ErrNotFound))
}
