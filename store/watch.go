package store

import (
	"context"
	"iter"
)

// Watch yields the account's changes after position after (0 or FromNow,
// as Changes takes them), narrowed by f, as they commit: it reads what
// there is, then waits (WaitChanges) for more, for as long as the loop
// runs. A change committed in the same process arrives within a
// millisecond or two; one committed by another process, as the backend's
// WaitChanges says. Breaking out of the loop or cancelling ctx ends it; an
// error (ErrChangesExpired, a closed store, the context's) is yielded
// once, with the zero Change, and ends it. No database connection is held
// while the loop body runs or while Watch waits.
//
// Watch keeps its position in memory only. A consumer that must resume
// where it stopped after a restart reads from AckedChanges and
// acknowledges what it handled with AckChanges.
func Watch(ctx context.Context, s Store, accountID, after int64, f ChangeFilter) iter.Seq2[Change, error] {
	return func(yield func(Change, error) bool) {
		for {
			page, err := s.Changes(ctx, accountID, after, f)
			if err != nil {
				yield(Change{}, err)
				return
			}
			for _, c := range page.Changes {
				if !yield(c, nil) {
					return
				}
			}
			after = page.Next
			if page.More {
				continue
			}
			if err := s.WaitChanges(ctx, accountID, after); err != nil {
				yield(Change{}, err)
				return
			}
		}
	}
}
