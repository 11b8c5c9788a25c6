package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

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

// connectionLost reports whether err is the server out of reach or a
// connection that broke: no connection could be made, or one in use was
// closed, reset or ended mid-message. The server's own errors are
// PgErrors, read by their SQLSTATE.
func connectionLost(err error) bool {
	var connect *pgconn.ConnectError
	var network net.Error
	return errors.As(err, &connect) || errors.As(err, &network) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// translate turns a driver error into convo's, by SQLSTATE, in this one
// place: no raw driver error reaches a caller. The text keeps the server's
// message.
func translate(err error) error {
	var pe *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return convo.ErrNotFound
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case connectionLost(err):
		return fmt.Errorf("%w: %w", convo.ErrUnavailable, err)
	case !errors.As(err, &pe):
		return err
	}
	var sentinel error
	switch pe.Code {
	case "08000", "08003", "08006", "08001", "08004", "57P01", "57P02", "57P03", "53300":
		// connection_exception, connection_does_not_exist,
		// connection_failure, sqlclient_unable_to_establish_sqlconnection,
		// sqlserver_rejected_establishment_of_sqlconnection, admin_shutdown,
		// crash_shutdown, cannot_connect_now, too_many_connections
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
