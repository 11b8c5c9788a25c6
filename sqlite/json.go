package sqlite

import (
	"fmt"
)

// JSON columns hold attributes, attachments and external ids as text.

// jsonColumn scans a JSON column that a query reads as NULL when it is
// empty: NULL scans as "", which backend.FromJSON reads as empty.
type jsonColumn string

// Scan implements sql.Scanner.
func (j *jsonColumn) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*j = ""
	case string:
		*j = jsonColumn(v)
	case []byte:
		*j = jsonColumn(v)
	default:
		return fmt.Errorf("sqlite: JSON column holds %T, want TEXT", v)
	}
	return nil
}
