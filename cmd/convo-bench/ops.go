package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// bench is one run of the workload.
type bench struct {
	cfg            config
	s              store.Store
	ctx            context.Context
	clock          atomic.Int64 // unix microseconds; 0 means the real time
	src            *rand.PCG    // the main stream: the data set, then the ops' choices
	r              *rand.Rand
	agents         []uuid.UUID
	convIDs        []int64 // account 1's conversations
	messages       int
	words          []string // the vocabulary of the data set, most frequent first
	path           string   // the SQLite file
	stdout, stderr io.Writer

	layout *layout // which account each conversation and contact is in
	// With -accounts: each account's conversations, and the messages
	// loaded in each.
	accountConvs    map[int64][]int64
	accountMessages map[int64]int
}

func newBench(cfg config, path string, stdout, stderr io.Writer) (*bench, error) {
	b := &bench{cfg: cfg, ctx: context.Background(), stdout: stdout, stderr: stderr, path: path,
		src: rand.NewPCG(cfg.seed, cfg.seed^0x5eed)}
	b.r = rand.New(b.src)
	now := func() time.Time {
		if us := b.clock.Load(); us != 0 {
			return time.UnixMicro(us)
		}
		return time.Now()
	}
	s, err := openStore(b.ctx, cfg, path, now)
	if err != nil {
		return nil, err
	}
	b.s = s
	b.agents = agentUUIDs(b.r)
	b.layout = newLayout(cfg)
	if cfg.accounts > 0 {
		b.accountConvs, b.accountMessages = map[int64][]int64{}, map[int64]int{}
		b.logf("%s", b.layout.describe())
	}
	return b, nil
}

func (b *bench) setClock(t time.Time) { b.clock.Store(t.UnixMicro()) }

// load creates the data set; bulk_load times the messages, loaded through
// AddMessages in transactions of 1000.
func (b *bench) load() error {
	b.logf("loading %d contacts, %d conversations", b.cfg.contacts, b.cfg.conversations)
	b.setClock(baseTime.Add(-366 * 24 * time.Hour))
	contacts, err := b.createContacts()
	if err != nil {
		return err
	}
	participants := rand.New(rand.NewPCG(b.cfg.seed, 0xa0d1e))
	pl := newPlanner(b.cfg, b.layout, b.src, participants, contacts, b.agents)
	b.words = pl.text.words
	plans, err := b.createConversations(pl)
	if err != nil {
		return err
	}
	if err := b.loadMessages(pl, plans); err != nil {
		return err
	}
	b.logf("setting statuses and read marks")
	b.setClock(baseTime)
	if err := b.setStates(plans); err != nil {
		return err
	}
	if err := b.markSeen(participants, plans); err != nil {
		return err
	}
	b.clock.Store(0) // the real time from now on
	b.logMemory("after loading")
	return nil
}

// createContacts creates the contacts and lists each account's.
func (b *bench) createContacts() (map[int64][]int64, error) {
	contacts := map[int64][]int64{}
	for i := 1; i <= b.cfg.contacts; i++ {
		acct := b.layout.contact(i)
		c, err := b.s.CreateContact(b.ctx, acct, convo.NewContact{FirstName: fmt.Sprintf("Contact %d", i),
			Email: fmt.Sprintf("contact%d@example.com", i)})
		if err != nil {
			return nil, fmt.Errorf("create contact: %w", err)
		}
		contacts[acct] = append(contacts[acct], c.ID)
	}
	return contacts, nil
}

// createConversations creates every conversation, each at its start, and
// keeps what the later steps need of them.
func (b *bench) createConversations(pl *planner) ([]plannedConversation, error) {
	plans := make([]plannedConversation, 0, b.cfg.conversations)
	for range b.cfg.conversations {
		p, in := pl.next()
		b.setClock(in.HappenedAt)
		c, err := b.s.CreateConversation(b.ctx, p.account, in)
		if err != nil {
			return nil, fmt.Errorf("create conversation: %w", err)
		}
		p.id = c.ID
		if p.account == 1 {
			b.convIDs = append(b.convIDs, c.ID)
		}
		if b.accountConvs != nil {
			b.accountConvs[p.account] = append(b.accountConvs[p.account], c.ID)
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// loadMessages draws each conversation's messages in turn and times their
// loading as bulk_load. The time is that of the AddMessages calls alone,
// not of drawing the messages.
func (b *bench) loadMessages(pl *planner, plans []plannedConversation) error {
	b.logf("bulk loading messages")
	l := &batchLoader{b: b, batches: map[int64][]store.MessageTo{}}
	for _, p := range plans {
		for _, m := range pl.messagesOf(p) {
			if err := l.add(p.account, store.MessageTo{ConversationID: p.id, Message: m.msg}, m.at); err != nil {
				return err
			}
		}
	}
	if err := l.flush(); err != nil {
		return err
	}
	var total time.Duration
	for _, d := range l.lat {
		total += d
	}
	return b.emit(summarize("bulk_load", l.lat, b.messages, total))
}

// batchLoader gathers messages per account and, each time 1000 are pending,
// loads every account's batch with one timed AddMessages call.
type batchLoader struct {
	b       *bench
	batches map[int64][]store.MessageTo
	newest  time.Time // the clock of the next load
	pending int
	lat     []time.Duration
}

func (l *batchLoader) add(account int64, m store.MessageTo, at time.Time) error {
	l.batches[account] = append(l.batches[account], m)
	l.newest = at
	if l.pending++; l.pending == store.MaxBatch {
		return l.flush()
	}
	return nil
}

// flush loads the batches in the order of their accounts, so that the same
// seed gives the messages the same ids: by id, or with -accounts from the
// last, the smallest, so that small accounts are written first (layout).
func (l *batchLoader) flush() error {
	order := slices.Sorted(maps.Keys(l.batches))
	if l.b.cfg.accounts > 0 {
		slices.Reverse(order)
	}
	for _, acct := range order {
		batch := l.batches[acct]
		if len(batch) == 0 {
			continue
		}
		l.b.setClock(l.newest)
		t0 := time.Now()
		if _, err := l.b.s.AddMessages(l.b.ctx, acct, batch); err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
		l.lat = append(l.lat, time.Since(t0))
		l.b.messages += len(batch)
		if l.b.accountMessages != nil {
			l.b.accountMessages[acct] += len(batch)
		}
		l.batches[acct] = batch[:0]
	}
	l.pending = 0
	return nil
}

// setStates gives the conversations their status and their assignees'
// read marks once their messages are in.
func (b *bench) setStates(plans []plannedConversation) error {
	for _, p := range plans {
		if p.status != convo.StatusOpen {
			if _, err := b.s.ChangeStatus(b.ctx, p.account, p.id, convo.StatusChange{Status: p.status, Quiet: true}); err != nil {
				return fmt.Errorf("status: %w", err)
			}
		}
		if p.markRead {
			if _, err := b.s.MarkRead(b.ctx, p.account, p.id, p.assignee); err != nil {
				return fmt.Errorf("mark read: %w", err)
			}
		}
	}
	return nil
}

// timeOp runs fn n times after a short warm-up and emits the result.
func (b *bench) timeOp(op string, n int, fn func(i int) error) error {
	r, err := b.measure(op, n, fn)
	if err != nil {
		return err
	}
	return b.emit(r)
}

// measure runs fn n times after a short warm-up and summarizes the times.
func (b *bench) measure(op string, n int, fn func(i int) error) (result, error) {
	for i := range min(n, 20) {
		if err := fn(i); err != nil {
			return result{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	lat := make([]time.Duration, 0, n)
	start := time.Now()
	for i := range n {
		t0 := time.Now()
		if err := fn(i); err != nil {
			return result{}, fmt.Errorf("%s: %w", op, err)
		}
		lat = append(lat, time.Since(t0))
	}
	return summarize(op, lat, n, time.Since(start)), nil
}

func (b *bench) randomConversation() int64 { return b.convIDs[b.r.IntN(len(b.convIDs))] }

func (b *bench) appendMessages() error {
	b.logf("appending %d messages", b.cfg.appends)
	g := newTextGen(rand.New(rand.NewPCG(b.cfg.seed, 7)))
	return b.timeOp("append_message", b.cfg.appends, func(i int) error {
		in := convo.NewMessage{Type: convo.MessageIncoming, Content: g.message()}
		if i%2 == 1 {
			in = convo.NewMessage{Type: convo.MessageOutgoing, Content: g.message(), AuthorID: b.agents[i%agents]}
		}
		_, err := b.s.AddMessage(b.ctx, 1, b.randomConversation(), in)
		return err
	})
}

// appendParallel appends from 8 writers at once, to conversations drawn
// at random: what a store with several writers (PostgreSQL) gains over
// one writer at a time. Its ops_per_sec counts every writer's appends.
func (b *bench) appendParallel() error {
	const writers = 8
	n := b.cfg.appends
	b.logf("appending %d messages from %d writers", n, writers)
	var mu sync.Mutex
	lat := make([]time.Duration, 0, n)
	var firstErr error
	var next atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(b.cfg.seed, uint64(200+w)))
			g := newTextGen(rand.New(rand.NewPCG(b.cfg.seed, uint64(300+w))))
			var local []time.Duration
			var err error
			for next.Add(1) <= int64(n) {
				t0 := time.Now()
				in := convo.NewMessage{Type: convo.MessageIncoming, Content: g.message()}
				if _, err = b.s.AddMessage(b.ctx, 1, b.convIDs[r.IntN(len(b.convIDs))], in); err != nil {
					break
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, local...)
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("append_parallel: %w", err)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return b.emit(summarize("append_parallel", lat, len(lat), time.Since(start)))
}

// The inbox of agent 7, rotating the mine, unassigned and all tabs.
var tabs = []store.AssigneeType{store.AssigneeMine, store.AssigneeUnassigned, store.AssigneeAll}

func (b *bench) inboxFilter(i int, page store.Paging) store.ConversationFilter {
	return store.ConversationFilter{Assignee: tabs[i%len(tabs)], Agent: b.agents[6], Page: page}
}

func (b *bench) inbox() error {
	b.logf("inbox pages")
	if err := b.timeOp("inbox_page1", b.cfg.iters, func(i int) error {
		_, err := b.s.ListConversations(b.ctx, 1, b.inboxFilter(i, store.PageNumber(1, 25)))
		return err
	}); err != nil {
		return err
	}
	if err := b.timeOp("inbox_page40_offset", b.cfg.iters, func(i int) error {
		_, err := b.s.ListConversations(b.ctx, 1, b.inboxFilter(i, store.PageNumber(40, 25)))
		return err
	}); err != nil {
		return err
	}
	cursors, _, err := b.keysetCursors(1, 40)
	if err != nil {
		return err
	}
	return b.timeOp("inbox_keyset", b.cfg.iters, func(i int) error {
		_, err := b.s.ListConversations(b.ctx, 1, b.inboxFilter(i, store.After(cursors[i%len(tabs)], 25)))
		return err
	})
}

// keysetCursors walks each tab of the account's inbox, untimed, to the
// cursor that starts its page n, or its last page if it has fewer, and
// gives the cursors and the pages they start.
func (b *bench) keysetCursors(account int64, n int) (cursors []string, pages []int, err error) {
	cursors, pages = make([]string, len(tabs)), make([]int, len(tabs))
	for t := range tabs {
		pages[t] = 1
		for range n - 1 {
			page, err := b.s.ListConversations(b.ctx, account, b.inboxFilter(t, store.After(cursors[t], 25)))
			if err != nil {
				return nil, nil, fmt.Errorf("inbox walk: %w", err)
			}
			if page.Next == "" {
				break
			}
			cursors[t] = page.Next
			pages[t]++
		}
	}
	return cursors, pages, nil
}

func (b *bench) counts() error {
	return b.timeOp("inbox_counts", b.cfg.iters, func(int) error {
		_, err := b.s.CountConversations(b.ctx, 1, store.ConversationFilter{Agent: b.agents[6]})
		return err
	})
}

func (b *bench) getConversation() error {
	return b.timeOp("get_conversation", b.cfg.iters, func(int) error {
		_, err := b.s.GetConversation(b.ctx, 1, b.randomConversation(), store.GetConversationOptions{Messages: 50})
		return err
	})
}

func (b *bench) unread() error {
	return b.timeOp("unread_count", b.cfg.iters, func(i int) error {
		_, err := b.s.CountUnread(b.ctx, 1, b.agents[i%agents])
		return err
	})
}

// views times a custom view saved by name over the custom attribute
// "plan" (planOf), across every status, by last activity: the first
// keyset page of 25 where half the conversations match (view_dense) and
// where one in 200 does (view_sparse), and the sparse view's counts
// (view_counts), which read every conversation of the account once.
func (b *bench) views() error {
	for _, v := range []struct{ op, plan string }{{"view_dense", "pro"}, {"view_sparse", "enterprise"}} {
		view := store.View{Name: v.plan, Conditions: []store.Condition{
			{Attribute: "custom_attributes.plan", Operator: store.OpEqualTo, Values: []string{v.plan}}}}
		if _, err := b.s.SaveView(b.ctx, 1, view); err != nil {
			return fmt.Errorf("%s: %w", v.op, err)
		}
		counts, err := b.s.CountConversations(b.ctx, 1, store.ConversationFilter{View: v.plan})
		if err != nil {
			return fmt.Errorf("%s: %w", v.op, err)
		}
		filter := store.ConversationFilter{View: v.plan, Page: store.After("", 25)}
		r, err := b.measure(v.op, b.cfg.iters, func(int) error {
			page, err := b.s.ListConversations(b.ctx, 1, filter)
			if err == nil && len(page.Items) == 0 {
				err = fmt.Errorf("no conversation in view %q", v.plan)
			}
			return err
		})
		if err != nil {
			return err
		}
		r.Note = fmt.Sprintf("plan=%s: %d of %d conversations", v.plan, counts.All, len(b.convIDs))
		if err := b.emit(r); err != nil {
			return err
		}
	}
	return b.timeOp("view_counts", max(b.cfg.iters/5, 20), func(int) error {
		_, err := b.s.CountConversations(b.ctx, 1, store.ConversationFilter{View: "enterprise", Agent: b.agents[6]})
		return err
	})
}

// search times the list's q: the 25 conversations (of every status) with
// the newest public messages containing a word in 0.5-1 % of messages, then
// a prefix in 5-10 % (searchTerms), then its first two letters and its
// first letter, which begin many words. The share of matching messages
// goes in the note.
func (b *bench) search() error {
	word, prefix := searchTerms(b.words)
	for _, q := range []struct{ op, query string }{{"search", word}, {"search_prefix", prefix + "*"},
		{"search_prefix2", prefix[:2] + "*"}, {"search_prefix1", prefix[:1] + "*"}} {
		all, err := b.s.SearchMessages(b.ctx, 1, store.MessageSearch{Query: q.query, IncludePrivate: true, Page: store.PageNumber(1, 1)})
		if err != nil {
			return fmt.Errorf("%s: %w", q.op, err)
		}
		filter := store.ConversationFilter{Query: q.query, Page: store.After("", 25)}
		r, err := b.measure(q.op, max(b.cfg.iters/5, 20), func(int) error {
			page, err := b.s.ListConversations(b.ctx, 1, filter)
			if err == nil && len(page.Items) == 0 {
				err = fmt.Errorf("no conversation matches %q", q.query)
			}
			return err
		})
		if err != nil {
			return err
		}
		r.Note = fmt.Sprintf("q=%q: %d matching messages (%.2f%%)", q.query, all.Meta.Total, 100*float64(all.Meta.Total)/float64(max(1, b.messages)))
		if err := b.emit(r); err != nil {
			return err
		}
	}
	return nil
}

// mixedPhase runs readers (inbox pages, get conversation) and one writer
// (appends) together for the configured time.
func (b *bench) mixedPhase() error {
	b.logf("mixed phase for %s with %d readers", b.cfg.mixed, b.cfg.readers)
	deadline := time.Now().Add(b.cfg.mixed)
	var mu sync.Mutex
	var reads, writes []time.Duration
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	var wg sync.WaitGroup
	for w := range b.cfg.readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(b.cfg.seed, uint64(100+w)))
			var local []time.Duration
			for i := 0; time.Now().Before(deadline); i++ {
				t0 := time.Now()
				var err error
				if i%2 == 0 {
					_, err = b.s.ListConversations(b.ctx, 1, b.inboxFilter(i, store.PageNumber(1, 25)))
				} else {
					_, err = b.s.GetConversation(b.ctx, 1, b.convIDs[r.IntN(len(b.convIDs))], store.GetConversationOptions{Messages: 50})
				}
				if err != nil {
					fail(fmt.Errorf("mixed read: %w", err))
					return
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			reads = append(reads, local...)
			mu.Unlock()
		}()
	}
	start := time.Now()
	r := rand.New(rand.NewPCG(b.cfg.seed, 99))
	for time.Now().Before(deadline) {
		t0 := time.Now()
		if _, err := b.s.AddMessage(b.ctx, 1, b.convIDs[r.IntN(len(b.convIDs))], convo.NewMessage{Type: convo.MessageIncoming, Content: "mixed"}); err != nil {
			fail(fmt.Errorf("mixed write: %w", err))
			break
		}
		writes = append(writes, time.Since(t0))
	}
	wg.Wait()
	wall := time.Since(start)
	if firstErr != nil {
		return firstErr
	}
	if err := b.emit(summarize("mixed_reads", reads, len(reads), wall)); err != nil {
		return err
	}
	return b.emit(summarize("mixed_writes", writes, len(writes), wall))
}
