package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// watched is what a Watch running in a goroutine yields.
type watched struct {
	changes chan store.Change
	errs    chan error    // each error yielded
	done    chan struct{} // closed when the loop has ended
}

// watch runs store.Watch in a goroutine until ctx ends; the test's cleanup
// cancels it and waits for it, before the store closes.
func watch(t *testing.T, ctx context.Context, s store.Store, account, after int64, f store.ChangeFilter) *watched {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	w := &watched{changes: make(chan store.Change, 10000), errs: make(chan error, 10), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for c, err := range store.Watch(ctx, s, account, after, f) {
			if err != nil {
				w.errs <- err
				continue // Watch must end by itself after an error
			}
			w.changes <- c
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-w.done
	})
	return w
}

// next waits up to limit for the next change.
func (w *watched) next(t *testing.T, limit time.Duration) store.Change {
	t.Helper()
	select {
	case c := <-w.changes:
		return c
	case err := <-w.errs:
		t.Fatalf("watch: %v", err)
	case <-time.After(limit):
		t.Fatalf("watch: no change within %v", limit)
	}
	return store.Change{}
}

// countingStore counts the feed reads made through it.
type countingStore struct {
	store.Store
	reads atomic.Int64
}

func (s *countingStore) Changes(ctx context.Context, accountID, after int64, f store.ChangeFilter) (store.ChangePage, error) {
	s.reads.Add(1)
	return s.Store.Changes(ctx, accountID, after, f)
}

func (s *countingStore) WaitChanges(ctx context.Context, accountID, after int64) error {
	s.reads.Add(1)
	return s.Store.WaitChanges(ctx, accountID, after)
}

// testChangesConcurrency checks that positions never go back while eight
// writers race: a reader tailing the feed with Watch sees every change
// exactly once, in strictly increasing positions, and a full read
// afterwards finds exactly what the tail saw (no change committed at a
// position the tail had passed). It runs on the durable stores
// (WithDurableStores), against the backend's real locking.
func testChangesConcurrency(t *testing.T, cfg config) {
	t.Run("PositionsNeverGoBack", func(t *testing.T) {
		s := cfg.durable(t, nil)
		racingWriters(t, cfg, s, []store.Store{s})
	})
	// Two stores on one database, as two processes: a tail on the first
	// sees the commits of both in one order.
	t.Run("TwoStores/PositionsNeverGoBack", func(t *testing.T) {
		if cfg.pair == nil {
			t.Skip("the backend gave no two stores on one database (WithTwoStores)")
		}
		a, b := cfg.pair(t, nil)
		racingWriters(t, cfg, a, []store.Store{a, b})
	})
}

// racingWriters runs eight writers, spread over the stores writers, while
// a tail reads the feed of tail with Watch, and checks what the tail saw.
func racingWriters(t *testing.T, cfg config, tail store.Store, writers []store.Store) {
	is := is.New(t)
	ctx := context.Background()
	c := mustCreateContact(t, tail, 1, convo.NewContact{FirstName: "Busy"})
	var convs []int64
	for range 4 {
		convs = append(convs, mustCreateConversation(t, tail, 1, c.ID).ID)
	}
	start := head(t, tail, 1)

	wctx, stopTail := context.WithCancel(ctx)
	defer stopTail()
	var mu sync.Mutex
	var seen []store.Change
	var tailErr error
	var last atomic.Int64
	tailDone := make(chan struct{})
	go func() {
		defer close(tailDone)
		for ch, err := range store.Watch(wctx, tail, 1, start, store.ChangeFilter{}) {
			if err != nil {
				if wctx.Err() == nil {
					tailErr = err
				}
				return
			}
			mu.Lock()
			seen = append(seen, ch)
			mu.Unlock()
			last.Store(ch.Position)
		}
	}()

	const n, each = 8, 30
	var wg sync.WaitGroup
	var failed atomic.Int64
	var firstErr atomic.Value
	added := make([][]int64, n) // the messages each writer added
	for w := range n {
		s := writers[w%len(writers)]
		wg.Go(func() {
			for i := range each {
				conv := convs[(w+i)%len(convs)]
				var err error
				switch i % 3 {
				case 0:
					var m convo.Message
					m, err = s.AddMessage(ctx, 1, conv, text(fmt.Sprintf("w%d-%d", w, i)))
					added[w] = append(added[w], m.ID)
				case 1:
					// Two conversations, in either order: writers that
					// lock them in opposite orders, and retry.
					pair := []int64{conv, convs[(w+i+1)%len(convs)]}
					if w%2 == 1 {
						pair[0], pair[1] = pair[1], pair[0]
					}
					var ms []convo.Message
					ms, err = s.AddMessages(ctx, 1, []store.MessageTo{
						{ConversationID: pair[0], Message: text(fmt.Sprintf("w%d-%d a", w, i))},
						{ConversationID: pair[1], Message: text(fmt.Sprintf("w%d-%d b", w, i))},
					})
					for _, m := range ms {
						added[w] = append(added[w], m.ID)
					}
				default:
					// A new assignee each time: always one change.
					_, err = s.Assign(ctx, 1, conv, convo.Assignment{AssigneeID: uuid.New(), Quiet: true})
				}
				if err != nil && failed.Add(1) == 1 {
					firstErr.Store(err)
				}
			}
		})
	}
	wg.Wait()
	if k := failed.Load(); k > 0 {
		t.Fatalf("%d of %d writes failed, first: %v", k, n*each, firstErr.Load())
	}
	final := head(t, tail, 1)
	deadline := time.Now().Add(10 * time.Second)
	for last.Load() < final && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	stopTail()
	<-tailDone
	is.NoErr(tailErr)
	is.Equal(last.Load(), final) // the tail caught up with the head

	is.Equal(len(seen), n*each*4/3) // every change, once: 1 per message, 2 per batch, 1 per assignment
	messages := map[int64]bool{}
	assigns := 0
	for i, ch := range seen {
		if i > 0 && ch.Position <= seen[i-1].Position {
			t.Fatalf("tail: position %d after %d", ch.Position, seen[i-1].Position)
		}
		switch ch.Kind {
		case store.MessageCreated:
			is.True(!messages[ch.MessageID]) // each message once
			messages[ch.MessageID] = true
		case store.ConversationUpdated:
			is.Equal(ch.Fields, []string{"assignee_id"})
			assigns++
		default:
			t.Fatalf("tail: unexpected %v", entryOf(ch))
		}
	}
	total := 0
	for w := range n {
		for _, id := range added[w] {
			is.True(messages[id]) // every message added was seen
		}
		total += len(added[w])
	}
	is.Equal(len(messages), total)
	is.Equal(assigns, n*each/3)

	full := readAll(t, tail, 1, start, store.ChangeFilter{})
	samePositions(t, full, seen) // the full read is what the tail saw
	cfg.checkInvariants(t, tail)
}

// testChangesWatch checks store.Watch and WaitChanges against the backend:
// existing changes, then new ones as they commit; breaking out; a
// cancelled context; and, with WithTwoStores, a change written through
// another store on the same database.
func testChangesWatch(t *testing.T, cfg config) {
	ctx := context.Background()

	t.Run("ExistingThenNew", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, cfg.newStore)
		w := watch(t, ctx, f.s, 1, 0, store.ChangeFilter{})
		is.Equal(entryOf(w.next(t, 5*time.Second)), entry{Kind: store.ContactCreated, Contact: f.contact.ID}) // what there was
		is.Equal(entryOf(w.next(t, 5*time.Second)).Kind, store.ConversationCreated)
		var slowest time.Duration
		for i := range 5 {
			m := mustAddMessage(t, f.s, 1, f.conv.ID, text(fmt.Sprintf("live %d", i)))
			committed := time.Now()
			got := w.next(t, 5*time.Second)
			slowest = max(slowest, time.Since(committed))
			is.Equal(entryOf(got), created(m)) // then what comes
			is.Equal(msgOf(t, got), m)
		}
		t.Logf("a change by the same store reached Watch within %v", slowest)
		if slowest > time.Second {
			t.Errorf("a change by the same store took %v to reach Watch (want a millisecond or two)", slowest)
		}
		select {
		case c := <-w.changes:
			t.Fatalf("watch: unexpected %v", entryOf(c))
		case err := <-w.errs:
			t.Fatalf("watch: %v", err)
		default:
		}
	})

	t.Run("Filtered", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, cfg.newStore)
		other := mustCreateConversation(t, f.s, 1, f.contact.ID)
		// From the head read here: FromNow would be read when the
		// goroutine starts, perhaps after the writes below.
		w := watch(t, ctx, f.s, 1, head(t, f.s, 1), store.ChangeFilter{ConversationID: f.conv.ID, Kinds: []store.ChangeKind{store.MessageCreated}})
		for i := range 3 {
			mustAddMessage(t, f.s, 1, other.ID, text(fmt.Sprintf("elsewhere %d", i)))
		}
		m := mustAddMessage(t, f.s, 1, f.conv.ID, text("here"))
		is.Equal(entryOf(w.next(t, 5*time.Second)), created(m)) // only what the filter keeps
	})

	t.Run("FromNow", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, cfg.newStore)
		cs := &countingStore{Store: f.s}
		w := watch(t, ctx, cs, 1, store.FromNow, store.ChangeFilter{})
		for cs.reads.Load() < 2 { // it read, found nothing, and waits
			time.Sleep(time.Millisecond)
		}
		m := mustAddMessage(t, f.s, 1, f.conv.ID, text("news"))
		is.Equal(entryOf(w.next(t, 5*time.Second)), created(m)) // only what came after it started
	})

	t.Run("BreakStops", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, cfg.newStore)
		cs := &countingStore{Store: f.s}
		n := 0
		for c, err := range store.Watch(ctx, cs, 1, 0, store.ChangeFilter{}) {
			is.NoErr(err)
			is.Equal(c.Kind, store.ContactCreated)
			n++
			break
		}
		is.Equal(n, 1)
		reads := cs.reads.Load()
		mustAddMessage(t, f.s, 1, f.conv.ID, text("nobody listens"))
		time.Sleep(20 * time.Millisecond)
		is.Equal(cs.reads.Load(), reads) // nothing reads the feed any more
	})

	t.Run("CancelEndsWithTheContextsError", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, cfg.newStore)
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		type yielded struct {
			c   store.Change
			err error
		}
		out := make(chan yielded, 100)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for c, err := range store.Watch(wctx, f.s, 1, 0, store.ChangeFilter{}) {
				out <- yielded{c, err}
			}
		}()
		for range 2 {
			select {
			case y := <-out:
				is.NoErr(y.err) // the existing changes
			case <-time.After(5 * time.Second):
				t.Fatal("watch: no change within 5s")
			}
		}
		time.Sleep(10 * time.Millisecond) // Watch waits for more
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("watch: still running 5s after its context was cancelled")
		}
		close(out)
		var errs []error
		for y := range out {
			is.Equal(y.c.Position, int64(0)) // the zero Change
			errs = append(errs, y.err)
		}
		is.Equal(len(errs), 1)                        // the error, once
		is.True(errors.Is(errs[0], context.Canceled)) // the context's
	})

	t.Run("CloseEndsWithErrClosed", func(t *testing.T) {
		// On a durable store, where WaitChanges may also look for other
		// processes' changes.
		is := is.New(t)
		s, _, conv := seeded(t, cfg.durable)
		w := watch(t, ctx, s, 1, 0, store.ChangeFilter{})
		is.Equal(w.next(t, 5*time.Second).Kind, store.ContactCreated)
		is.Equal(w.next(t, 5*time.Second).Kind, store.ConversationCreated)
		time.Sleep(10 * time.Millisecond) // Watch waits for more
		is.NoErr(s.Close())
		select {
		case <-w.done:
		case <-time.After(5 * time.Second):
			t.Fatal("watch: still running 5s after the store closed")
		}
		close(w.errs)
		var errs []error
		for err := range w.errs {
			errs = append(errs, err)
		}
		is.Equal(len(errs), 1)                       // the error, once
		is.True(errors.Is(errs[0], convo.ErrClosed)) // the store's
		is.Equal(len(w.changes), 0)                  // and nothing else

		_, err := s.Changes(ctx, 1, 0, store.ChangeFilter{})
		is.True(errors.Is(err, convo.ErrClosed)) // every feed call after Close
		is.True(errors.Is(s.WaitChanges(ctx, 1, 0), convo.ErrClosed))
		is.True(errors.Is(s.AckChanges(ctx, 1, "mirror", 0), convo.ErrClosed))
		_, err = s.AckedChanges(ctx, 1, "mirror")
		is.True(errors.Is(err, convo.ErrClosed))
		is.True(errors.Is(s.DropConsumer(ctx, 1, "mirror"), convo.ErrClosed))
		_, err = s.AddMessage(ctx, 1, conv.ID, text("too late"))
		is.True(errors.Is(err, convo.ErrClosed))
	})

	// On a store with the fewest connections (WithFewestConnections),
	// waiters and a Watch that waits hold none: calls beside them, and in
	// the loop body, do not wait for a connection.
	t.Run("HoldsNoConnection", func(t *testing.T) {
		is := is.New(t)
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		s, _, conv := seeded(t, cfg.fewest)
		top := head(t, s, 1)
		woke := make(chan error, 3)
		for range 3 {
			go func() { woke <- s.WaitChanges(ctx, 1, top) }()
		}
		w := watch(t, ctx, s, 1, top, store.ChangeFilter{})
		time.Sleep(20 * time.Millisecond) // they wait
		quick := func() (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, 2*time.Second) }
		qctx, qcancel := quick()
		_, err := s.GetConversation(qctx, 1, conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
		qcancel()
		is.NoErr(err) // a read beside them
		_, err = s.Changes(ctx, 1, 0, store.ChangeFilter{})
		is.NoErr(err) // a read of the feed
		qctx, qcancel = quick()
		m, err := s.AddMessage(qctx, 1, conv.ID, text("wake"))
		qcancel()
		is.NoErr(err) // a write
		for range 3 {
			select {
			case err := <-woke:
				is.NoErr(err) // woken by it
			case <-time.After(5 * time.Second):
				t.Fatal("WaitChanges: not woken within 5s")
			}
		}
		is.Equal(entryOf(w.next(t, 5*time.Second)), created(m))

		// A loop body that reads and writes through the store.
		n := 0
		for c, err := range store.Watch(ctx, s, 1, 0, store.ChangeFilter{Limit: 1}) {
			is.NoErr(err)
			qctx, qcancel := quick()
			_, err = s.GetConversation(qctx, 1, conv.ID, store.GetConversationOptions{})
			is.NoErr(err)
			if c.Kind == store.MessageCreated && n < 3 {
				_, err = s.AddMessage(qctx, 1, conv.ID, text(fmt.Sprintf("from the loop %d", n)))
				is.NoErr(err)
				n++
			}
			qcancel()
			if n == 3 && c.Kind == store.MessageCreated && c.Message != nil && c.Message.Content == "from the loop 2" {
				break // it saw its own last write
			}
		}
		is.NoErr(ctx.Err()) // nothing waited for the deadline
	})

	t.Run("WaitChanges", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, cfg.newStore)
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		begin := time.Now()
		is.NoErr(f.s.WaitChanges(wctx, 1, 0)) // there are changes after 0: at once
		is.True(time.Since(begin) < time.Second)
		top := head(t, f.s, 1)
		short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancelShort()
		var err error
		for range 1000 { // it may return early with nothing new
			if err = f.s.WaitChanges(short, 1, top); err != nil {
				break
			}
		}
		is.True(errors.Is(err, context.DeadlineExceeded)) // nothing new: the context's error
		cancelled, cancelNow := context.WithCancel(ctx)
		cancelNow()
		err = f.s.WaitChanges(cancelled, 1, top)
		is.True(errors.Is(err, context.Canceled)) // a context ended before the call
		// A change committed while it waits wakes it.
		woke := make(chan error, 1)
		go func() { woke <- f.s.WaitChanges(wctx, 1, top) }()
		time.Sleep(10 * time.Millisecond)
		mustAddMessage(t, f.s, 1, f.conv.ID, text("wake up"))
		select {
		case err := <-woke:
			is.NoErr(err)
		case <-time.After(5 * time.Second):
			t.Fatal("WaitChanges: not woken within 5s by a change of the same store")
		}
	})

	// A snooze that ends is woken once, whichever store's write wakes it,
	// while both write at once.
	t.Run("TwoStores/SnoozeEndsOnce", func(t *testing.T) {
		if cfg.pair == nil {
			t.Skip("the backend gave no two stores on one database (WithTwoStores)")
		}
		is := is.New(t)
		clock := newFeedClock()
		a, b := cfg.pair(t, clock.Now)
		c := mustCreateContact(t, a, 1, convo.NewContact{FirstName: "Sleepy"})
		var convs []convo.Conversation
		for range 3 {
			conv := mustCreateConversation(t, a, 1, c.ID)
			_, err := a.ChangeStatus(ctx, 1, conv.ID, convo.StatusChange{Status: convo.StatusSnoozed, SnoozedUntil: clock.Now().Add(time.Hour), Quiet: true})
			is.NoErr(err)
			convs = append(convs, conv)
		}
		other := mustCreateConversation(t, b, 1, c.ID)
		from := head(t, a, 1)
		clock.Advance(time.Hour + time.Second)
		var wg sync.WaitGroup
		for i := range 8 {
			s := []store.Store{a, b}[i%2]
			wg.Go(func() {
				if _, err := s.AddMessages(ctx, 1, []store.MessageTo{{ConversationID: other.ID, Message: convo.NewMessage{Type: convo.MessageOutgoing, Content: "busy"}}}); err != nil {
					t.Errorf("add: %v", err)
				}
			})
		}
		wg.Wait()
		woken := map[int64]int{}
		for _, ch := range readAll(t, a, 1, from, store.ChangeFilter{}) {
			switch ch.Kind {
			case store.ConversationUpdated:
				is.Equal(ch.Fields, []string{"snoozed_until", "status"})
				woken[ch.ConversationID]++
			case store.MessageCreated:
				is.Equal(ch.ConversationID, other.ID)
			default:
				t.Fatalf("unexpected %v", entryOf(ch))
			}
		}
		for _, conv := range convs {
			is.Equal(woken[conv.ID], 1) // each snooze's end, once
		}
		is.Equal(len(woken), len(convs))
	})

	// A change the other store commits just as WaitChanges starts, before
	// or after its first look, wakes it all the same: no lost wake-up.
	t.Run("TwoStores/NoLostWakeUp", func(t *testing.T) {
		if cfg.pair == nil {
			t.Skip("the backend gave no two stores on one database (WithTwoStores)")
		}
		clock := newFeedClock()
		a, b := cfg.pair(t, clock.Now)
		c := mustCreateContact(t, a, 1, convo.NewContact{FirstName: "Quick"})
		conv := mustCreateConversation(t, a, 1, c.ID)
		var slowest time.Duration
		for i := range 10 {
			top := head(t, a, 1)
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			woke := make(chan error, 1)
			go func() { woke <- a.WaitChanges(wctx, 1, top) }()
			time.Sleep(time.Duration(i) * 200 * time.Microsecond) // sweep the start
			mustAddMessage(t, b, 1, conv.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: fmt.Sprintf("quick %d", i)})
			committed := time.Now()
			err := <-woke
			cancel()
			if err != nil {
				t.Fatalf("round %d: WaitChanges: %v (the other store's change did not wake it)", i, err)
			}
			slowest = max(slowest, time.Since(committed))
		}
		t.Logf("the other store's changes woke WaitChanges within %v", slowest)
	})

	t.Run("TwoStores", func(t *testing.T) {
		if cfg.pair == nil {
			t.Skip("the backend gave no two stores on one database (WithTwoStores)")
		}
		is := is.New(t)
		clock := newFeedClock()
		a, b := cfg.pair(t, clock.Now)
		c := mustCreateContact(t, a, 1, convo.NewContact{FirstName: "Two", Email: "two@example.com"})
		conv := mustCreateConversation(t, a, 1, c.ID)
		is.Equal(head(t, b, 1), head(t, a, 1)) // one feed

		// A Watch on a wakes for b's write.
		w := watch(t, ctx, a, 1, head(t, a, 1), store.ChangeFilter{})
		time.Sleep(20 * time.Millisecond) // so that it waits
		m := mustAddMessage(t, b, 1, conv.ID, text("from the other store"))
		committed := time.Now()
		got := w.next(t, 5*time.Second)
		t.Logf("a change by the other store reached Watch in %v", time.Since(committed))
		is.Equal(entryOf(got), created(m))
		is.Equal(msgOf(t, got), m)

		// WaitChanges on b wakes for a's write.
		top := head(t, b, 1)
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		found := make(chan []store.Change, 1)
		go func() {
			for wctx.Err() == nil {
				if err := b.WaitChanges(wctx, 1, top); err != nil {
					break
				}
				page, err := b.Changes(wctx, 1, top, store.ChangeFilter{})
				if err == nil && len(page.Changes) > 0 {
					found <- page.Changes
					return
				}
			}
			found <- nil
		}()
		time.Sleep(20 * time.Millisecond)
		_, err := a.ChangeStatus(ctx, 1, conv.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
		is.NoErr(err)
		committed = time.Now()
		changes := <-found
		t.Logf("a change by the other store woke WaitChanges in %v", time.Since(committed))
		if changes == nil {
			t.Fatal("WaitChanges: the other store's change was not seen within 5s")
		}
		want(t, changes, convUpdated(conv, "status"))
	})
}
