package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/convokit/convo"
)

// uniqueViolation reports whether err is a taken unique key (23505) or
// message id (23P01, its exclusion constraint), for a caller that answers
// it by another path rather than as ErrConflict.
func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "23P01")
}

// retryable reports whether err is a lost race that the same call, run
// again, can win: serialization_failure (40001) or deadlock_detected
// (40P01).
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// undefinedTable reports whether err is a missing table (42P01, undefined_table).
func undefinedTable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42P01"
}

// connectionLost reports whether err is a connection that broke: a
// network error (reset, broken pipe, closed; a syscall.Errno is a
// net.Error too), pgx's closed connection, or a message ended mid-way.
// The server's own errors are PgErrors, read by their SQLSTATE; a
// connection that could not be made is a ConnectError.
func connectionLost(err error) bool {
	var network net.Error
	return errors.As(err, &network) || errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}

// hostError carries an error of the host's own (an export's callback, an
// import's record stream) through translate unchanged.
type hostError struct{ err error }

func (e hostError) Error() string { return e.err.Error() }
func (e hostError) Unwrap() error { return e.err }

// fromHost marks err, when there is one, as the host's.
func fromHost(err error) error {
	if err == nil {
		return nil
	}
	return hostError{err}
}

// translate turns a driver error into convo's, by SQLSTATE, in this one
// place: no raw driver error reaches a caller. The text keeps the server's
// message.
func translate(err error) error {
	var pe *pgconn.PgError
	var connect *pgconn.ConnectError
	var host hostError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &host):
		return host.err
	case errors.Is(err, pgx.ErrNoRows):
		return convo.ErrNotFound
	case errors.As(err, &pe):
		// also the server's refusal of a connection: a missing database
		// or role, a wrong password
		return fromSQLState(pe)
	case errors.As(err, &connect):
		// refused, out of reach, or no answer within connect_timeout
		return fmt.Errorf("%w: %w", convo.ErrUnavailable, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case connectionLost(err):
		return fmt.Errorf("%w: %w", convo.ErrUnavailable, err)
	}
	return err
}

// fromSQLState translates an error of the server by its SQLSTATE.
func fromSQLState(pe *pgconn.PgError) error {
	code := pe.Code
	if strings.HasPrefix(code, "08") {
		code = "08" // the class connection_exception
	}
	var sentinel error
	switch code {
	case "08", "57P01", "57P02", "57P03", "53300":
		// connection_exception, admin_shutdown, crash_shutdown,
		// cannot_connect_now, too_many_connections
		sentinel = convo.ErrUnavailable
	case "23505", "23P01", "23503": // unique_violation, exclusion_violation (a message id), foreign_key_violation
		sentinel = convo.ErrConflict
	case "23514", "23502", "22001", "22003", "22P02", "22021": // check, not null, too long, out of range, bad text, bad encoding
		sentinel = convo.ErrInvalid
	case "25006": // read_only_sql_transaction
		sentinel = convo.ErrReadOnly
	case "53100", "53200": // disk_full, out_of_memory
		sentinel = convo.ErrStorageFull
	case "XX001", "XX002": // data_corrupted, index_corrupted
		sentinel = convo.ErrCorrupt
	default:
		return fmt.Errorf("convo: postgres: %s (%s)", pe.Message, pe.Code)
	}
	reason := pe.Message
	if pe.ConstraintName != "" {
		reason += " (" + pe.ConstraintName + ")"
	}
	return fmt.Errorf("%w: %s", sentinel, reason)
}
