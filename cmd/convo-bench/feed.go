package main

import (
	"context"
	"fmt"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// feed measures the change feed: feed_read reads account 1's whole feed
// (the load's changes and the appends') by pages of MaxChangeLimit, its
// ops_per_sec counting changes; watch_wake and watch_wake_other time how
// long a change takes to reach a store.Watch loop, from the moment the
// AddMessage that made it returned, when the watch runs on the store that
// wrote it and on a second store on the same database (as another
// process would: it learns of the change from the database alone).
func (b *bench) feed() error {
	b.logf("reading the change feed")
	start := time.Now()
	var n int
	var after int64
	for {
		page, err := b.s.Changes(b.ctx, 1, after, store.ChangeFilter{Limit: store.MaxChangeLimit})
		if err != nil {
			return fmt.Errorf("feed_read: %w", err)
		}
		n += len(page.Changes)
		after = page.Next
		if !page.More {
			break
		}
	}
	wall := time.Since(start)
	r := summarize("feed_read", []time.Duration{wall}, n, wall)
	r.Note = "one walk of account 1's feed; n counts changes"
	if err := b.emit(r); err != nil {
		return err
	}
	if err := b.watchWake("watch_wake", b.s); err != nil {
		return err
	}
	other, err := openStore(b.ctx, b.cfg, b.path, nil)
	if err != nil {
		return err
	}
	defer other.Close()
	return b.watchWake("watch_wake_other", other)
}

// watchWake appends messages one at a time through b.s and times each
// one's arrival at a Watch on watcher.
func (b *bench) watchWake(op string, watcher store.Store) error {
	const n = 200
	b.logf("%s: %d appends", op, n)
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	arrived := make(chan time.Time, 1)
	failed := make(chan error, 1)
	filter := store.ChangeFilter{Kinds: []store.ChangeKind{store.MessageCreated}}
	// Where the feed stands now, read before the first append: a Watch
	// from FromNow would read it whenever its goroutine starts.
	now, err := watcher.Changes(ctx, 1, store.FromNow, filter)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	go func() {
		for _, err := range store.Watch(ctx, watcher, 1, now.Next, filter) {
			if err != nil {
				failed <- err
				return
			}
			arrived <- time.Now()
		}
	}()
	lat := make([]time.Duration, 0, n)
	start := time.Now()
	for i := range n {
		in := convo.NewMessage{Type: convo.MessageOutgoing, Content: fmt.Sprintf("watched %d", i), AuthorID: b.agents[0]}
		if _, err := b.s.AddMessage(b.ctx, 1, b.randomConversation(), in); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		returned := time.Now()
		select {
		case at := <-arrived:
			lat = append(lat, max(0, at.Sub(returned)))
		case err := <-failed:
			return fmt.Errorf("%s: %w", op, err)
		case <-time.After(10 * time.Second):
			return fmt.Errorf("%s: a change took more than 10 s to arrive", op)
		}
	}
	r := summarize(op, lat, n, time.Since(start))
	r.Note = "from AddMessage's return to the Watch loop's body"
	return b.emit(r)
}
