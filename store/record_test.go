package store_test

import (
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func TestRedirectRecord(t *testing.T) {
	now := time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)
	x := store.Redirect{ConversationID: 7, IntoID: 3}

	t.Run("Kind", func(t *testing.T) {
		is := is.New(t)
		is.Equal(store.Record{Redirect: &x}.Kind(), store.KindRedirect)
		is.Equal(store.KindRedirect, "conversation_redirect")
		is.Equal(store.Record{Redirect: &x, View: &store.View{}}.Kind(), "") // not exactly one
	})

	t.Run("WithDefaults", func(t *testing.T) {
		is := is.New(t)
		r := store.Record{Redirect: &x}.WithDefaults(now)
		is.Equal(r.Redirect.MergedAt, now) // now
		is.True(x.MergedAt.IsZero())       // the record's redirect is a copy
		merged := x
		merged.MergedAt = now.Add(-time.Hour)
		is.Equal(*store.Record{Redirect: &merged}.WithDefaults(now).Redirect, merged) // kept
	})

	t.Run("Validate", func(t *testing.T) {
		for name, tc := range map[string]struct {
			x    store.Redirect
			want []string
		}{
			"OK":             {store.Redirect{ConversationID: 7, IntoID: 3, MergedAt: now}, nil},
			"NoIDs":          {store.Redirect{MergedAt: now}, []string{"conversation_id required", "into_id required"}},
			"IDTooLarge":     {store.Redirect{ConversationID: store.MaxImportedID + 1, IntoID: 3, MergedAt: now}, []string{"conversation_id out_of_range"}},
			"IntoItself":     {store.Redirect{ConversationID: 3, IntoID: 3, MergedAt: now}, []string{"into_id invalid"}},
			"NoMergedAt":     {store.Redirect{ConversationID: 7, IntoID: 3}, []string{"merged_at required"}},
			"IntoTooLarge":   {store.Redirect{ConversationID: 7, IntoID: store.MaxImportedID + 1, MergedAt: now}, []string{"into_id out_of_range"}},
			"NegativeIntoID": {store.Redirect{ConversationID: 7, IntoID: -1, MergedAt: now}, []string{"into_id required"}},
		} {
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				err := store.Record{Redirect: &tc.x}.Validate()
				var got []string
				if ve, ok := err.(*convo.ValidationError); ok {
					for _, fe := range ve.Errors {
						got = append(got, fe.Field+" "+fe.Code)
					}
				} else {
					is.NoErr(err) // no other error
				}
				is.Equal(got, tc.want) // the fields named
			})
		}
	})
}
