package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// testTwoStores checks that two Store values on one database, as two
// processes or two application instances hold them, each see every write
// of the other at once: in gets, lists, counts, searches, cached rows and
// snoozes that end.
func testTwoStores(t *testing.T, cfg config) {
	if cfg.pair == nil {
		t.Skip("the backend gave no two stores on one database (WithTwoStores)")
	}
	ctx := context.Background()
	// pair returns two stores on one database with one settable clock, and
	// a conversation created through the first.
	pair := func(t *testing.T) (a, b store.Store, clock *inboxClock, conv convo.Conversation) {
		clock = &inboxClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
		a, b = cfg.pair(t, clock.Now)
		c := mustCreateContact(t, a, 1, convo.NewContact{FirstName: "Two", Email: "two@example.com"})
		conv, err := a.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return a, b, clock, conv
	}

	t.Run("Search/FindsTheOthersMessages", func(t *testing.T) {
		is := is.New(t)
		a, b, _, conv := pair(t)
		// b searches first, so that anything it keeps about the index is
		// of a time before a's messages.
		hits, err := b.SearchMessages(ctx, 1, store.MessageSearch{Query: "zebra"})
		is.NoErr(err)
		is.Equal(hits.Meta.Total, 0) // nothing yet
		const n = 50
		batch := make([]store.MessageTo, n)
		for i := range batch {
			batch[i] = store.MessageTo{ConversationID: conv.ID, Message: text(fmt.Sprintf("a zebra crossed, number %d", i))}
		}
		_, err = a.AddMessages(ctx, 1, batch)
		is.NoErr(err)
		hits, err = b.SearchMessages(ctx, 1, store.MessageSearch{Query: "zebra", Page: store.PageNumber(1, store.MaxPerPage)})
		is.NoErr(err)
		is.Equal(hits.Meta.Total, n) // every message the other store committed
		is.Equal(len(hits.Items), n) // on the page
		for _, sort := range []store.ConversationSort{store.SortLastActivityDesc, store.SortCreatedDesc} {
			list, err := b.ListConversations(ctx, 1, store.ConversationFilter{Query: "zebra", Sort: sort})
			is.NoErr(err)
			is.Equal(len(list.Items), 1) // a list with q finds the conversation
		}
		counts, err := b.CountConversations(ctx, 1, store.ConversationFilter{Query: "zebra"})
		is.NoErr(err)
		is.Equal(counts.All, 1) // and so do its counts
	})

	t.Run("Lists/SeeTheOthersChanges", func(t *testing.T) {
		is := is.New(t)
		a, b, _, conv := pair(t)
		agent := uuid.New()
		list, err := b.ListConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(len(list.Items), 1) // b reads (and may cache) the row
		is.True(list.Items[0].AssigneeID == uuid.Nil)
		_, err = a.Assign(ctx, 1, conv.ID, convo.Assignment{AssigneeID: agent})
		is.NoErr(err)
		mustAddMessage(t, a, 1, conv.ID, text("hello from the other side"))
		list, err = b.ListConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(len(list.Items), 1)
		got := list.Items[0]
		is.Equal(got.AssigneeID, agent) // the row as the other store left it
		is.Equal(got.MessagesCount, int64(2))
		is.True(got.LastNonActivityMessage != nil && got.LastNonActivityMessage.Content == "hello from the other side")
		counts, err := b.CountConversations(ctx, 1, store.ConversationFilter{Assignee: store.AssigneeMine, Agent: agent})
		is.NoErr(err)
		is.Equal(counts.Mine, 1) // counts too
		is.Equal(counts.Unassigned, 0)
		n, err := b.CountUnread(ctx, 1, agent)
		is.NoErr(err)
		is.Equal(n, 1) // and unread
		mustCreateConversation(t, a, 1, conv.ContactID)
		counts, err = b.CountConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(counts.All, 2) // a conversation the other store created
	})

	t.Run("Threads/SeeTheOthersChanges", func(t *testing.T) {
		is := is.New(t)
		a, b, clock, conv := pair(t)
		m := mustAddMessage(t, a, 1, conv.ID, text("react to me"))
		read := func() convo.Conversation {
			t.Helper()
			list, err := b.ListConversations(ctx, 1, store.ConversationFilter{})
			is.NoErr(err)
			is.Equal(len(list.Items), 1)
			got, err := b.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
			is.NoErr(err)
			is.Equal(*got.LastNonActivityMessage, *list.Items[0].LastNonActivityMessage) // a list and a get agree
			return got
		}
		is.Equal(read().LastNonActivityMessage.Reactions, map[string]int(nil)) // b reads (and may cache) the row
		clock.Advance(time.Second)
		_, err := a.AddReaction(ctx, 1, m.ID, convo.ContactActor(), "👍")
		is.NoErr(err)
		is.Equal(read().LastNonActivityMessage.Reactions, map[string]int{"👍": 1}) // the other store's reaction
		r := mustAddMessage(t, a, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "re", ReplyToID: m.ID})
		got, err := b.GetMessage(ctx, 1, m.ID)
		is.NoErr(err)
		is.Equal(got.ReplyCount, 1) // and reply
		is.Equal(read().LastNonActivityMessage.ID, r.ID)
		clock.Advance(time.Second)
		_, err = a.DeleteMessage(ctx, 1, r.ID)
		is.NoErr(err)
		is.Equal(read().LastNonActivityMessage.ID, m.ID) // and tombstone
		content := "edited"
		_, err = a.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &content})
		is.NoErr(err)
		last := read().LastNonActivityMessage
		is.Equal([]any{last.Content, last.EditCount}, []any{"edited", 1}) // and edit
	})

	t.Run("Snooze/EndsForBoth", func(t *testing.T) {
		is := is.New(t)
		a, b, clock, conv := pair(t)
		got, err := b.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got.Status, convo.StatusOpen) // b has read the store before the snooze
		_, err = a.ChangeStatus(ctx, 1, conv.ID, convo.StatusChange{Status: convo.StatusSnoozed, SnoozedUntil: clock.Now().Add(time.Hour)})
		is.NoErr(err)
		got, err = b.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got.Status, convo.StatusSnoozed) // the other store's snooze
		clock.Advance(time.Hour + time.Second)
		got, err = b.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got.Status, convo.StatusOpen) // over: open for the store that did not set it
		list, err := b.ListConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(len(list.Items), 1) // in its lists
		counts, err := b.CountConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(counts.All, 1) // and counts
		got, err = a.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got.Status, convo.StatusOpen) // and for the one that did
	})
}
