package convo_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
)

func TestAttributesRejectInvalidUTF8(t *testing.T) {
	is := is.New(t)
	for name, attrs := range map[string]convo.Attributes{
		"key":    {"\xff": 1},
		"value":  {"k": "\xfe"},
		"nested": {"k": map[string]any{"inner": []any{"ok", "\xff"}}},
	} {
		err := convo.NewContact{FirstName: "A", CustomAttributes: attrs}.Validate()
		is.True(errors.Is(err, convo.ErrInvalid)) // rejected, not silently replaced
		var ve *convo.ValidationError
		is.True(errors.As(err, &ve))
		_, ok := ve.Field("custom_attributes")
		is.True(ok) // naming the field
		_ = name
	}
	is.NoErr(convo.NewContact{FirstName: "A", CustomAttributes: convo.Attributes{"k": []any{"é", 1.5, nil}}}.Validate())
}

func TestMessageStatusTransitions(t *testing.T) {
	is := is.New(t)
	for _, tc := range []struct {
		from, to convo.MessageStatus
		ok       bool
	}{
		{convo.StatusSent, convo.StatusDelivered, true},
		{convo.StatusDelivered, convo.StatusRead, true},
		{convo.StatusSent, convo.StatusRead, true},
		{convo.StatusRead, convo.StatusDelivered, false},
		{convo.StatusRead, convo.StatusSent, false},
		{convo.StatusDelivered, convo.StatusSent, false},
		{convo.StatusSent, convo.StatusFailed, true},
		{convo.StatusRead, convo.StatusFailed, false},
		{convo.StatusFailed, convo.StatusDelivered, true},
		{convo.StatusRead, convo.StatusRead, true},
	} {
		is.Equal(tc.from.CanMoveTo(tc.to), tc.ok) // the delivery status moves forward only
	}
}

func TestContactNames(t *testing.T) {
	is := is.New(t)
	is.Equal(convo.Contact{FirstName: "John", LastName: "Doe"}.CompleteName(), "John Doe")
	is.Equal(convo.Contact{FirstName: "John", LastName: "Doe"}.Initials(), "JD")
	is.Equal(convo.Contact{FirstName: "Soledad"}.CompleteName(), "Soledad")
	is.Equal(convo.Contact{FirstName: "Soledad"}.Initials(), "S")
	is.Equal(convo.Contact{Nickname: "zed"}.CompleteName(), "zed")
	is.Equal(convo.Contact{Nickname: "zed"}.Initials(), "Z")
	is.Equal(convo.Contact{FirstName: "élodie", LastName: "ñu"}.Initials(), "ÉÑ")
	is.Equal(convo.Contact{Email: "x@y.z"}.Initials(), "")
}

func TestMessageTypeMapping(t *testing.T) {
	is := is.New(t)
	for code, typ := range []convo.MessageType{convo.MessageIncoming, convo.MessageOutgoing, convo.MessageActivity, convo.MessageTemplate} {
		is.Equal(typ.Code(), code)                     // Chatwoot's numeric message_type
		is.Equal(convo.MessageTypeFromCode(code), typ) // and back
	}
	is.Equal(convo.MessageTypeFromCode(9), convo.MessageType(""))
	is.Equal(convo.MessageTypeFromWrittenByMe(true), convo.MessageOutgoing) // Monica's written_by_me
	is.Equal(convo.MessageTypeFromWrittenByMe(false), convo.MessageIncoming)
	is.True(convo.Message{Type: convo.MessageTemplate}.WrittenByMe())
	is.True(!convo.Message{Type: convo.MessageActivity}.WrittenByMe())
}

// nestMaps returns an attributes object whose maps nest depth levels deep
// (the object itself is level 1).
func nestMaps(depth int) convo.Attributes {
	var v any = "leaf"
	for range depth - 1 {
		v = map[string]any{"k": v}
	}
	return convo.Attributes{"k": v}
}

// nestArrays returns an attributes object holding arrays nested so that the
// whole value is depth levels deep.
func nestArrays(depth int) convo.Attributes {
	var v any = 1.0
	for range depth - 1 {
		v = []any{v}
	}
	return convo.Attributes{"k": v}
}

// box marshals as an object through a struct, a type the validation does
// not walk.
type box struct{ In any }

func TestAttributesDepthLimit(t *testing.T) {
	mixed := func(depth int) convo.Attributes {
		var v any = "leaf"
		for i := range depth - 1 {
			if i%2 == 0 {
				v = []any{v}
			} else {
				v = map[string]any{"k": v}
			}
		}
		return convo.Attributes{"k": v}
	}
	boxes := func(depth int) convo.Attributes {
		var v any = "leaf"
		for range depth - 1 {
			v = box{In: v}
		}
		return convo.Attributes{"k": v}
	}
	typed := func(depth int) convo.Attributes {
		var v any = "leaf"
		for range (depth - 1) / 2 {
			v = []map[string]any{{"k": v}}
		}
		if (depth-1)%2 == 1 {
			v = []any{v}
		}
		return convo.Attributes{"k": v}
	}
	raw := func(depth int) convo.Attributes {
		return convo.Attributes{"k": json.RawMessage(strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1))}
	}
	for name, build := range map[string]func(int) convo.Attributes{
		"maps": nestMaps, "arrays": nestArrays, "mixed": mixed, "structs": boxes, "typed slices of maps": typed, "json.RawMessage": raw,
	} {
		t.Run(name, func(t *testing.T) {
			is := is.New(t)
			deepest := build(convo.MaxAttributesDepth)
			is.NoErr(convo.NewContact{FirstName: "A", CustomAttributes: deepest}.Validate()) // at the limit
			b, err := json.Marshal(deepest)
			is.NoErr(err)
			var back convo.Attributes
			is.NoErr(json.Unmarshal(b, &back)) // what validation accepts, a read decodes

			err = convo.NewContact{FirstName: "A", CustomAttributes: build(convo.MaxAttributesDepth + 1)}.Validate()
			wantDepthError(t, err, "custom_attributes")
		})
	}
}

// TestAttributesTooDeepToDecode is the defect as found: values encoding/json
// encodes but refuses to decode (beyond its nesting limit of 10000) were
// stored, and every later read of the record failed.
func TestAttributesTooDeepToDecode(t *testing.T) {
	err := convo.NewContact{FirstName: "A", CustomAttributes: nestMaps(10_001)}.Validate()
	wantDepthError(t, err, "custom_attributes")
	err = convo.NewMessage{Type: convo.MessageIncoming, Content: "hi", WrittenAt: time.Now(), ContentAttributes: nestArrays(20_000)}.WithDefaults(time.Now()).Validate()
	wantDepthError(t, err, "content_attributes")
}

// node marshals as an object through a pointer, a cycle only encoding/json
// sees.
type node struct{ Next *node }

func TestAttributesRejectCycles(t *testing.T) {
	self := convo.Attributes{}
	self["self"] = self
	plain := map[string]any{}
	plain["self"] = plain
	list := []any{nil}
	list[0] = list
	viaList := map[string]any{}
	viaList["list"] = []any{"x", map[string]any{"back": viaList}}
	viaTyped := map[string]any{}
	viaTyped["maps"] = []map[string]any{{"back": viaTyped}}
	ring := &node{}
	ring.Next = ring
	for name, attrs := range map[string]convo.Attributes{
		"attributes holding itself":  self,
		"map holding itself":         {"m": plain},
		"list holding itself":        {"l": list},
		"through a list":             {"m": viaList},
		"through a []map[string]any": {"m": viaTyped},
		"through a pointer":          {"n": ring},
	} {
		t.Run(name, func(t *testing.T) {
			is := is.New(t)
			err := convo.NewContact{FirstName: "A", AdditionalAttributes: attrs}.Validate()
			is.True(errors.Is(err, convo.ErrInvalid)) // a ValidationError, not a stack overflow
			var ve *convo.ValidationError
			is.True(errors.As(err, &ve))
			_, ok := ve.Field("additional_attributes")
			is.True(ok) // naming the field
		})
	}
}

// wantDepthError checks that err is a ValidationError on field for the
// depth limit, and that its message says the limit.
func wantDepthError(t *testing.T, err error, field string) {
	t.Helper()
	is := is.NewRelaxed(t)
	var ve *convo.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a ValidationError on %q, got %v", field, err)
	}
	is.True(errors.Is(err, convo.ErrInvalid))
	fe, ok := ve.Field(field)
	is.True(ok)                                                                   // naming the field
	is.Equal(fe.Code, convo.CodeOutOfRange)                                       // the depth is out of range
	is.True(strings.Contains(fe.Message, strconv.Itoa(convo.MaxAttributesDepth))) // saying the limit
}
