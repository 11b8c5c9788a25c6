package storetest

import (
	"context"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func testPaging(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	metaOf := func(t *testing.T, s store.Store, convID int64, page, perPage int) (store.PageMeta, int) {
		t.Helper()
		p, err := s.ListMessages(ctx, 1, convID, store.MessageFilter{Page: store.PageNumber(page, perPage)})
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		return p.Meta, len(p.Items)
	}

	t.Run("PageNumber/Edges", func(t *testing.T) {
		s, _, conv := seeded(t, newStore)
		for _, tc := range []struct {
			messages, page, perPage int
			want                    store.PageMeta
			items                   int
		}{
			{0, 1, 15, store.PageMeta{CurrentPage: 1, From: 0, To: 0, LastPage: 1, PerPage: 15, Total: 0}, 0},      // empty
			{30, 2, 15, store.PageMeta{CurrentPage: 2, From: 16, To: 30, LastPage: 2, PerPage: 15, Total: 30}, 15}, // exact multiple
			{31, 3, 15, store.PageMeta{CurrentPage: 3, From: 31, To: 31, LastPage: 3, PerPage: 15, Total: 31}, 1},  // last, partial
			{31, 5, 15, store.PageMeta{CurrentPage: 5, From: 0, To: 0, LastPage: 3, PerPage: 15, Total: 31}, 0},    // beyond the last
			{31, 1, 100, store.PageMeta{CurrentPage: 1, From: 1, To: 31, LastPage: 1, PerPage: 100, Total: 31}, 31},
		} {
			is := is.New(t)
			for countMessages(t, s, 1, conv.ID) < tc.messages {
				mustAddMessage(t, s, 1, conv.ID, text("m"))
			}
			meta, items := metaOf(t, s, conv.ID, tc.page, tc.perPage)
			is.Equal(meta, tc.want) // Monica's meta
			is.Equal(items, tc.items)
		}
	})

	t.Run("PageNumber/DefaultIs15", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		for range 16 {
			mustCreateContact(t, s, 1, convo.NewContact{FirstName: "x"})
		}
		page, err := s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(len(page.Items), 15) // 15 per page by default
		is.Equal(page.Meta.PerPage, 15)
		is.Equal(page.Meta.LastPage, 2)
		is.True(page.Next != "") // a cursor to the rest
		rest, err := s.ListContacts(ctx, 1, store.ContactFilter{Page: store.After(page.Next, 15)})
		is.NoErr(err)
		is.Equal(len(rest.Items), 1) // the page-number page's cursor continues by keyset
		is.Equal(rest.Next, "")      // the last page has no next
	})

	t.Run("PageNumber/ConversationsMatchKeyset", func(t *testing.T) {
		is := is.New(t)
		s, c, _ := seeded(t, newStore)
		for range 9 {
			mustCreateConversation(t, s, 1, c.ID)
		}
		var byNumber, byKeyset []int64
		for n := 1; n <= 4; n++ {
			p, err := s.ListConversations(ctx, 1, store.ConversationFilter{Page: store.PageNumber(n, 3)})
			is.NoErr(err)
			is.Equal(p.Meta.Total, 10)
			is.Equal(p.Meta.LastPage, 4)
			for _, c := range p.Items {
				byNumber = append(byNumber, c.ID)
			}
		}
		cursor := ""
		for {
			p, err := s.ListConversations(ctx, 1, store.ConversationFilter{Page: store.After(cursor, 3)})
			is.NoErr(err)
			is.Equal(p.Meta, store.PageMeta{PerPage: 3}) // keyset pages carry only per_page
			for _, c := range p.Items {
				byKeyset = append(byKeyset, c.ID)
			}
			if p.Next == "" {
				break
			}
			cursor = p.Next
		}
		is.Equal(byNumber, byKeyset) // one order, two ways to page it
		is.Equal(len(byKeyset), 10)
	})
}
