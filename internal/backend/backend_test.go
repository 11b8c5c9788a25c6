package backend

import (
	"errors"
	"testing"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func TestBatchItemError(t *testing.T) {
	err := BatchItemError(2, convo.Invalid("content", convo.CodeRequired, "give a content"))
	var ve *convo.ValidationError
	if !errors.As(err, &ve) || ve.Errors[0].Field != "messages[2].content" {
		t.Fatalf("validation error: got %v", err)
	}
	err = BatchItemError(1, convo.ErrNotFound)
	if !errors.Is(err, convo.ErrNotFound) || err.Error() != "messages[1]: "+convo.ErrNotFound.Error() {
		t.Fatalf("other error: got %v", err)
	}
}

func TestJSONColumns(t *testing.T) {
	if text, err := JSONText(nil); text != "{}" || err != nil {
		t.Fatalf("JSONText(nil) = %q, %v", text, err)
	}
	for _, text := range []string{"", "{}", "[]", "null"} {
		if v, err := FromJSON[map[string]any](text); v != nil || err != nil {
			t.Fatalf("FromJSON(%q) = %v, %v", text, v, err)
		}
	}
	v, err := FromJSON[map[string]int](`{"a":1}`)
	if err != nil || v["a"] != 1 {
		t.Fatalf("FromJSON = %v, %v", v, err)
	}
	if v, err := FromJSON[map[string]int](`{"a":"x"}`); err == nil || v != nil {
		t.Fatalf("FromJSON of a bad column = %v, %v", v, err)
	}
}

// TestChangeKindCodes: every kind has a code that reads back as it, so
// that a kind added to store without one cannot be stored as none.
func TestChangeKindCodes(t *testing.T) {
	seen := map[int]bool{}
	for _, k := range store.ChangeKinds {
		code, ok := ChangeKindCodes[k]
		if !ok || code <= 0 || seen[code] {
			t.Errorf("%s: code %d (known %v), want a positive code of its own", k, code, ok)
		}
		seen[code] = true
		if got := ChangeKindOf(code); got != k {
			t.Errorf("ChangeKindOf(%d) = %q, want %q", code, got, k)
		}
	}
	for _, code := range []int{0, -1, len(store.ChangeKinds) + 1} {
		if got := ChangeKindOf(code); got != "" {
			t.Errorf("ChangeKindOf(%d) = %q, want none", code, got)
		}
	}
}
