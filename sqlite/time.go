package sqlite

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Times are stored as INTEGER microseconds since the Unix epoch, UTC: one
// fixed form that sorts as numbers, compares exactly and round-trips to the
// microsecond for years 1 to 9999. NULL stands for the zero time.

// timeValue is the argument that stores t.
func timeValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// dbTime scans a stored time; NULL scans as the zero time.
type dbTime struct{ time.Time }

// Scan implements sql.Scanner.
func (t *dbTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		t.Time = time.Time{}
	case int64:
		t.Time = time.UnixMicro(v).UTC()
	default:
		return fmt.Errorf("sqlite: time column holds %T, want INTEGER", v)
	}
	return nil
}

// Value implements driver.Valuer.
func (t dbTime) Value() (driver.Value, error) { return timeValue(t.Time), nil }
