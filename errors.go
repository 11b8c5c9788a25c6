package convo

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error a store returns for something the caller did
// (or asked for) matches one of these with errors.Is.
var (
	// ErrNotFound: the record does not exist in the caller's account. A
	// record of another account is indistinguishable from a missing one.
	ErrNotFound = errors.New("convo: not found")
	// ErrConflict: the change contradicts what is stored (a duplicate email
	// or identifier, a contact that still has conversations, a source_id
	// already used in another conversation, a status change not allowed).
	ErrConflict = errors.New("convo: conflict")
	// ErrInvalid: the input is malformed. A *ValidationError says which
	// fields and why, and matches ErrInvalid.
	ErrInvalid = errors.New("convo: invalid input")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("convo: store closed")
	// ErrStorageFull: the disk (or the store's size limit) is full. Nothing
	// of the failed call was written; the store works again once there is room.
	ErrStorageFull = errors.New("convo: storage full")
	// ErrReadOnly: the store was opened read-only, or its file cannot be written.
	ErrReadOnly = errors.New("convo: store is read-only")
	// ErrUnavailable: the store's database server cannot be reached, is
	// shutting down, or the connection to it broke during the call (a
	// backend with a server, such as PostgreSQL). The call can be tried
	// again. A write that failed so wrote nothing, unless the connection
	// broke as the write committed: then it may have been written, and
	// reading it back tells (an append with a source id can be sent again
	// as it is).
	ErrUnavailable = errors.New("convo: database unavailable")
	// ErrChangesExpired: the change feed no longer holds the changes after
	// the position asked for; they passed their retention. The reader has
	// missed changes and must resync from the records themselves.
	ErrChangesExpired = errors.New("convo: changes expired")
	// ErrMerged: the conversation was merged into another; a *MergedError
	// says which, and matches ErrNotFound too.
	ErrMerged = errors.New("convo: conversation merged")
)

// MergedError is the error of a read of a conversation that was merged
// into another (Store.MergeConversations): IntoID is where its messages
// went. It matches ErrMerged and ErrNotFound, so a caller that only
// knows not-found still sees one.
type MergedError struct {
	ConversationID int64 // the conversation asked for
	IntoID         int64 // the conversation it was merged into
}

func (e *MergedError) Error() string {
	return fmt.Sprintf("convo: conversation %d was merged into %d", e.ConversationID, e.IntoID)
}

// Is reports whether target is ErrMerged or ErrNotFound.
func (e *MergedError) Is(target error) bool { return target == ErrMerged || target == ErrNotFound }

// Errors returned when a store is opened. The file is left untouched.
var (
	// ErrNotDatabase: the file is not a database of the backend's kind.
	ErrNotDatabase = errors.New("convo: file is not a database")
	// ErrCorrupt: the database file is damaged.
	ErrCorrupt = errors.New("convo: database file is corrupt")
	// ErrSchemaTooNew: the database was written by a newer version of convo.
	ErrSchemaTooNew = errors.New("convo: database schema is newer than this version of convo")
	// ErrNotConvo: the file is a database, but holds tables that are not convo's.
	ErrNotConvo = errors.New("convo: database was not created by convo")
)

// Validation error codes: the machine-readable Code of a FieldError.
const (
	CodeRequired    = "required"     // the field must be set
	CodeInvalid     = "invalid"      // the value is not of the accepted form
	CodeUnknown     = "unknown"      // not one of the enum's values
	CodeTooLong     = "too_long"     // over the documented maximum length
	CodeOutOfRange  = "out_of_range" // a number outside its allowed range
	CodeInvalidUTF8 = "invalid_utf8" // text that is not valid UTF-8
	CodeNULByte     = "nul_byte"     // text containing a NUL byte
	CodeMismatch    = "mismatch"     // disagrees with another field or with the stored record
	CodeDeleted     = "deleted"      // the message is deleted: a tombstone takes no edits or reactions
	CodeNotAllowed  = "not_allowed"  // an operator the attribute does not allow (a custom view's condition)
)

// FieldError is one entry of a ValidationError: the field (by its snake_case
// name, as in the APIs' error body), a code from the Code constants and a
// human message.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ValidationError lists everything wrong with one input. It matches
// ErrInvalid with errors.Is; use errors.As to read the fields.
type ValidationError struct {
	Errors []FieldError `json:"errors"`
}

// Error joins the field messages.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("convo: invalid input: ")
	for i, fe := range e.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(fe.Field)
		b.WriteString(": ")
		b.WriteString(fe.Message)
	}
	return b.String()
}

// Is makes every ValidationError match ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Field returns the entry for the named field, if any.
func (e *ValidationError) Field(name string) (FieldError, bool) {
	for _, fe := range e.Errors {
		if fe.Field == name {
			return fe, true
		}
	}
	return FieldError{}, false
}

// Invalid returns a *ValidationError with a single entry.
func Invalid(field, code, message string) error {
	return &ValidationError{Errors: []FieldError{{Field: field, Code: code, Message: message}}}
}
