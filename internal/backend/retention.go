package backend

import (
	"fmt"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// Retention is how long a backend keeps changes: Keep for every change,
// Max for one a durable consumer has not acknowledged.
type Retention struct{ Keep, Max time.Duration }

// RetentionOf reads a backend's ChangeRetention and MaxChangeRetention
// options: zero means store.ChangeRetention and store.MaxChangeRetention; a
// negative one, or a maximum below the retention, is a problem naming the
// option.
func RetentionOf(keep, maxKeep time.Duration) (Retention, []convo.FieldError) {
	var errs []convo.FieldError
	if keep < 0 {
		errs = append(errs, convo.FieldError{Field: "change_retention", Code: convo.CodeOutOfRange,
			Message: "must not be negative"})
	}
	if maxKeep < 0 {
		errs = append(errs, convo.FieldError{Field: "max_change_retention", Code: convo.CodeOutOfRange,
			Message: "must not be negative"})
	}
	r := Retention{Keep: keep, Max: maxKeep}
	if r.Keep == 0 {
		r.Keep = store.ChangeRetention
	}
	if r.Max == 0 {
		r.Max = store.MaxChangeRetention
	}
	if len(errs) == 0 && r.Max < r.Keep {
		errs = append(errs, convo.FieldError{Field: "max_change_retention", Code: convo.CodeMismatch,
			Message: fmt.Sprintf("must be at least the change retention (%v), got %v", r.Keep, r.Max)})
	}
	return r, errs
}
