package sqlite

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

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
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	is.NoErr(err)
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()})
	is.NoErr(err)
	for i := range 12 { // each indexing round writes a segment
		batch := make([]store.MessageTo, 100)
		for k := range batch {
			batch[k] = store.MessageTo{ConversationID: conv.ID,
				Message: convo.NewMessage{Type: convo.MessageIncoming, Content: fmt.Sprintf("invoice round%d item%d", i, k)}}
		}
		_, err := s.AddMessages(ctx, 1, batch)
		is.NoErr(err)
		is.NoErr(s.index.catchUp(ctx))
	}
	segments := func() int {
		var n int
		is.NoErr(s.read(ctx, func(tx *dbtx) error {
			return tx.GetContext(ctx, &n, `SELECT count(DISTINCT segid) FROM convo_messages_fts_idx`)
		}))
		return n
	}
	search := func(q string) int {
		page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: q, Page: store.PageNumber(1, 100)})
		is.NoErr(err)
		return page.Meta.Total
	}
	is.True(segments() > 1) // the rounds' segments, not all merged yet

	is.NoErr(s.optimizeSearch(ctx, 2)) // in many small steps
	is.Equal(segments(), 1)            // one segment left
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
