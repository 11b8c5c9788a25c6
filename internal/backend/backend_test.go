package backend

import (
	"errors"
	"testing"

	"github.com/convokit/convo"
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
