package sqlite_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// TestRetentionCatchesUp: expired changes of many accounts, more than one
// trim removes, are all removed by the writes that follow, each account
// keeping its newest change; a consumer's changes wait for its ack.
func TestRetentionCatchesUp(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	s, err := sqlite.Open(":memory:", sqlite.Options{Now: clock})
	is.NoErr(err)
	defer s.Close()

	const accounts = 250 // more than one trim looks at
	for a := int64(1); a <= accounts; a++ {
		for range 3 { // reading after the first then misses the second
			_, err := s.CreateContact(ctx, a, convo.NewContact{FirstName: "Ada"})
			is.NoErr(err)
		}
	}
	// Account 1 has more than one trim removes.
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Many"})
	is.NoErr(err)
	for i := range 2500 {
		name := "Many " + string(rune('a'+i%26))
		_, err := s.UpdateContact(ctx, 1, c.ID, convo.ContactUpdate{LastName: &name})
		is.NoErr(err)
	}
	// Account 2 has a consumer that acknowledged its first change only.
	is.NoErr(s.AckChanges(ctx, 2, "slow", 1))

	advance(8 * 24 * time.Hour)
	for range 20 { // writes elsewhere, each trimming as it goes
		_, err := s.CreateContact(ctx, 9999, convo.NewContact{FirstName: "Writer"})
		is.NoErr(err)
	}
	for a := int64(1); a <= accounts; a++ {
		_, err := s.Changes(ctx, a, 1, store.ChangeFilter{})
		if a == 2 {
			is.NoErr(err) // held for its consumer
			continue
		}
		if !errors.Is(err, convo.ErrChangesExpired) {
			t.Fatalf("account %d: changes after 1: %v, want ErrChangesExpired", a, err)
		}
		page, err := s.Changes(ctx, a, 0, store.ChangeFilter{})
		is.NoErr(err)
		is.Equal(len(page.Changes), 1) // the newest stays
	}

	advance(23 * 24 * time.Hour) // past the cap: the consumer holds no more
	_, err = s.CreateContact(ctx, 9999, convo.NewContact{FirstName: "Writer"})
	is.NoErr(err)
	_, err = s.Changes(ctx, 2, 1, store.ChangeFilter{})
	is.True(errors.Is(err, convo.ErrChangesExpired))
}
