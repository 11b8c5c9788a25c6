package store_test

import (
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// textEnum is a filter enum with its text form.
type textEnum interface {
	encoding.TextMarshaler
	String() string
	Valid() bool
}

func TestEnumText(t *testing.T) {
	for _, tc := range []struct {
		field  string
		values []textEnum
		names  []string
		parse  func(string) (textEnum, error)
		bad    textEnum
		zero   func() encoding.TextUnmarshaler
	}{
		{
			"sort",
			[]textEnum{store.SortLastActivityDesc, store.SortLastActivityAsc, store.SortCreatedDesc, store.SortCreatedAsc,
				store.SortPriorityDesc, store.SortPriorityAsc, store.SortWaitingSinceAsc, store.SortWaitingSinceDesc,
				store.SortUnreadDesc, store.SortUnreadAsc},
			[]string{"last_activity_desc", "last_activity_asc", "created_desc", "created_asc",
				"priority_desc", "priority_asc", "waiting_since_asc", "waiting_since_desc", "unread_desc", "unread_asc"},
			parseAs(store.ParseConversationSort), store.ConversationSort(99),
			func() encoding.TextUnmarshaler { return new(store.ConversationSort) },
		},
		{
			"assignee_type",
			[]textEnum{store.AssigneeAll, store.AssigneeMine, store.AssigneeUnassigned, store.AssigneeAssigned},
			[]string{"all", "mine", "unassigned", "assigned"},
			parseAs(store.ParseAssigneeType), store.AssigneeType(-1),
			func() encoding.TextUnmarshaler { return new(store.AssigneeType) },
		},
		{
			"order",
			[]textEnum{store.OldestFirst, store.NewestFirst},
			[]string{"oldest_first", "newest_first"},
			parseAs(store.ParseMessageOrder), store.MessageOrder(2),
			func() encoding.TextUnmarshaler { return new(store.MessageOrder) },
		},
		{
			"order",
			[]textEnum{store.SearchNewestFirst, store.SearchRelevance},
			[]string{"newest_first", "relevance"},
			parseAs(store.ParseSearchOrder), store.SearchOrder(2),
			func() encoding.TextUnmarshaler { return new(store.SearchOrder) },
		},
	} {
		t.Run(reflect.TypeOf(tc.bad).Name(), func(t *testing.T) {
			is := is.New(t)
			for i, v := range tc.values {
				text, err := v.MarshalText()
				is.NoErr(err)
				is.Equal(string(text), tc.names[i]) // the text is the name
				is.Equal(v.String(), tc.names[i])   // and the String
				got, err := tc.parse(tc.names[i])
				is.NoErr(err)
				is.Equal(got, v) // Parse reads it back
				u := tc.zero()
				is.NoErr(u.UnmarshalText(text))
				is.Equal(reflect.ValueOf(u).Elem().Interface(), v) // and so does UnmarshalText
			}
			for _, s := range []string{"", "unknown", "Mine", "LAST_ACTIVITY_DESC", "0", "\xff"} {
				_, err := tc.parse(s)
				checkInvalid(t, err, tc.field, convo.CodeUnknown)
				checkInvalid(t, tc.zero().UnmarshalText([]byte(s)), tc.field, convo.CodeUnknown)
			}
			_, err := tc.bad.MarshalText()
			checkInvalid(t, err, tc.field, convo.CodeUnknown) // no text for a value that is not valid
		})
	}

	is := is.New(t)
	b, err := json.Marshal(struct {
		Sort     store.ConversationSort
		Assignee store.AssigneeType
	}{store.SortPriorityDesc, store.AssigneeMine})
	is.NoErr(err)
	is.Equal(string(b), `{"Sort":"priority_desc","Assignee":"mine"}`) // text in JSON
	var back struct{ Sort store.ConversationSort }
	err = json.Unmarshal([]byte(`{"Sort":"nope"}`), &back)
	is.True(errors.Is(err, convo.ErrInvalid)) // an unknown text is refused
}

// parseAs makes a Parse function comparable across enum types.
func parseAs[E textEnum](parse func(string) (E, error)) func(string) (textEnum, error) {
	return func(s string) (textEnum, error) { return parse(s) }
}

// checkInvalid fails the test unless err is a *convo.ValidationError on
// field with code.
func checkInvalid(t *testing.T, err error, field, code string) {
	t.Helper()
	is := is.New(t)
	var ve *convo.ValidationError
	is.True(errors.As(err, &ve)) // a ValidationError
	fe, ok := ve.Field(field)
	if !ok {
		t.Fatalf("error %v does not name %q", err, field)
	}
	is.Equal(fe.Code, code) // the code
}
