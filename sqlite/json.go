package sqlite

import (
	"encoding/json"
	"fmt"
)

// JSON columns hold attributes, attachments and external ids as text.

// jsonText encodes v; an empty value is stored as empty as its kind allows.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("sqlite: encode JSON column: %w", err)
	}
	switch string(b) {
	case "null":
		return "{}", nil
	}
	return string(b), nil
}

// fromJSON decodes a JSON column, giving nil when the column is an empty
// object or array. It returns the value, rather than filling in a field, so
// that the struct holding the field can stay on the stack.
func fromJSON[T any](text string) (T, error) {
	var v T
	if text == "" || text == "{}" || text == "[]" || text == "null" {
		return v, nil
	}
	p := new(T)
	if err := json.Unmarshal([]byte(text), p); err != nil {
		return v, fmt.Errorf("sqlite: decode JSON column: %w", err)
	}
	return *p, nil
}

// jsonColumn scans a JSON column that a query reads as NULL when it is
// empty: NULL scans as "", which fromJSON reads as empty.
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
