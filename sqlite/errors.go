package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/convokit/convo"
)

// translate turns a driver error into convo's errors: the one place where
// SQLite's result codes are read. Errors that are already convo's, or a
// context's, pass through; a driver error is never returned as it is.
func translate(err error) error {
	var se *sqlite.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return convo.ErrNotFound
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case !errors.As(err, &se):
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w: %s", convo.ErrConflict, reason(se))
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL, sqlite3.SQLITE_TOOBIG:
		return fmt.Errorf("%w: %s", convo.ErrInvalid, reason(se))
	case sqlite3.SQLITE_IOERR_WRITE:
		// SQLite reports ENOSPC as SQLITE_FULL, but a write refused for a
		// quota (EDQUOT) or a file-size limit (EFBIG) as a write error: the
		// storage is full all the same. The text keeps the driver's words.
		return fmt.Errorf("%w: %s", convo.ErrStorageFull, se.Error())
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("%w: %s", convo.ErrStorageFull, se.Error())
	case sqlite3.SQLITE_READONLY:
		return fmt.Errorf("%w: %s", convo.ErrReadOnly, se.Error())
	case sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("%w: %s", convo.ErrCorrupt, se.Error())
	case sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("%w: %s", convo.ErrNotDatabase, se.Error())
	case sqlite3.SQLITE_INTERRUPT:
		return context.Canceled
	}
	// Anything else is the store's failure, not the caller's: keep the text,
	// hide the driver's type.
	return fmt.Errorf("convo: sqlite: %v", se)
}

// reason says what SQLite refused: its message ("UNIQUE constraint failed:
// contacts.email"), else the name of its result code. The driver's table of
// names holds only the primary codes, so an extended code such as
// SQLITE_CONSTRAINT_UNIQUE alone would leave the reason empty.
func reason(se *sqlite.Error) string {
	if msg := se.Error(); msg != "" {
		return msg
	}
	if name := sqlite.ErrorCodeString[se.Code()]; name != "" {
		return name
	}
	return fmt.Sprintf("SQLite result code %d", se.Code())
}
