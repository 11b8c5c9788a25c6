package convo

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Attributes is a free-form JSON object: custom attributes set by the host,
// additional attributes set by integrations, content attributes of a message.
// Values must encode as JSON; a nil map and an empty map are both stored as
// an empty object and read back as nil.
type Attributes map[string]any

// check tells whether a encodes as JSON within MaxAttributesLength.
func (a Attributes) check() error {
	if len(a) == 0 {
		return nil
	}
	if err := validUTF8(map[string]any(a)); err != nil {
		return err
	}
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("must encode as JSON: %v", err)
	}
	if len(b) > MaxAttributesLength {
		return fmt.Errorf("must be at most %d bytes as JSON", MaxAttributesLength)
	}
	return nil
}

// validUTF8 rejects invalid UTF-8 anywhere in keys and string values, which
// encoding/json would otherwise silently replace.
func validUTF8(v any) error {
	switch v := v.(type) {
	case string:
		if !utf8.ValidString(v) {
			return fmt.Errorf("value %q is not valid UTF-8", v)
		}
	case map[string]any:
		for k, e := range v {
			if !utf8.ValidString(k) {
				return fmt.Errorf("key %q is not valid UTF-8", k)
			}
			if err := validUTF8(e); err != nil {
				return err
			}
		}
	case Attributes:
		return validUTF8(map[string]any(v))
	case []any:
		for _, e := range v {
			if err := validUTF8(e); err != nil {
				return err
			}
		}
	case []string:
		for _, e := range v {
			if err := validUTF8(e); err != nil {
				return err
			}
		}
	}
	return nil
}
