package backend

import (
	"context"
	"fmt"
	"runtime"

	"github.com/convokit/convo"
)

// What a store's options and its calls' errors share across engines.

// OutOfRange is the error of an option's value v outside lo to hi, none
// when it is within.
func OutOfRange(field string, v, lo, hi int64) []convo.FieldError {
	if v >= lo && v <= hi {
		return nil
	}
	return []convo.FieldError{{Field: field, Code: convo.CodeOutOfRange,
		Message: fmt.Sprintf("must be between %d and %d, got %d", lo, hi, v)}}
}

// Conns is a pool size option's value: n, or max(4, GOMAXPROCS) for 0.
func Conns(n int) int {
	if n > 0 {
		return n
	}
	return max(4, runtime.GOMAXPROCS(0))
}

// Result is the error a call returns for err: none, the context's error
// when the call was cancelled or timed out, ErrClosed once the store is
// closed, else err translated by the backend.
func Result(ctx context.Context, err error, closed bool, translate func(error) error) error {
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case closed:
		return convo.ErrClosed
	}
	return translate(err)
}
