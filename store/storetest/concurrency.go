package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// testConcurrency checks what the store promises while calls race: writers
// queue rather than fail, retries stay idempotent, deletes and appends
// order cleanly, counters stay true, keyset pages stay stable.
func testConcurrency(t *testing.T, cfg config) {
	ctx := context.Background()

	t.Run("AddMessage/ConcurrentWriters", func(t *testing.T) {
		is := is.New(t)
		s := cfg.durable(t, nil)
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Busy"})
		var convs []int64
		for range 4 {
			convs = append(convs, mustCreateConversation(t, s, 1, c.ID).ID)
		}
		const writers, each = 8, 200
		var wg sync.WaitGroup
		var failed atomic.Int64
		var firstErr atomic.Value
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					_, err := s.AddMessage(ctx, 1, convs[(w+i)%len(convs)], text(fmt.Sprintf("w%d-%d", w, i)))
					if err != nil && failed.Add(1) == 1 {
						firstErr.Store(err)
					}
				}
			})
		}
		wg.Wait()
		if n := failed.Load(); n > 0 {
			t.Fatalf("%d of %d appends failed, first: %v", n, writers*each, firstErr.Load()) // no busy errors
		}
		seen := map[string]bool{}
		for _, id := range convs {
			msgs := allMessages(t, s, 1, id)
			for i, m := range msgs {
				is.Equal(m.Seq, int64(i+1)) // dense, no duplicates, in order
				is.True(!seen[m.Content])   // each append stored once
				seen[m.Content] = true
			}
			conv, err := s.GetConversation(ctx, 1, id, store.GetConversationOptions{})
			is.NoErr(err)
			is.Equal(conv.MessagesCount, int64(len(msgs))) // the counter follows
		}
		is.Equal(len(seen), writers*each) // every append stored
		cfg.checkInvariants(t, s)
	})

	t.Run("AddMessage/RacingRetriesWriteOnce", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, cfg.durable)
		const retries = 8
		for round := range 5 {
			sourceID := fmt.Sprintf("wamid.%d", round)
			got := make([]convo.Message, retries)
			errs := make([]error, retries)
			var wg sync.WaitGroup
			for i := range retries {
				wg.Go(func() {
					in := convo.NewMessage{Type: convo.MessageIncoming, Content: fmt.Sprintf("try %d", i), SourceID: sourceID}
					if i%2 == 0 {
						got[i], errs[i] = s.AddMessage(ctx, 1, conv.ID, in)
						return
					}
					var batch []convo.Message
					batch, errs[i] = s.AddMessages(ctx, 1, []store.MessageTo{{ConversationID: conv.ID, Message: in}})
					if len(batch) == 1 {
						got[i] = batch[0]
					}
				})
			}
			wg.Wait()
			for i := range retries {
				is.NoErr(errs[i])        // a retry is not an error
				is.Equal(got[i], got[0]) // every call returns the one message
			}
		}
		is.Equal(countMessages(t, s, 1, conv.ID), 5) // one row per source id
		after, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(after.MessagesCount, int64(5)) // the counter too
		cfg.checkInvariants(t, s)
	})

	t.Run("DeleteConversation/WhileAppending", func(t *testing.T) {
		is := is.New(t)
		s, c, conv := seeded(t, cfg.durable)
		other := mustCreateConversation(t, s, 1, c.ID)
		var deleted atomic.Bool
		var mu sync.Mutex
		var added []int64 // messages of conv that were acknowledged
		batches := 0      // acknowledged batches, each with one message in other
		problems := make(chan string, 100)
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := range 5000 {
					after := deleted.Load()
					var ids []int64
					var err error
					if w%2 == 0 {
						var m convo.Message
						m, err = s.AddMessage(ctx, 1, conv.ID, text(fmt.Sprintf("w%d-%d", w, i)))
						ids = []int64{m.ID}
					} else {
						var ms []convo.Message
						ms, err = s.AddMessages(ctx, 1, []store.MessageTo{
							{ConversationID: other.ID, Message: text("beside")},
							{ConversationID: conv.ID, Message: text(fmt.Sprintf("w%d-%d", w, i))},
						})
						if err == nil {
							ids = []int64{ms[1].ID}
						}
					}
					switch {
					case err == nil && after:
						problems <- "an append started after the delete returned succeeded"
						return
					case err == nil:
						mu.Lock()
						added = append(added, ids...)
						if w%2 == 1 {
							batches++
						}
						mu.Unlock()
					case isNotFound(err):
						return
					default:
						problems <- fmt.Sprintf("append: %v (want nil or ErrNotFound)", err)
						return
					}
				}
			})
		}
		for {
			mu.Lock()
			n := len(added)
			mu.Unlock()
			if n >= 40 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		id, err := s.DeleteConversation(ctx, 1, conv.ID)
		is.NoErr(err)
		is.Equal(id, conv.ID)
		deleted.Store(true)
		wg.Wait()
		close(problems)
		for p := range problems {
			t.Error(p)
		}
		for _, id := range added {
			_, err := s.GetMessage(ctx, 1, id)
			is.True(isNotFound(err)) // no orphan: every acknowledged message went with its conversation
		}
		_, err = s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{})
		is.True(isNotFound(err))                            // the conversation is gone
		is.Equal(countMessages(t, s, 1, other.ID), batches) // failed batches wrote nothing beside
		cfg.checkInvariants(t, s)
	})

	t.Run("Churn/CountersMatchScans", func(t *testing.T) {
		testChurn(t, cfg)
	})

	t.Run("ListMessages/KeysetWhileAppending", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, cfg.durable)
		batch := make([]store.MessageTo, 60)
		for i := range batch {
			batch[i] = store.MessageTo{ConversationID: conv.ID, Message: text("before")}
		}
		_, err := s.AddMessages(ctx, 1, batch)
		is.NoErr(err)
		defer appendUntil(t, s, conv.ID)() // stops before the store closes, even on failure
		for _, order := range []store.MessageOrder{store.OldestFirst, store.NewestFirst} {
			var seqs []int64
			cursor := ""
			for {
				page, err := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{Order: order, Page: store.After(cursor, 7)})
				is.NoErr(err)
				is.True(len(page.Items) <= 7) // never over the page size
				for _, m := range page.Items {
					seqs = append(seqs, m.Seq)
				}
				if page.Next == "" || len(seqs) > 400 {
					break
				}
				cursor = page.Next
			}
			if order == store.NewestFirst {
				slices.Reverse(seqs)
			}
			is.True(len(seqs) >= 60) // the snapshot at least
			for i, seq := range seqs {
				is.Equal(seq, int64(i+1)) // no gaps, no repeats
			}
		}
	})

	t.Run("ListConversations/KeysetWhileCreating", func(t *testing.T) {
		is := is.New(t)
		s, c, first := seeded(t, cfg.durable)
		before := []int64{first.ID}
		for range 40 {
			before = append(before, mustCreateConversation(t, s, 1, c.ID).ID)
		}
		// Ids only grow, so every conversation after the last one made
		// above was created during the walk (a set filled by the writer
		// would lag behind what a page may already show).
		newest := before[len(before)-1]
		stop := make(chan struct{})
		var wg sync.WaitGroup
		defer func() { close(stop); wg.Wait() }() // before the store closes, even on failure
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelSMS, HappenedAt: fixedTime}); err != nil {
					t.Errorf("create: %v", err)
					return
				}
				time.Sleep(100 * time.Microsecond)
			}
		})
		for _, sort := range []store.ConversationSort{store.SortLastActivityDesc, store.SortCreatedAsc} {
			var got []int64
			cursor := ""
			for {
				page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Sort: sort, Page: store.After(cursor, 7)})
				is.NoErr(err)
				is.True(len(page.Items) <= 7) // never over the page size
				for _, conv := range page.Items {
					got = append(got, conv.ID)
				}
				if page.Next == "" || len(got) > 2000 {
					break
				}
				cursor = page.Next
			}
			seen := map[int64]bool{}
			var old []int64
			for _, id := range got {
				is.True(!seen[id]) // no repeats
				seen[id] = true
				if id <= newest {
					old = append(old, id)
				}
			}
			want := slices.Clone(before)
			if sort == store.SortLastActivityDesc {
				slices.Reverse(want)
			}
			is.Equal(old, want) // the snapshot, in order, no gaps
		}
	})

	// Deadlines from 1 µs up, until the call completes: each earlier call
	// returns the context's error. Without WithCommitMayOutliveDeadline it
	// wrote nothing; with it, it wrote nothing or all of its change, and
	// the retry (same source ids) writes nothing twice.
	t.Run("Context/DeadlineMidCall", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, cfg.durable)
		batch := make([]store.MessageTo, 300)
		for i := range batch {
			batch[i] = store.MessageTo{ConversationID: conv.ID, Message: convo.NewMessage{Type: convo.MessageIncoming,
				Content: fmt.Sprintf("m%d", i), SourceID: fmt.Sprintf("deadline-%d", i)}}
		}
		var added []convo.Message
		cancelled, late := 0, 0
		for d := time.Microsecond; added == nil; d *= 2 {
			cctx, cancel := context.WithTimeout(ctx, d)
			got, err := s.AddMessages(cctx, 1, batch)
			cancel()
			n := countMessages(t, s, 1, conv.ID)
			if err == nil {
				is.Equal(n, len(batch)) // all of it, once
				added = got
				continue
			}
			cancelled++
			is.True(errors.Is(err, context.DeadlineExceeded)) // the context's error
			if cfg.commitMayOutlive && n == len(batch) {
				late++ // committed all the same: the retry must not write it again
				continue
			}
			is.Equal(n, 0) // and nothing written
		}
		is.True(cancelled > 0) // some deadlines passed mid-call
		for i, m := range allMessages(t, s, 1, conv.ID) {
			is.Equal(m.ID, added[i].ID) // the call that succeeded returned the stored messages
		}
		if late > 0 {
			t.Logf("%d of %d calls that returned the deadline error had committed", late, cancelled)
		}
		for d := time.Microsecond; ; d *= 2 {
			cctx, cancel := context.WithTimeout(ctx, d)
			_, err := s.DeleteConversation(cctx, 1, conv.ID)
			cancel()
			_, getErr := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
			if err == nil {
				is.True(isNotFound(getErr)) // gone
				break
			}
			if cfg.commitMayOutlive && (isNotFound(getErr) || isNotFound(err)) {
				// An earlier call committed: the conversation went whole.
				is.True(errors.Is(err, context.DeadlineExceeded) || isNotFound(err)) // the context's error, or the retry's not found
				is.True(isNotFound(getErr))                                          // gone
				for _, m := range added {
					_, err := s.GetMessage(ctx, 1, m.ID)
					is.True(isNotFound(err)) // with every message
				}
				break
			}
			is.True(errors.Is(err, context.DeadlineExceeded))     // the context's error
			is.NoErr(getErr)                                      // and still there
			is.Equal(countMessages(t, s, 1, conv.ID), len(added)) // with every message
		}
		for d := time.Microsecond; ; d *= 2 {
			cctx, cancel := context.WithTimeout(ctx, d)
			_, err := s.ListConversations(cctx, 1, store.ConversationFilter{Statuses: store.AllStatuses})
			cancel()
			if err == nil {
				break
			}
			is.True(errors.Is(err, context.DeadlineExceeded)) // reads too
		}
		cfg.checkInvariants(t, s)
	})
}

// appendUntil appends to a conversation from another goroutine until the
// returned stop is called.
func appendUntil(t *testing.T, s store.Store, convID int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			if _, err := s.AddMessage(context.Background(), 1, convID, text(fmt.Sprintf("during %d", i))); err != nil {
				t.Errorf("append: %v", err)
				return
			}
			time.Sleep(100 * time.Microsecond)
		}
	})
	return func() { close(done); wg.Wait() }
}

// allMessages reads a conversation's messages, oldest first, through the list.
func allMessages(t *testing.T, s store.Store, account, convID int64) []convo.Message {
	t.Helper()
	var all []convo.Message
	cursor := ""
	for {
		page, err := s.ListMessages(context.Background(), account, convID, store.MessageFilter{Page: store.After(cursor, store.MaxPerPage)})
		if err != nil {
			t.Fatalf("list messages: %v", err)
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		cursor = page.Next
	}
}

// checkConversation compares a conversation's maintained fields with its
// messages, read in one call (one snapshot). It returns what differs.
func checkConversation(c convo.Conversation) []string {
	var bad []string
	if c.MessagesCount != int64(len(c.Messages)) {
		bad = append(bad, fmt.Sprintf("messages_count %d, %d messages", c.MessagesCount, len(c.Messages)))
	}
	unread := int64(0)
	var last *convo.Message
	for i, m := range c.Messages {
		if m.ConversationID != c.ID {
			bad = append(bad, fmt.Sprintf("message %d belongs to conversation %d", m.ID, m.ConversationID))
		}
		if i > 0 && m.Seq <= c.Messages[i-1].Seq {
			bad = append(bad, fmt.Sprintf("seq %d after %d", m.Seq, c.Messages[i-1].Seq))
		}
		if m.Deleted() {
			continue // a tombstone is counted, but never unread or the last message
		}
		if m.Type == convo.MessageIncoming && m.CreatedAt.After(c.AgentLastSeenAt) {
			unread++
		}
		if m.Type != convo.MessageActivity {
			last = &c.Messages[i]
		}
	}
	if c.UnreadCount < 0 || c.UnreadCount != unread {
		bad = append(bad, fmt.Sprintf("unread_count %d, %d unread messages", c.UnreadCount, unread))
	}
	switch {
	case last == nil && c.LastNonActivityMessage != nil:
		bad = append(bad, "a last message but none that is not an activity")
	case last != nil && (c.LastNonActivityMessage == nil || c.LastNonActivityMessage.ID != last.ID):
		bad = append(bad, fmt.Sprintf("last non-activity message is not %d", last.ID))
	}
	return bad
}

// testChurn runs appends, deletes, status changes, assignments and read
// marks from several goroutines while a checker compares each
// conversation's counters with its messages; at the end it compares the
// account-wide counts with scans. CONVO_SOAK makes it run longer.
func testChurn(t *testing.T, cfg config) {
	ctx := context.Background()
	s := cfg.durable(t, nil)
	contact := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Churn"})
	agents := []uuid.UUID{uuid.New(), uuid.New(), uuid.Nil}

	var mu sync.Mutex
	var live []int64
	var gone []int64 // ids of messages whose conversation was deleted
	newConv := func(r *rand.Rand) error {
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelEmail,
			HappenedAt: time.Now(), AssigneeID: agents[r.IntN(len(agents))], InboxID: int64(r.IntN(3))})
		if err != nil {
			return err
		}
		mu.Lock()
		live = append(live, conv.ID)
		mu.Unlock()
		return nil
	}
	pick := func(r *rand.Rand) int64 {
		mu.Lock()
		defer mu.Unlock()
		return live[r.IntN(len(live))]
	}
	r0 := rand.New(rand.NewPCG(1, 1))
	for range 6 {
		if err := newConv(r0); err != nil {
			t.Fatal(err)
		}
	}

	deadline := time.Now().Add(soak(t))
	problems := make(chan string, 1000)
	report := func(what string, err error) bool {
		if err == nil || isNotFound(err) { // the conversation may have been deleted meanwhile
			return true
		}
		select {
		case problems <- fmt.Sprintf("%s: %v", what, err):
		default:
		}
		return false
	}
	var ops atomic.Int64
	worker := func(seed uint64, step func(r *rand.Rand) bool) func() {
		return func() {
			r := rand.New(rand.NewPCG(seed, 2))
			for time.Now().Before(deadline) {
				if !step(r) {
					return
				}
				ops.Add(1)
			}
		}
	}
	appender := func(r *rand.Rand) bool {
		in := convo.NewMessage{Type: convo.MessageIncoming, Content: "churn"}
		switch r.IntN(4) {
		case 0:
			in.Type = convo.MessageOutgoing
			in.AuthorID = agents[r.IntN(2)]
		case 1:
			in.SourceID = fmt.Sprintf("src-%d", r.IntN(50)) // retries, and conflicts across conversations
		}
		_, err := s.AddMessage(ctx, 1, pick(r), in)
		return errors.Is(err, convo.ErrConflict) || report("add message", err)
	}
	deleter := func(r *rand.Rand) bool {
		id := pick(r)
		if r.IntN(15) == 0 {
			c, err := s.GetConversation(ctx, 1, id, store.GetConversationOptions{Messages: store.AllMessages})
			if !report("get before delete", err) {
				return false
			}
			if _, err := s.DeleteConversation(ctx, 1, id); !report("delete conversation", err) {
				return false
			}
			mu.Lock()
			live = slices.DeleteFunc(live, func(x int64) bool { return x == id })
			for _, m := range c.Messages {
				gone = append(gone, m.ID)
			}
			mu.Unlock()
			return report("create conversation", newConv(r))
		}
		c, err := s.GetConversation(ctx, 1, id, store.GetConversationOptions{Messages: 5})
		if err != nil || len(c.Messages) == 0 {
			return report("get", err)
		}
		victim := c.Messages[r.IntN(len(c.Messages))].ID
		if r.IntN(2) == 0 {
			_, err = s.PurgeMessage(ctx, 1, victim)
			return report("purge message", err)
		}
		_, err = s.DeleteMessage(ctx, 1, victim)
		return report("delete message", err)
	}
	changer := func(r *rand.Rand) bool {
		id := pick(r)
		var err error
		switch r.IntN(4) {
		case 0:
			_, err = s.ChangeStatus(ctx, 1, id, convo.StatusChange{Toggle: true, Quiet: r.IntN(2) == 0})
		case 1:
			_, err = s.ChangeStatus(ctx, 1, id, convo.StatusChange{Status: convo.StatusSnoozed,
				SnoozedUntil: time.Now().Add(time.Duration(5+r.IntN(50)) * time.Millisecond)})
			if errors.Is(err, convo.ErrInvalid) {
				err = nil // a short snooze may have passed while the call waited for the writer
			}
		case 2:
			_, err = s.Assign(ctx, 1, id, convo.Assignment{AssigneeID: agents[r.IntN(len(agents))]})
		case 3:
			_, err = s.ChangeStatus(ctx, 1, id, convo.StatusChange{Status: convo.StatusPending})
		}
		return report("change", err)
	}
	reader := func(r *rand.Rand) bool {
		id := pick(r)
		var err error
		if r.IntN(3) == 0 {
			_, err = s.MarkUnread(ctx, 1, id)
		} else {
			_, err = s.MarkRead(ctx, 1, id, agents[r.IntN(2)])
		}
		return report("mark", err)
	}
	checker := func(r *rand.Rand) bool {
		c, err := s.GetConversation(ctx, 1, pick(r), store.GetConversationOptions{Messages: store.AllMessages})
		if err != nil {
			return report("check", err)
		}
		for _, b := range checkConversation(c) {
			report(fmt.Sprintf("conversation %d", c.ID), errors.New(b))
		}
		return true
	}
	var wg sync.WaitGroup
	for i, step := range []func(*rand.Rand) bool{appender, appender, deleter, changer, reader, checker} {
		wg.Go(worker(uint64(i), step))
	}
	wg.Wait()
	close(problems)
	for p := range problems {
		t.Error(p)
	}
	t.Logf("%d operations in %v", ops.Load(), soak(t))

	// Quiet now: the account-wide numbers against scans.
	is := is.New(t)
	page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Statuses: store.AllStatuses, Page: store.PageNumber(1, store.MaxPerPage)})
	is.NoErr(err)
	is.Equal(len(page.Items), len(live)) // every live conversation, no deleted one
	unread := map[uuid.UUID]int{}
	counts := store.Counts{}
	for _, c := range page.Items {
		full, err := s.GetConversation(ctx, 1, c.ID, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)
		for _, b := range checkConversation(full) {
			t.Errorf("conversation %d: %s", c.ID, b)
		}
		if c.UnreadCount > 0 {
			unread[c.AssigneeID]++
		}
		counts.All++
		switch c.AssigneeID {
		case uuid.Nil:
			counts.Unassigned++
		case agents[0]:
			counts.Mine++
			counts.Assigned++
		default:
			counts.Assigned++
		}
	}
	for _, a := range agents[:2] {
		n, err := s.CountUnread(ctx, 1, a)
		is.NoErr(err)
		is.Equal(n, unread[a]) // unread conversations per agent equal a scan
	}
	got, err := s.CountConversations(ctx, 1, store.ConversationFilter{Statuses: store.AllStatuses, Agent: agents[0]})
	is.NoErr(err)
	is.Equal(got, counts) // the four counts equal a scan
	for _, id := range gone {
		_, err := s.GetMessage(ctx, 1, id)
		is.True(isNotFound(err)) // no orphans of deleted conversations
	}
	cfg.checkInvariants(t, s)
}
