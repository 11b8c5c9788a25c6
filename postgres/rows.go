package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
)

// scannedRow is a row type that lists where each column of its query scans.
type scannedRow[R any] interface {
	*R
	dest() []any
}

// eachRow runs a query and hands each row, scanned into an R, to fn.
func eachRow[R any, P scannedRow[R]](ctx context.Context, tx pgx.Tx, query string, args []any, fn func(R) error) error {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	return scanEach[R, P](rows, fn)
}

// scanEach hands each of rows (a query's or a batch's), scanned into an R,
// to fn. The R is one for all the rows: fn keeps what it needs of it.
func scanEach[R any, P scannedRow[R]](rows pgx.Rows, fn func(R) error) error {
	defer rows.Close()
	var r R
	dest := P(&r).dest()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryRows runs a query and returns its rows, scanned into Rs, in a
// slice with room for size of them: a page's size, so that a page of rows
// of a kilobyte each is not copied as the slice grows.
func queryRows[R any, P scannedRow[R]](ctx context.Context, tx pgx.Tx, size int, query string, args ...any) ([]R, error) {
	list := make([]R, 0, size)
	err := eachRow[R, P](ctx, tx, query, args, func(r R) error {
		list = append(list, r)
		return nil
	})
	return list, err
}

// queryOne runs a query of one row into dest: convo.ErrNotFound when there
// is none.
func queryOne(ctx context.Context, tx pgx.Tx, query string, args []any, dest ...any) error {
	err := tx.QueryRow(ctx, query, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return convo.ErrNotFound
	}
	return err
}

// Times are timestamptz: microseconds, as the store keeps them. NULL is
// the zero time.

// timeValue is the argument that stores t: NULL for the zero time.
func timeValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return backend.StoredTime(t)
}

// dbTime scans a timestamptz; NULL scans as the zero time.
type dbTime struct{ time.Time }

// ScanTimestamptz implements pgtype.TimestamptzScanner.
func (t *dbTime) ScanTimestamptz(v pgtype.Timestamptz) error {
	t.Time = time.Time{}
	if v.Valid {
		t.Time = v.Time.UTC()
	}
	return nil
}

// nullUUID scans a uuid that may be NULL (uuid.Nil).
type nullUUID struct{ uuid.UUID }

// ScanUUID implements pgtype.UUIDScanner.
func (u *nullUUID) ScanUUID(v pgtype.UUID) error {
	u.UUID = uuid.Nil
	if v.Valid {
		u.UUID = v.Bytes
	}
	return nil
}

// uuidValue stores uuid.Nil as NULL.
func uuidValue(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return pgtype.UUID{Bytes: id, Valid: true}
}

// idValue stores an optional reference (0: none) as NULL.
func idValue(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// textValue stores an optional text ("": none) as NULL.
func textValue(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// JSON columns are jsonb, written and read as text (see backend.JSONText
// and backend.FromJSON).

// statusCodes are backend.StatusCodes as the smallint they are stored as.
var statusCodes = func() map[convo.Status]int16 {
	codes := make(map[convo.Status]int16, len(backend.StatusCodes))
	for s, c := range backend.StatusCodes {
		codes[s] = int16(c)
	}
	return codes
}()
