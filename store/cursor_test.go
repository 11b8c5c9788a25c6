package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func TestDecodeCursor(t *testing.T) {
	is := is.New(t)
	cursor := store.Cursor{List: "conversations:created_desc", Keys: []int64{1, 2}}.Encode()
	_, err := store.DecodeCursor(cursor, "conversations:created_desc", 2)
	is.NoErr(err)
	for _, tc := range []struct {
		name, cursor, list string
		keys               int
		says               string
	}{
		{"AnotherList", cursor, "messages:oldest_first", 1, "another list"},
		{"AnotherSort", cursor, "conversations:last_activity_desc", 2, "another list"},
		{"Garbage", "not-a-cursor", "conversations:created_desc", 2, "malformed"},
		{"WrongKeys", cursor, "conversations:created_desc", 3, "malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			_, err := store.DecodeCursor(tc.cursor, tc.list, tc.keys)
			var ve *convo.ValidationError
			is.True(errors.As(err, &ve))
			fe, ok := ve.Field("cursor")
			is.True(ok)                                    // on the cursor
			is.True(strings.Contains(fe.Message, tc.says)) // saying what is wrong
		})
	}
}
