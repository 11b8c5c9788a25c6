package sqlite

import (
	"context"
	"errors"
	"strconv"
)

// OptimizeSearch merges each full-text index into one segment. FTS5 keeps
// an index as segments, each load or indexing round writing a new one and
// merges folding them together only a few at a time, so a store that took
// a bulk load holds many. A search looks each of its words up in every
// segment: right after a large load a small account's search costs up to
// 1.4 times what it costs alone, after the merge 1.1 to 1.3 times
// (docs/benchmarks.md, "Many accounts in one store").
//
// The merge rewrites the index, all of it: seconds per million messages.
// It goes a few hundred pages per transaction, so other writes wait for
// one step at most, never for the whole merge; call it after a load, or
// in a quiet hour. The store itself merges the message index by levels
// while it is idle (idle.go), which brings searches most of the way there;
// OptimizeSearch is for a host that wants the single segment now. It is a
// call like any other, so the idle merge waits for it to end. A read-only
// store returns convo.ErrReadOnly.
func (s *Store) OptimizeSearch(ctx context.Context) error {
	s.calls.begin()
	defer s.calls.end()
	return s.optimizeSearch(ctx, mergePages)
}

// mergePages is the pages a merge step writes: ~1.6 MB at 4 KiB a page.
const mergePages = 400

// optimizeSearch merges each index in steps of about pages pages.
func (s *Store) optimizeSearch(ctx context.Context, pages int) error {
	if s.index != nil {
		if err := s.index.catchUp(ctx); err != nil {
			return err
		}
	}
	for _, index := range []string{"convo_messages_fts", "convo_contacts_fts"} {
		for more := true; more; {
			var err error
			if more, err = s.mergeStep(ctx, index, -pages, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// mergeStep merges about |pages| pages of an index, reporting whether it
// did any work. FTS5's 'merge' with a negative count merges across levels
// toward one segment, as 'optimize' does, but a step at a time; with a
// positive one it merges a level once it holds usermerge segments. A step
// that finds nothing to do changes fewer than 2 rows, as FTS5 documents.
//
// With seen, the step first reads the writer's PRAGMA data_version, which
// moves when another connection commits (another process: this one writes
// through its writer only), into *seen; if it moved since the value *seen
// held, or *seen held none (-1), the step merges nothing and is
// errOthersWrite.
func (s *Store) mergeStep(ctx context.Context, index string, pages int, seen *int64) (more bool, err error) {
	err = s.writeTx(ctx, func(tx *dbtx) error {
		if seen != nil {
			last := *seen
			if err := tx.GetContext(ctx, seen, `PRAGMA data_version`); err != nil {
				return err
			}
			if last < 0 || *seen != last {
				return errOthersWrite
			}
		}
		var before, after int64
		if err := tx.GetContext(ctx, &before, `SELECT total_changes()`); err != nil {
			return err
		}
		merge := `INSERT INTO ` + index + `(` + index + `, rank) VALUES ('merge', ` + strconv.Itoa(pages) + `)`
		if _, err := tx.ExecContext(ctx, merge); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &after, `SELECT total_changes()`); err != nil {
			return err
		}
		more = after-before >= 2
		return nil
	})
	return more, err
}

// errOthersWrite ends a merge step that found another process writing.
var errOthersWrite = errors.New("sqlite: another process writes the file")
