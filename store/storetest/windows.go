package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// testWindows proves the windows into a thread: a page opened around a
// message, the messages between two pages, and the contact's side.
func testWindows(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	// thread is a conversation of 20 plain messages, seq 1 to 20, with
	// their ids by seq.
	thread := func(t *testing.T) (store.Store, convo.Conversation, map[int64]int64) {
		s, _, conv := seeded(t, newStore)
		ids := map[int64]int64{}
		for i := 1; i <= 20; i++ {
			m := mustAddMessage(t, s, 1, conv.ID, text(fmt.Sprintf("m%d", i)))
			ids[m.Seq] = m.ID
		}
		return s, conv, ids
	}
	seqs := func(p store.Page[convo.Message]) []int64 {
		out := []int64{}
		for _, m := range p.Items {
			out = append(out, m.Seq)
		}
		return out
	}
	list := func(t *testing.T, s store.Store, convID int64, f store.MessageFilter) store.Page[convo.Message] {
		t.Helper()
		p, err := s.ListMessages(ctx, 1, convID, f)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		return p
	}

	t.Run("Around", func(t *testing.T) {
		is := is.New(t)
		s, conv, ids := thread(t)
		p := list(t, s, conv.ID, store.MessageFilter{Around: ids[10], Page: store.After("", 6)})
		is.Equal(seqs(p), []int64{7, 8, 9, 10, 11, 12}) // half the page before, the message, the rest after
		is.True(p.Prev != "" && p.Next != "")

		back := list(t, s, conv.ID, store.MessageFilter{Page: store.After(p.Prev, 6)})
		is.Equal(seqs(back), []int64{1, 2, 3, 4, 5, 6}) // the page before, in the list's order
		is.Equal(back.Prev, "")                         // nothing before it
		fwd := list(t, s, conv.ID, store.MessageFilter{Page: store.After(back.Next, 6)})
		is.Equal(seqs(fwd), []int64{7, 8, 9, 10, 11, 12}) // and forward again
		next := list(t, s, conv.ID, store.MessageFilter{Page: store.After(p.Next, 100)})
		is.Equal(seqs(next), []int64{13, 14, 15, 16, 17, 18, 19, 20})
		is.Equal(next.Next, "")
		is.True(next.Prev != "") // a page after a cursor has messages before it
	})

	t.Run("AroundNewestFirst", func(t *testing.T) {
		is := is.New(t)
		s, conv, ids := thread(t)
		p := list(t, s, conv.ID, store.MessageFilter{Order: store.NewestFirst, Around: ids[10], Page: store.After("", 6)})
		is.Equal(seqs(p), []int64{13, 12, 11, 10, 9, 8})
		back := list(t, s, conv.ID, store.MessageFilter{Order: store.NewestFirst, Page: store.After(p.Prev, 3)})
		is.Equal(seqs(back), []int64{16, 15, 14})
	})

	t.Run("AroundTheEdges", func(t *testing.T) {
		is := is.New(t)
		s, conv, ids := thread(t)
		first := list(t, s, conv.ID, store.MessageFilter{Around: ids[1], Page: store.After("", 4)})
		is.Equal(seqs(first), []int64{1, 2, 3, 4}) // nothing before: the page fills after
		is.Equal(first.Prev, "")
		last := list(t, s, conv.ID, store.MessageFilter{Around: ids[20], Page: store.After("", 4)})
		is.Equal(seqs(last), []int64{18, 19, 20})
		is.Equal(last.Next, "")
	})

	t.Run("AroundRefused", func(t *testing.T) {
		s, conv, ids := thread(t)
		other := mustCreateConversation(t, s, 1, conv.ContactID)
		elsewhere := mustAddMessage(t, s, 1, other.ID, text("elsewhere"))
		for name, f := range map[string]store.MessageFilter{
			"another conversation's message": {Around: elsewhere.ID, Page: store.After("", 4)},
			"a missing message":              {Around: 1 << 40, Page: store.After("", 4)},
			"page numbers":                   {Around: ids[3], Page: store.PageNumber(1, 4)},
			"a cursor":                       {Around: ids[3], Page: store.After(list(t, s, conv.ID, store.MessageFilter{Page: store.After("", 2)}).Next, 4)},
		} {
			_, err := s.ListMessages(ctx, 1, conv.ID, f)
			if !invalidOn(err, "around") {
				t.Errorf("%s: want ErrInvalid on around, got %v", name, err)
			}
		}
	})

	t.Run("Between", func(t *testing.T) {
		is := is.New(t)
		s, conv, ids := thread(t)
		head := list(t, s, conv.ID, store.MessageFilter{Page: store.After("", 5)})
		hit := list(t, s, conv.ID, store.MessageFilter{Around: ids[15], Page: store.After("", 4)})
		is.Equal(seqs(hit), []int64{13, 14, 15, 16})
		gap := list(t, s, conv.ID, store.MessageFilter{Until: hit.Prev, Page: store.After(head.Next, 4)})
		is.Equal(seqs(gap), []int64{6, 7, 8, 9})
		rest := list(t, s, conv.ID, store.MessageFilter{Until: hit.Prev, Page: store.After(gap.Next, 4)})
		is.Equal(seqs(rest), []int64{10, 11, 12}) // up to the page read later, not into it
		is.Equal(rest.Next, "")

		_, err := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{Until: "nonsense", Page: store.After("", 4)})
		is.True(invalidOn(err, "until"))
		_, err = s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{Until: hit.Prev, Page: store.PageNumber(1, 4)})
		is.True(invalidOn(err, "until"))
	})

	t.Run("ContactSide", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		hello := mustAddMessage(t, s, 1, conv.ID, convo.NewMessage{Content: "hello", Type: convo.MessageIncoming})
		note := mustAddMessage(t, s, 1, conv.ID, convo.NewMessage{Content: "vip", Type: convo.MessageOutgoing, Private: true})
		mustAddMessage(t, s, 1, conv.ID, convo.NewMessage{Content: "resolved", Type: convo.MessageActivity})
		reply := mustAddMessage(t, s, 1, conv.ID, convo.NewMessage{Content: "hi", Type: convo.MessageOutgoing})

		p := list(t, s, conv.ID, store.MessageFilter{ContactSide: true, Page: store.PageNumber(1, 10)})
		is.Equal(seqs(p), []int64{hello.Seq, reply.Seq}) // no private note, no activity
		is.Equal(p.Meta.Total, 2)                       // counted as filtered
		_, err := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{ContactSide: true, Around: note.ID, Page: store.After("", 4)})
		is.True(invalidOn(err, "around")) // the contact's side does not hold the note

		all := list(t, s, conv.ID, store.MessageFilter{Page: store.After("", 1)})
		_, err = s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{ContactSide: true, Page: store.After(all.Next, 1)})
		is.True(invalidOn(err, "cursor")) // a cursor of the whole thread is not one of the contact's side
	})
}

// invalidOn reports whether err is a *convo.ValidationError naming field.
func invalidOn(err error, field string) bool {
	var ve *convo.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	for _, fe := range ve.Errors {
		if fe.Field == field {
			return true
		}
	}
	return false
}
