package convo_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/convokit/convo"
)

// FuzzAttributes feeds attributes through validation: JSON text decoded
// into Attributes, and Go values built around it that no decoder gives
// (deep nesting through typed slices and structs, invalid UTF-8 keys, long
// strings, values holding themselves). Validation must not panic, must
// refuse with a *ValidationError, and what it accepts must encode and
// decode again, as a read of the stored record does.
//
//	go test -run '^$' -fuzz FuzzAttributes -fuzztime 1m .
func FuzzAttributes(f *testing.F) {
	f.Add(`{"plan":"pro","seats":3,"tags":["a","b"],"address":{"city":"Lyon"}}`, "k", 0, 0, uint8(0))
	f.Add(`{}`, "", 0, 0, uint8(0))
	f.Add(`null`, "", 0, 0, uint8(0))
	f.Add(`[1,2]`, "k", 0, 0, uint8(0))
	f.Add(strings.Repeat(`{"a":`, convo.MaxAttributesDepth)+`1`+strings.Repeat(`}`, convo.MaxAttributesDepth), "", 0, 0, uint8(0))
	f.Add(strings.Repeat(`{"a":`, convo.MaxAttributesDepth+1)+`1`+strings.Repeat(`}`, convo.MaxAttributesDepth+1), "", 0, 0, uint8(0))
	f.Add(`{"a":`+strings.Repeat(`[`, convo.MaxAttributesDepth-1)+strings.Repeat(`]`, convo.MaxAttributesDepth-1)+`}`, "", 0, 0, uint8(0))
	f.Add(`{"a":`+strings.Repeat(`[`, convo.MaxAttributesDepth)+strings.Repeat(`]`, convo.MaxAttributesDepth)+`}`, "", 0, 0, uint8(0))
	f.Add(`{"s":"x"}`, "", convo.MaxAttributesDepth-2, 0, uint8(0))     // built to the limit
	f.Add(`{"s":"x"}`, "", convo.MaxAttributesDepth-1, 0, uint8(0))     // one over
	f.Add(`{"s":"x"}`, "", (convo.MaxAttributesDepth-2)/2, 0, uint8(1)) // the limit through []map[string]any
	f.Add(`{"s":"x"}`, "", (convo.MaxAttributesDepth-1)/2+1, 0, uint8(1))
	f.Add(`{}`, "", 10_001, 0, uint8(0))                // beyond encoding/json, within the length
	f.Add(`{"s":"x"}`, "", 10_001, 0, uint8(2))         // deep through structs
	f.Add(`{"s":"x"}`, "", 5, 0, uint8(3))              // through json.RawMessage
	f.Add(`{"s":"x"}`, "\xff", 0, 0, uint8(0))          // invalid UTF-8 key
	f.Add("caf\xc3", "k", 0, 0, uint8(0))               // invalid UTF-8 value
	f.Add(`{"s":"\u00e9 \ufffd"}`, "k", 0, 0, uint8(0)) // U+FFFD is valid
	f.Add(`{"s":"x"}`, "k", 1, 0, uint8(4))             // holding itself
	f.Add(`{"s":"x"}`, "0123456789abcdef", 0, convo.MaxAttributesLength/16, uint8(0))
	f.Add(`{"s":"x"}`, "0123456789abcdef", 0, convo.MaxAttributesLength/16+1, uint8(0))
	f.Add(`{"s":"a\\"}`, `"[{`, 3, 2, uint8(0)) // brackets and escapes inside strings
	f.Fuzz(func(t *testing.T, text, key string, depth, repeat int, shape uint8) {
		var attrs convo.Attributes
		if err := json.Unmarshal([]byte(text), &attrs); err != nil {
			attrs = convo.Attributes{"text": text}
		}
		if attrs == nil {
			attrs = convo.Attributes{}
		}
		if repeat = abs(repeat) % (2 * convo.MaxAttributesLength); repeat > 0 && len(key)*repeat <= 4*convo.MaxAttributesLength {
			attrs["long"] = strings.Repeat(key, repeat)
		}
		attrs = wrap(attrs, key, abs(depth)%(12_000), shape)

		err := convo.NewContact{FirstName: "A", CustomAttributes: attrs}.Validate()
		if err != nil {
			var ve *convo.ValidationError
			if !errors.Is(err, convo.ErrInvalid) || !errors.As(err, &ve) {
				t.Fatalf("want nil or a *ValidationError, got %T %v", err, err)
			}
			if _, ok := ve.Field("custom_attributes"); !ok {
				t.Fatalf("want a problem of custom_attributes, got %v", err)
			}
			return
		}
		b, err := json.Marshal(attrs)
		if err != nil {
			t.Fatalf("validated attributes do not encode: %v", err)
		}
		if len(b) > convo.MaxAttributesLength {
			t.Fatalf("validated attributes encode to %d bytes", len(b))
		}
		var back convo.Attributes
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("validated attributes do not decode: %v", err)
		}
	})
}

// wrap nests v depth times under key, in a shape of Go values: maps and
// []any as decoding gives them, typed []map[string]any, structs, raw JSON,
// or a map that holds itself.
func wrap(a convo.Attributes, key string, depth int, shape uint8) convo.Attributes {
	var v any = map[string]any(a)
	switch shape % 5 {
	case 0:
		for i := range depth {
			if i%2 == 0 {
				v = []any{v}
			} else {
				v = map[string]any{key: v}
			}
		}
	case 1:
		for range depth {
			v = []map[string]any{{key: v}}
		}
	case 2:
		for range depth {
			v = box{In: v}
		}
	case 3:
		b, _ := json.Marshal(v)
		v = json.RawMessage(strings.Repeat("[", depth) + string(b) + strings.Repeat("]", depth))
	case 4:
		loop := map[string]any{key: v}
		var inner any = loop
		for range depth % 64 {
			inner = []any{inner}
		}
		loop["back"] = inner
		v = loop
	}
	return convo.Attributes{key: v}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
