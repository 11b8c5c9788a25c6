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
	for k := range a {
		if !utf8.ValidString(k) {
			return fmt.Errorf("key %q is not valid UTF-8", k)
		}
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
