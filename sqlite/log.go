package sqlite

import (
	"context"
	"errors"
	"time"

	"github.com/convokit/convo"
)

// slowWrite is how long a write may take, waiting for the writer included,
// before it is logged.
const slowWrite = time.Second

// logWrite logs, at Warn, a write that failed for a reason other than the
// caller's (storage full, a corrupt or read-only file, a driver failure),
// or one slower than slowWrite. Caller errors are the caller's to report.
func (s *Store) logWrite(ctx context.Context, start time.Time, err error) {
	took := time.Since(start)
	switch {
	case err != nil && !callerError(ctx, err):
		s.log.WarnContext(ctx, "convo: write failed", "error", err, "took", took)
	case took >= slowWrite:
		s.log.WarnContext(ctx, "convo: slow write", "took", took, "error", err)
	}
}

// callerError tells whether err is about the call itself: its input, the
// records it names, its context or a closed store.
func callerError(ctx context.Context, err error) bool {
	for _, target := range []error{convo.ErrInvalid, convo.ErrNotFound, convo.ErrConflict, convo.ErrClosed} {
		if errors.Is(err, target) {
			return true
		}
	}
	return ctx.Err() != nil
}
