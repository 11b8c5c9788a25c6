package sqlite

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// While the store is idle, the indexer merges the message index's
// segments. Each indexing round writes a segment, and FTS5's own merges
// (automerge) let up to three wait on each level; a search looks each of
// its words up in every segment. A merge by levels ('merge' with a
// positive count, usermerge 2: migration 0011) leaves about one segment a
// level, which brings searches most of the way to OptimizeSearch's single
// segment, and a later one rewrites only the small levels new messages
// made (docs/benchmarks.md, "Many accounts in one store").
//
// Idle means that no call of the store's callers has run for mergeIdle
// (no call started, none running):
// a merge step holds the writer and a core, and a busy store's writes
// keep FTS5's automerge going anyway. The merge goes a step of
// idleMergePages at a time and stops at a step that finds nothing left,
// at a message written (the indexer's nudge), at a call, or when another
// process has written the file since the last step. A write that comes
// during a step waits for that step: at 300,000 messages a step of 100
// pages took 7 ms (20 at most) where one of 400 took 27 (36), for 4 %
// more time in all; at ten million, steps of 400 took about 110 ms.
const (
	mergeIdle      = time.Second
	idleMergePages = 100
)

// activity counts the calls of the store's callers, for the indexer to
// know when they have been idle; a call pays two atomic adds, no clock.
// The store's own goroutines (indexing, merging, checkpoints, the feed's
// polls) do not count.
type activity struct {
	running atomic.Int64 // calls running
	started atomic.Int64 // calls started, ever
}

// begin marks a call's start; end, called after it, its end.
func (a *activity) begin() {
	a.started.Add(1)
	a.running.Add(1)
}
func (a *activity) end() { a.running.Add(-1) }

// mark is what quietSince compares with: the calls started, or -1 while a
// call runs.
func (a *activity) mark() int64 {
	if a.running.Load() > 0 {
		return -1
	}
	return a.started.Load()
}

// quietSince reports whether no call has run since the mark m was taken.
func (a *activity) quietSince(m int64) bool {
	return m >= 0 && a.running.Load() == 0 && a.started.Load() == m
}

// mergeWhileIdle merges the message index step by step while no call has
// run since the mark (activity.mark), and reports whether it finished: a
// step found nothing to merge. It stops, unfinished, when another process
// has written the file since its last look (x.seen; the first look only
// takes note): that process's writes would wait for each step.
func (x *indexer) mergeWhileIdle(ctx context.Context, mark int64) (done bool, err error) {
	for {
		if len(x.nudge) > 0 || !x.store.calls.quietSince(mark) {
			return false, nil
		}
		select {
		case <-x.done:
			return false, nil
		default:
		}
		more, err := x.store.mergeStep(ctx, "convo_messages_fts", idleMergePages, &x.seen)
		switch {
		case errors.Is(err, errOthersWrite):
			return false, nil
		case err != nil || !more:
			return err == nil, err
		}
		x.merges.Add(1)
	}
}
