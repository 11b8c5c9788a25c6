package sqlite

import (
	"context"
	"errors"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func TestOptimizeSearch(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	path := t.TempDir() + "/convo.db"
	s, err := Open(path, Options{})
	is.NoErr(err)
	defer s.Close()
	loadSegments(t, s)
	search := func(q string) int {
		page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: q, Page: store.PageNumber(1, 100)})
		is.NoErr(err)
		return page.Meta.Total
	}
	is.True(segments(t, s) > 1) // the rounds' segments, not all merged yet

	is.NoErr(s.optimizeSearch(ctx, 2)) // in many small steps
	is.Equal(segments(t, s), 1)        // one segment left
	is.Equal(search("invoice"), 1200)  // every message still found
	is.Equal(search("round7"), 100)
	is.Equal(search("ite*"), 1200)
	is.NoErr(s.CheckInvariants(ctx))
	is.NoErr(s.OptimizeSearch(ctx)) // nothing left to do

	ro, err := Open(path, Options{ReadOnly: true})
	is.NoErr(err)
	defer ro.Close()
	is.True(errors.Is(ro.OptimizeSearch(ctx), convo.ErrReadOnly))
}
