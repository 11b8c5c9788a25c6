package convo

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Attributes is a free-form JSON object: custom attributes set by the host,
// additional attributes set by integrations, content attributes of a message.
// Values must encode as JSON, as valid UTF-8, within MaxAttributesLength
// bytes, with objects and arrays nested at most MaxAttributesDepth deep (the
// object itself counts as one); a value that contains itself is refused. A
// nil map and an empty map are both stored as an empty object and read back
// as nil.
type Attributes map[string]any

// errTooDeep is the problem of attributes nested beyond MaxAttributesDepth.
var errTooDeep = fmt.Errorf("must nest objects and arrays at most %d levels deep", MaxAttributesDepth)

// check tells whether a encodes as JSON within MaxAttributesLength and
// MaxAttributesDepth; a problem of depth is errTooDeep.
func (a Attributes) check() error {
	if len(a) == 0 {
		return nil
	}
	// The walk stops at the depth limit, so a value holding itself through
	// the types it knows ends there, before encoding/json recurses into it.
	if err := walk(map[string]any(a), 1); err != nil {
		return err
	}
	// Other types (structs, pointers, typed maps and slices, Marshalers)
	// are encoding/json's: it reports their cycles as an error, and their
	// depth is read from what it wrote.
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("must encode as JSON: %v", err)
	}
	if len(b) > MaxAttributesLength {
		return fmt.Errorf("must be at most %d bytes as JSON", MaxAttributesLength)
	}
	if tooDeep(b, MaxAttributesDepth) {
		return errTooDeep
	}
	return nil
}

// walk checks the values JSON decoding gives, v being at depth (the
// attributes object is 1): it rejects invalid UTF-8 anywhere in keys and
// string values, which encoding/json would otherwise silently replace, and
// objects and arrays nested deeper than MaxAttributesDepth.
func walk(v any, depth int) error {
	switch v := v.(type) {
	case string:
		if !utf8.ValidString(v) {
			return fmt.Errorf("value %q is not valid UTF-8", v)
		}
		return nil
	case Attributes:
		return walk(map[string]any(v), depth)
	case map[string]any, []any, []string:
	default:
		return nil
	}
	if depth > MaxAttributesDepth {
		return errTooDeep
	}
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if !utf8.ValidString(k) {
				return fmt.Errorf("key %q is not valid UTF-8", k)
			}
			if err := walk(e, depth+1); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			if err := walk(e, depth+1); err != nil {
				return err
			}
		}
	case []string:
		for _, e := range v {
			if err := walk(e, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// tooDeep tells whether objects and arrays nest more than max deep in the
// JSON text b, as json.Marshal writes it. It counts brackets outside
// strings, so it holds for JSON of any Go type.
func tooDeep(b []byte, max int) bool {
	depth := 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++ // the escaped byte cannot end the string
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if depth++; depth > max {
				return true
			}
		case '}', ']':
			depth--
		}
	}
	return false
}
