package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// testChangeConsumers checks durable consumers: AckChanges, AckedChanges,
// DropConsumer, and a consumer that crashes at random points and resumes
// from what it acknowledged without missing a change.
func testChangeConsumers(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("AckedChanges", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, newStore)
		for i := range 3 {
			mustAddMessage(t, f.s, 1, f.conv.ID, text(fmt.Sprintf("m%d", i)))
		}
		all := readAll(t, f.s, 1, 0, store.ChangeFilter{})
		p1, p2 := all[1].Position, all[3].Position

		got, err := f.s.AckedChanges(ctx, 1, "mirror")
		is.NoErr(err)
		is.Equal(got, int64(0)) // a consumer never seen
		is.NoErr(f.s.AckChanges(ctx, 1, "mirror", p2))
		got, err = f.s.AckedChanges(ctx, 1, "mirror")
		is.NoErr(err)
		is.Equal(got, p2) // where it resumes
		is.NoErr(f.s.AckChanges(ctx, 1, "mirror", p1))
		got, err = f.s.AckedChanges(ctx, 1, "mirror")
		is.NoErr(err)
		is.Equal(got, p2) // never moves back
		is.NoErr(f.s.AckChanges(ctx, 1, "mirror", 0))
		got, err = f.s.AckedChanges(ctx, 1, "mirror")
		is.NoErr(err)
		is.Equal(got, p2) // not even to 0
		newestPos := all[len(all)-1].Position
		is.NoErr(f.s.AckChanges(ctx, 1, "mirror", newestPos)) // up to the newest
		got, err = f.s.AckedChanges(ctx, 1, "mirror")
		is.NoErr(err)
		is.Equal(got, newestPos)

		is.NoErr(f.s.AckChanges(ctx, 1, "search", p1)) // consumers are apart
		got, err = f.s.AckedChanges(ctx, 1, "search")
		is.NoErr(err)
		is.Equal(got, p1)
		got, err = f.s.AckedChanges(ctx, 2, "mirror")
		is.NoErr(err)
		is.Equal(got, int64(0)) // and so are accounts

		is.NoErr(f.s.DropConsumer(ctx, 1, "mirror"))
		got, err = f.s.AckedChanges(ctx, 1, "mirror")
		is.NoErr(err)
		is.Equal(got, int64(0)) // forgotten
		got, err = f.s.AckedChanges(ctx, 1, "search")
		is.NoErr(err)
		is.Equal(got, p1)                                    // the other is kept
		is.NoErr(f.s.DropConsumer(ctx, 1, "mirror"))         // one not there is ignored
		is.NoErr(f.s.DropConsumer(ctx, 1, "never-was-here")) // nor one never seen
		is.NoErr(f.s.AckChanges(ctx, 1, "mirror", p1))       // a dropped name starts again
		got, err = f.s.AckedChanges(ctx, 1, "mirror")
		is.NoErr(err)
		is.Equal(got, p1)
	})

	t.Run("AckChanges/BadPosition", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, newStore)
		top := head(t, f.s, 1)
		is.NoErr(f.s.AckChanges(ctx, 1, "mirror", 0)) // 0: nothing handled yet
		for _, p := range []int64{-1, store.FromNow, top + 1000} {
			wantInvalid(t, f.s.AckChanges(ctx, 1, "mirror", p), "position")
		}
		got, err := f.s.AckedChanges(ctx, 1, "mirror")
		is.NoErr(err)
		is.Equal(got, int64(0))                                           // a refused ack changes nothing
		wantInvalid(t, f.s.AckChanges(ctx, 2, "mirror", top), "position") // beyond account 2's newest (it has none)
		// Where positions are shared by accounts, one of account 2's newer
		// changes is beyond account 1's newest.
		c2 := mustCreateContact(t, f.s, 2, convo.NewContact{FirstName: "Two"})
		mustCreateConversation(t, f.s, 2, c2.ID)
		if top2 := head(t, f.s, 2); top2 > top {
			wantInvalid(t, f.s.AckChanges(ctx, 1, "mirror", top2), "position")
		}
	})

	t.Run("AckChanges/BadName", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, newStore)
		top := head(t, f.s, 1)
		for _, name := range []string{"", strings.Repeat("n", store.MaxConsumerName+1), "bad \xff", "line\nbreak", "del\x7f"} {
			is.True(store.ValidateConsumer(name) != nil)
			wantInvalid(t, f.s.AckChanges(ctx, 1, name, top), "consumer")
		}
		for _, name := range []string{strings.Repeat("é", store.MaxConsumerName/2), "search-indexer v2", "日本"} {
			is.NoErr(f.s.AckChanges(ctx, 1, name, top)) // good names of every form
			got, err := f.s.AckedChanges(ctx, 1, name)
			is.NoErr(err)
			is.Equal(got, top)
		}
	})

	t.Run("BadAccount", func(t *testing.T) {
		f := newFeed(t, newStore)
		wantInvalid(t, f.s.AckChanges(ctx, 0, "mirror", 0), "account_id")
		_, err := f.s.AckedChanges(ctx, 0, "mirror")
		wantInvalid(t, err, "account_id")
		wantInvalid(t, f.s.DropConsumer(ctx, -1, "mirror"), "account_id")
	})

	t.Run("KilledAtRandomResumesWithoutAGap", func(t *testing.T) {
		testKilledConsumer(t, newStore)
	})
}

// testKilledConsumer runs a durable consumer that handles a random number
// of changes per read, acknowledges at random points and crashes (drops
// everything it holds in memory) at random points, while a writer goes
// on. Each incarnation resumes from AckedChanges. The changes it handled,
// duplicates aside, must be every change of the account, in order: each
// incarnation handles a run of consecutive changes that starts right
// after the position it resumed from.
func testKilledConsumer(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	const seed = 20261203
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	f := newFeed(t, newStore)
	const consumer = "crashy"

	stop := make(chan struct{})
	var wg sync.WaitGroup
	stopWriter := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer stopWriter() // before the store closes, even on failure
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := f.s.AddMessage(ctx, 1, f.conv.ID, text(fmt.Sprintf("w%d", i))); err != nil {
				t.Errorf("writer: %v", err)
				return
			}
			if i%5 == 4 {
				if _, err := f.s.ChangeStatus(ctx, 1, f.conv.ID, convo.StatusChange{Toggle: true, Quiet: true}); err != nil {
					t.Errorf("writer: %v", err)
					return
				}
			}
			time.Sleep(200 * time.Microsecond)
		}
	})

	type incarnation struct {
		from    int64   // the position it resumed from
		handled []int64 // what it handled, in order
	}
	var lives []incarnation
	var acked int64 // what the consumer last acknowledged, as it knows
	// run is one incarnation: it reads from where the consumer acked and
	// handles changes until it crashes (after budget changes) or, with
	// budget < 0, reaches the end of the feed.
	run := func(budget int) {
		from, err := f.s.AckedChanges(ctx, 1, consumer)
		if err != nil {
			t.Fatalf("acked: %v", err)
		}
		if from != acked {
			t.Fatalf("incarnation %d resumes from %d, but the last acknowledgement was %d", len(lives), from, acked)
		}
		life := incarnation{from: from}
		pos := from
		for {
			if t.Failed() {
				t.FailNow() // the writer stopped: the changes the budget waits for will not come
			}
			page, err := f.s.Changes(ctx, 1, pos, store.ChangeFilter{Limit: 1 + rng.IntN(6)})
			if err != nil {
				t.Fatalf("changes after %d: %v", pos, err)
			}
			for _, c := range page.Changes {
				if budget == 0 {
					lives = append(lives, life) // crash: pos is lost
					return
				}
				budget--
				life.handled = append(life.handled, c.Position)
				pos = c.Position
				if rng.IntN(3) == 0 {
					if err := f.s.AckChanges(ctx, 1, consumer, pos); err != nil {
						t.Fatalf("ack %d: %v", pos, err)
					}
					acked = pos
				}
			}
			if budget < 0 && !page.More && len(page.Changes) == 0 {
				lives = append(lives, life)
				return
			}
			pos = page.Next
		}
	}
	for range 12 {
		run(rng.IntN(25))
		time.Sleep(time.Duration(rng.IntN(3)) * time.Millisecond)
	}
	stopWriter()
	run(-1) // the last one reads to the end

	all := readAll(t, f.s, 1, 0, store.ChangeFilter{})
	index := map[int64]int{0: -1}
	for i, c := range all {
		index[c.Position] = i
	}
	seen := map[int64]bool{}
	duplicates := 0
	for n, life := range lives {
		at, ok := index[life.from]
		if !ok {
			t.Fatalf("incarnation %d resumed from %d, not a position of the feed", n, life.from)
		}
		for i, p := range life.handled {
			if at+1+i >= len(all) || all[at+1+i].Position != p {
				t.Fatalf("incarnation %d, resumed after %d: handled %v, not the changes that follow it", n, life.from, life.handled)
			}
			if seen[p] {
				duplicates++
			}
			seen[p] = true
		}
	}
	for _, c := range all {
		if !seen[c.Position] {
			t.Fatalf("change %d (%v) was never handled", c.Position, entryOf(c))
		}
	}
	t.Logf("%d incarnations handled %d changes, %d of them again after a crash", len(lives), len(all), duplicates)
	if len(all) < 40 {
		t.Errorf("only %d changes: the writer hardly ran", len(all))
	}
}

// testChangeRetention checks retention with the store's clock. The suite
// relies on retention as every backend implements it: trimming runs inside
// write transactions; a write whose clock is at least one minute past the
// store's last trim (the first write after the store opens trims) deletes
// the expired changes, those with at < now-ChangeRetention (7 days) whose
// account has no durable consumer or whose position is at or before the
// lowest position its consumers acknowledged, and every one with at <
// now-MaxChangeRetention (30 days). Changes after a position p with 0 < p
// < the highest trimmed position of the account is ErrChangesExpired. (A
// backend may keep an account's newest change past that, as SQLite does so
// that it never hands a position out twice: no test here needs an
// account's newest change to go.)
func testChangeRetention(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	const (
		week  = store.ChangeRetention
		month = store.MaxChangeRetention
	)
	expired := func(t *testing.T, s store.Store, after int64) {
		t.Helper()
		_, err := s.Changes(ctx, 1, after, store.ChangeFilter{})
		if !errors.Is(err, convo.ErrChangesExpired) {
			t.Fatalf("changes after %d: %v, want ErrChangesExpired", after, err)
		}
	}
	// old writes five changes (the fixture's two, three messages) at the
	// fixture's time and returns them.
	old := func(t *testing.T, f *feedFixture) []store.Change {
		t.Helper()
		for i := range 3 {
			mustAddMessage(t, f.s, 1, f.conv.ID, text(fmt.Sprintf("old %d", i)))
		}
		all := readAll(t, f.s, 1, 0, store.ChangeFilter{})
		if len(all) != 5 {
			t.Fatalf("%d changes, want 5", len(all))
		}
		return all
	}

	t.Run("AfterSevenDays", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, newStore)
		// Account 2 has a change and a consumer that has not handled it:
		// that keeps account 2's change, not account 1's.
		other := mustCreateContact(t, f.s, 2, convo.NewContact{FirstName: "Other account"})
		is.NoErr(f.s.AckChanges(ctx, 2, "other-account", 0))
		olds := old(t, f)
		f.clock.Advance(3 * 24 * time.Hour)
		recent := mustAddMessage(t, f.s, 1, f.conv.ID, text("three days later"))
		f.clock.Advance(week - 3*24*time.Hour + 2*time.Minute)
		// Nothing expires without a write: reads do not trim.
		samePositions(t, readAll(t, f.s, 1, 0, store.ChangeFilter{})[:5], olds)
		latest := mustAddMessage(t, f.s, 1, f.conv.ID, text("a week later")) // trims

		for _, c := range olds[:4] {
			expired(t, f.s, c.Position) // the reader missed changes
		}
		kept := readAll(t, f.s, 1, 0, store.ChangeFilter{})
		want(t, kept, created(recent), created(latest)) // 0: what is kept
		got := readAll(t, f.s, 1, olds[4].Position, store.ChangeFilter{})
		want(t, got, created(recent), created(latest)) // after the newest trimmed: nothing missed
		got = readAll(t, f.s, 1, kept[0].Position, store.ChangeFilter{})
		want(t, got, created(latest))
		page, err := f.s.Changes(ctx, 1, store.FromNow, store.ChangeFilter{})
		is.NoErr(err)
		is.Equal(page.Next, kept[1].Position) // FromNow still works

		// Account 2's change is kept.
		want(t, readAll(t, f.s, 2, 0, store.ChangeFilter{}), entry{Kind: store.ContactCreated, Contact: other.ID})

		// Expired whatever the filter.
		for _, flt := range []store.ChangeFilter{
			{ConversationID: f.conv.ID},
			{Kinds: []store.ChangeKind{store.ContactCreated}},
			{Viewer: &convo.Viewer{UserID: f.agent}, Limit: 1},
		} {
			_, err := f.s.Changes(ctx, 1, olds[0].Position, flt)
			is.True(errors.Is(err, convo.ErrChangesExpired))
		}

		// Watch from an expired position yields the error once and ends.
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		var errs []error
		for c, err := range store.Watch(wctx, f.s, 1, olds[0].Position, store.ChangeFilter{}) {
			is.Equal(c.Position, int64(0)) // no change, the zero Change
			errs = append(errs, err)
		}
		is.Equal(len(errs), 1)
		is.True(errors.Is(errs[0], convo.ErrChangesExpired))
	})

	t.Run("YoungerThanSevenDaysKept", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, newStore)
		olds := old(t, f)
		f.clock.Advance(week - time.Hour)
		mustAddMessage(t, f.s, 1, f.conv.ID, text("not yet")) // trims nothing: under a week
		got := readAll(t, f.s, 1, olds[0].Position, store.ChangeFilter{})
		is.Equal(len(got), 5) // every change after the first
		samePositions(t, got[:4], olds[1:])
	})

	t.Run("UnackedConsumerKeepsUpToThirtyDays", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, newStore)
		is.NoErr(f.s.AckChanges(ctx, 1, "mirror", 0)) // a consumer that has handled nothing
		olds := old(t, f)
		f.clock.Advance(week + 2*time.Minute)
		mustAddMessage(t, f.s, 1, f.conv.ID, text("a week later"))
		f.clock.Advance(10 * 24 * time.Hour)
		mustAddMessage(t, f.s, 1, f.conv.ID, text("more than two weeks later"))
		got := readAll(t, f.s, 1, olds[0].Position, store.ChangeFilter{})
		is.Equal(len(got), 6) // kept for the consumer
		samePositions(t, got[:4], olds[1:])
		f.clock.Advance(month - week - 10*24*time.Hour)
		mustAddMessage(t, f.s, 1, f.conv.ID, text("a month later")) // trims what is older than 30 days
		expired(t, f.s, olds[0].Position)
		expired(t, f.s, olds[3].Position)
		got = readAll(t, f.s, 1, 0, store.ChangeFilter{})
		is.Equal(len(got), 3) // the rest is kept: younger, and not acknowledged
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		is.NoErr(f.s.WaitChanges(wctx, 1, 0)) // there are changes after 0 still
	})

	t.Run("AckedGoAtTheNextTrim", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, newStore)
		is.NoErr(f.s.AckChanges(ctx, 1, "mirror", 0))
		is.NoErr(f.s.AckChanges(ctx, 1, "search", 0))
		olds := old(t, f)
		is.NoErr(f.s.AckChanges(ctx, 1, "mirror", olds[2].Position))
		is.NoErr(f.s.AckChanges(ctx, 1, "search", olds[3].Position))
		f.clock.Advance(week + 2*time.Minute)
		latest := mustAddMessage(t, f.s, 1, f.conv.ID, text("a week later"))
		// Up to the lowest acknowledged position: olds[0:3] go.
		expired(t, f.s, olds[0].Position)
		expired(t, f.s, olds[1].Position)
		got := readAll(t, f.s, 1, olds[2].Position, store.ChangeFilter{})
		samePositions(t, got[:2], olds[3:])
		want(t, got[2:], created(latest))
		got = readAll(t, f.s, 1, 0, store.ChangeFilter{})
		is.Equal(len(got), 3) // what is kept

		// Both acknowledge everything: the rest goes at the next trim, a
		// minute later.
		top := head(t, f.s, 1)
		is.NoErr(f.s.AckChanges(ctx, 1, "mirror", top))
		is.NoErr(f.s.AckChanges(ctx, 1, "search", top))
		f.clock.Advance(2 * time.Minute)
		last := mustAddMessage(t, f.s, 1, f.conv.ID, text("trim again"))
		expired(t, f.s, olds[2].Position)
		expired(t, f.s, olds[3].Position)
		got = readAll(t, f.s, 1, olds[4].Position, store.ChangeFilter{})
		want(t, got, created(latest), created(last)) // younger than a week: kept, acked or not
	})

	t.Run("DroppedConsumerKeepsNothing", func(t *testing.T) {
		f := newFeed(t, newStore)
		is := is.New(t)
		is.NoErr(f.s.AckChanges(ctx, 1, "mirror", 0))
		olds := old(t, f)
		f.clock.Advance(week + 2*time.Minute)
		mustAddMessage(t, f.s, 1, f.conv.ID, text("a week later"))
		got := readAll(t, f.s, 1, olds[0].Position, store.ChangeFilter{})
		is.Equal(len(got), 5) // kept for the consumer
		is.NoErr(f.s.DropConsumer(ctx, 1, "mirror"))
		f.clock.Advance(2 * time.Minute)
		mustAddMessage(t, f.s, 1, f.conv.ID, text("dropped"))
		expired(t, f.s, olds[0].Position) // no consumer: a week is all
		got = readAll(t, f.s, 1, 0, store.ChangeFilter{})
		is.Equal(len(got), 2)
	})
}

// testChangesReadOnly checks the feed of a read-only store
// (WithReadOnly): it reads, and refuses acknowledgements.
func testChangesReadOnly(t *testing.T, cfg config) {
	if cfg.readOnly == nil {
		t.Skip("the backend gave no read-only stores (storetest.WithReadOnly)")
	}
	is := is.New(t)
	ctx := context.Background()
	var c convo.Contact
	var conv convo.Conversation
	var acked int64
	s := cfg.readOnly(t, func(s store.Store) {
		var err error
		if c, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Reader"}); err != nil {
			t.Fatalf("seed: %v", err)
		}
		if conv, err = s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: fixedTime}); err != nil {
			t.Fatalf("seed: %v", err)
		}
		page, err := s.Changes(ctx, 1, 0, store.ChangeFilter{})
		if err != nil || len(page.Changes) != 2 {
			t.Fatalf("seed: %v, %d changes", err, len(page.Changes))
		}
		acked = page.Changes[0].Position
		if err := s.AckChanges(ctx, 1, "mirror", acked); err != nil {
			t.Fatalf("seed: %v", err)
		}
	})
	got := readAll(t, s, 1, 0, store.ChangeFilter{})
	want(t, got, entry{Kind: store.ContactCreated, Contact: c.ID},
		entry{Kind: store.ConversationCreated, Contact: c.ID, Conversation: conv.ID}) // Changes works
	is.Equal(head(t, s, 1), got[1].Position)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	is.NoErr(s.WaitChanges(wctx, 1, 0)) // so does WaitChanges
	pos, err := s.AckedChanges(ctx, 1, "mirror")
	is.NoErr(err)
	is.Equal(pos, acked)                                                                   // and AckedChanges
	is.True(errors.Is(s.AckChanges(ctx, 1, "mirror", got[1].Position), convo.ErrReadOnly)) // acknowledging writes
	is.True(errors.Is(s.AckChanges(ctx, 1, "new", got[1].Position), convo.ErrReadOnly))
	is.True(errors.Is(s.DropConsumer(ctx, 1, "mirror"), convo.ErrReadOnly)) // so does dropping
	pos, err = s.AckedChanges(ctx, 1, "mirror")
	is.NoErr(err)
	is.Equal(pos, acked) // unchanged
}
