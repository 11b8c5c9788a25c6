package backend

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/convokit/convo"
)

// StoredTime is t as it comes back from the database: UTC, to the
// microsecond.
func StoredTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Check checks a call's account, then each of its inputs in turn, and
// returns the first error. It is for calls off the hot paths: an input
// given as an interface may cost an allocation.
func Check(accountID int64, inputs ...interface{ Validate() error }) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	for _, in := range inputs {
		if err := in.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// BatchItemError names the batch item in a validation error.
func BatchItemError(i int, err error) error {
	var ve *convo.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("messages[%d]: %w", i, err)
	}
	named := &convo.ValidationError{Errors: make([]convo.FieldError, len(ve.Errors))}
	for k, fe := range ve.Errors {
		fe.Field = fmt.Sprintf("messages[%d].%s", i, fe.Field)
		named.Errors[k] = fe
	}
	return named
}

// CheckSourceID checks the arguments of GetMessageBySourceID.
func CheckSourceID(accountID int64, sourceID string) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	if strings.TrimSpace(sourceID) == "" {
		return convo.Invalid("source_id", convo.CodeRequired, "is required")
	}
	return nil
}

// Receipt is what MarkReceipt changes: messages of these types, not
// private, in one of Behind's statuses.
type Receipt struct {
	Types  []int    // message type codes: outgoing and template
	Behind []string // the statuses the receipt moves on
}

// CheckReceipt checks the arguments of MarkReceipt and says what it
// changes.
func CheckReceipt(accountID int64, status convo.MessageStatus, upTo time.Time) (Receipt, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return Receipt{}, err
	}
	var behind []string
	switch status {
	case convo.StatusDelivered:
		behind = []string{string(convo.StatusSent)}
	case convo.StatusRead:
		behind = []string{string(convo.StatusSent), string(convo.StatusDelivered)}
	default:
		return Receipt{}, convo.Invalid("status", convo.CodeUnknown, "must be delivered or read")
	}
	if upTo.IsZero() {
		return Receipt{}, convo.Invalid("up_to", convo.CodeRequired, "is required")
	}
	return Receipt{Types: []int{convo.MessageOutgoing.Code(), convo.MessageTemplate.Code()}, Behind: behind}, nil
}
