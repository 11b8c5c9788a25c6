package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// listCounter counts the list calls made through it.
type listCounter struct {
	store.Store
	lists int
}

func (c *listCounter) ListConversations(ctx context.Context, accountID int64, f store.ConversationFilter) (store.Page[convo.Conversation], error) {
	c.lists++
	return c.Store.ListConversations(ctx, accountID, f)
}

func testIterators(t *testing.T, cfg config) {
	ctx := context.Background()
	newStore := cfg.newStore

	// fiveOfEach is a store with 5 contacts, 5 conversations of the first
	// and 5 messages in the first conversation.
	fiveOfEach := func(t *testing.T) (store.Store, []convo.Contact, []convo.Conversation, []convo.Message) {
		t.Helper()
		s := newStore(t, fixed)
		var contacts []convo.Contact
		for _, name := range []string{"Eve", "Bob", "Dan", "Ann", "Cat"} {
			contacts = append(contacts, mustCreateContact(t, s, 1, convo.NewContact{FirstName: name}))
		}
		var convs []convo.Conversation
		for range 5 {
			convs = append(convs, mustCreateConversation(t, s, 1, contacts[0].ID))
		}
		var msgs []convo.Message
		for range 5 {
			msgs = append(msgs, mustAddMessage(t, s, 1, convs[0].ID, text("m")))
		}
		return s, contacts, convs, msgs
	}

	t.Run("Conversations/EveryOneOnceInOrder", func(t *testing.T) {
		is := is.New(t)
		s, _, convs, _ := fiveOfEach(t)
		f := store.ConversationFilter{Sort: store.SortCreatedAsc, Page: store.After("", 2)}
		var ids []int64
		for c, err := range store.Conversations(ctx, s, 1, f) {
			is.NoErr(err)
			ids = append(ids, c.ID)
		}
		is.Equal(ids, []int64{convs[0].ID, convs[1].ID, convs[2].ID, convs[3].ID, convs[4].ID}) // three pages of 2, in order
	})

	t.Run("Messages/BothOrders", func(t *testing.T) {
		is := is.New(t)
		s, _, convs, msgs := fiveOfEach(t)
		var oldest, newest []int64
		for m, err := range store.Messages(ctx, s, 1, convs[0].ID, store.MessageFilter{Page: store.After("", 2)}) {
			is.NoErr(err)
			oldest = append(oldest, m.Seq)
		}
		for m, err := range store.Messages(ctx, s, 1, convs[0].ID, store.MessageFilter{Order: store.NewestFirst}) {
			is.NoErr(err)
			newest = append(newest, m.Seq)
		}
		is.Equal(len(msgs), 5)
		is.Equal(oldest, []int64{1, 2, 3, 4, 5}) // oldest first
		is.Equal(newest, []int64{5, 4, 3, 2, 1}) // newest first, default page size
	})

	t.Run("Contacts/ByNameWithQuery", func(t *testing.T) {
		is := is.New(t)
		s, _, _, _ := fiveOfEach(t)
		var names []string
		for c, err := range store.Contacts(ctx, s, 1, store.ContactFilter{Page: store.After("", 1)}) {
			is.NoErr(err)
			names = append(names, c.FirstName)
		}
		is.Equal(names, []string{"Ann", "Bob", "Cat", "Dan", "Eve"}) // by name, one per page
		names = nil
		for c, err := range store.Contacts(ctx, s, 1, store.ContactFilter{Query: "d*"}) {
			is.NoErr(err)
			names = append(names, c.FirstName)
		}
		is.Equal(names, []string{"Dan"}) // the filter applies
	})

	t.Run("Conversations/StartsAtACursor", func(t *testing.T) {
		is := is.New(t)
		s, _, convs, _ := fiveOfEach(t)
		first, err := s.ListConversations(ctx, 1, store.ConversationFilter{Sort: store.SortCreatedAsc, Page: store.After("", 3)})
		is.NoErr(err)
		var ids []int64
		for c, err := range store.Conversations(ctx, s, 1, store.ConversationFilter{Sort: store.SortCreatedAsc, Page: store.After(first.Next, 3)}) {
			is.NoErr(err)
			ids = append(ids, c.ID)
		}
		is.Equal(ids, []int64{convs[3].ID, convs[4].ID}) // the rest after the cursor
	})

	t.Run("Conversations/BreakStopsFetching", func(t *testing.T) {
		is := is.New(t)
		s, _, _, _ := fiveOfEach(t)
		counter := &listCounter{Store: s}
		seen := 0
		for _, err := range store.Conversations(ctx, counter, 1, store.ConversationFilter{Page: store.After("", 2)}) {
			is.NoErr(err)
			seen++
			if seen == 3 {
				break
			}
		}
		is.Equal(seen, 3)
		is.Equal(counter.lists, 2) // the third page is never fetched
	})

	t.Run("Errors/YieldedOnce", func(t *testing.T) {
		s, _, _, _ := fiveOfEach(t)
		for name, f := range map[string]store.ConversationFilter{
			"BadFilter":  {Statuses: []convo.Status{"bogus"}},
			"PageNumber": {Page: store.PageNumber(1, 10)},
		} {
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				n := 0
				for c, err := range store.Conversations(ctx, s, 1, f) {
					n++
					is.True(errors.Is(err, convo.ErrInvalid)) // a ValidationError
					is.Equal(c.ID, int64(0))                  // with the zero item
				}
				is.Equal(n, 1) // once, then the sequence ends
			})
		}
	})

	t.Run("Errors/ClosedMidWalk", func(t *testing.T) {
		is := is.New(t)
		s, _, _, _ := fiveOfEach(t)
		var errs []error
		items := 0
		for _, err := range store.Conversations(ctx, s, 1, store.ConversationFilter{Page: store.After("", 2)}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			items++
			is.NoErr(s.Close())
		}
		is.Equal(items, 2)                           // the page already fetched
		is.Equal(len(errs), 1)                       // then one error
		is.True(errors.Is(errs[0], convo.ErrClosed)) // the store's
	})

	t.Run("Conversations/WriteInsideTheLoop", func(t *testing.T) {
		is := is.New(t)
		s, _, convs, _ := fiveOfEach(t)
		visited := 0
		f := store.ConversationFilter{Sort: store.SortCreatedAsc, Page: store.After("", 2)}
		for c, err := range store.Conversations(ctx, s, 1, f) {
			is.NoErr(err)
			visited++
			_, err = s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: convo.StatusResolved})
			is.NoErr(err) // a write inside the loop
			_, err = s.GetConversation(ctx, 1, c.ID, store.GetConversationOptions{Messages: store.AllMessages})
			is.NoErr(err) // a read inside the loop
		}
		is.Equal(visited, len(convs)) // every open conversation once, though each left the filter
		open, err := s.CountConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(open.All, 0) // all resolved
	})
	// A walk inside a walk, each writing and reading through the store in
	// its loop, on a store with the fewest connections: were a walk or a
	// list call holding a connection after it returned, a call inside the
	// loop would wait for it until the deadline.
	t.Run("Walks/HoldNoConnection", func(t *testing.T) {
		is := is.New(t)
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		s := cfg.fewest(t, fixed)
		ct := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada"})
		var convIDs []int64
		for range 3 {
			convIDs = append(convIDs, mustCreateConversation(t, s, 1, ct.ID).ID)
		}

		page := store.After("", 1)
		var walked []int64
		for c, err := range store.Conversations(ctx, s, 1, store.ConversationFilter{Sort: store.SortCreatedAsc, Page: page}) {
			is.NoErr(err)
			walked = append(walked, c.ID)
			_, err = s.AddMessage(ctx, 1, c.ID, text("hi"))
			is.NoErr(err) // a write while walking conversations
			n := 0
			for m, err := range store.Messages(ctx, s, 1, c.ID, store.MessageFilter{Page: page}) {
				is.NoErr(err)
				_, err = s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: new("edited")})
				is.NoErr(err) // a write while walking messages, inside a walk
				n++
			}
			is.Equal(n, 1)
		}
		is.Equal(walked, convIDs) // every conversation, once, in order
		for c, err := range store.Contacts(ctx, s, 1, store.ContactFilter{Page: page}) {
			is.NoErr(err)
			_, err = s.UpdateContact(ctx, 1, c.ID, convo.ContactUpdate{Nickname: new("ada")})
			is.NoErr(err) // a write while walking contacts
			_, err = s.ListConversations(ctx, 1, store.ConversationFilter{ContactID: c.ID})
			is.NoErr(err) // a read while walking contacts
		}
		is.NoErr(ctx.Err()) // nothing waited for the deadline
	})
}
