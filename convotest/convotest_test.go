package convotest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/convotest"
	"github.com/convokit/convo/store"
)

func TestNew(t *testing.T) {
	t.Run("IsolatedUnderParallel", func(t *testing.T) {
		for i := range 8 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				is := is.New(t)
				s := convotest.New(t)
				c := convotest.Contact(t, s)
				is.Equal(c.ID, int64(1)) // every test starts from an empty store
				page, err := s.ListContacts(t.Context(), convotest.Account, store.ContactFilter{})
				is.NoErr(err)
				is.Equal(len(page.Items), 1) // and sees only its own records
			})
		}
	})

	t.Run("ClosedWhenTheTestEnds", func(t *testing.T) {
		is := is.New(t)
		var s store.Store
		t.Run("Inner", func(t *testing.T) { s = convotest.New(t) })
		_, err := s.GetContact(context.Background(), convotest.Account, 1)
		is.True(errors.Is(err, convo.ErrClosed)) // closed by the inner test's cleanup
	})

	t.Run("WithClock", func(t *testing.T) {
		is := is.New(t)
		clock := convotest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		s := convotest.New(t, convotest.WithClock(clock.Now))
		a := convotest.Contact(t, s)
		clock.Advance(time.Hour)
		b := convotest.Contact(t, s)
		is.Equal(a.CreatedAt, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) // the store's time is the clock's
		is.Equal(b.CreatedAt.Sub(a.CreatedAt), time.Hour)
	})
}

func TestContact(t *testing.T) {
	is := is.New(t)
	s := convotest.New(t)
	ada := convotest.Contact(t, s)
	is.Equal(ada.CompleteName(), "Ada Lovelace") // the default
	grace := convotest.Contact(t, s, convotest.Named("Grace", "Hopper"), func(c *convotest.ContactSpec) {
		c.Account = 2
		c.Email = "grace@example.com"
	})
	is.Equal(grace.CompleteName(), "Grace Hopper") // a named option
	is.Equal(grace.Email, "grace@example.com")     // any field
	is.Equal(grace.AccountID, int64(2))            // any account
}

func TestConversation(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		is := is.New(t)
		s := convotest.New(t)
		c := convotest.Conversation(t, s)
		is.Equal(c.Status, convo.StatusOpen)
		is.Equal(c.Channel, convo.ChannelEmail)
		is.Equal(c.HappenedAt, convotest.Epoch)
		is.Equal(c.Contact.CompleteName(), "Ada Lovelace") // a contact of its own
		is.Equal(len(c.Messages), 0)
	})

	t.Run("MessagesThenStatus", func(t *testing.T) {
		is := is.New(t)
		s := convotest.New(t)
		agent := uuid.New()
		c := convotest.Conversation(t, s, convotest.WithMessages(3), func(c *convotest.ConversationSpec) {
			c.Status = convo.StatusResolved
			c.AssigneeID = agent
			c.Labels = []string{"Billing"}
		})
		is.Equal(c.Status, convo.StatusResolved) // not reopened by its incoming messages
		is.Equal(c.AssigneeID, agent)
		is.Equal(c.Labels, []string{"billing"})
		is.Equal(c.MessagesCount, int64(3)) // no activity message for the status
		is.Equal(len(c.Messages), 3)        // returned with its messages
		var types []convo.MessageType
		for _, m := range c.Messages {
			types = append(types, m.Type)
		}
		is.Equal(types, []convo.MessageType{convo.MessageIncoming, convo.MessageOutgoing, convo.MessageIncoming}) // in turn
		is.Equal(c.Messages[2].Content, "Message 3")
	})

	t.Run("MessageFuncAndManyMessages", func(t *testing.T) {
		is := is.New(t)
		s := convotest.New(t)
		contact := convotest.Contact(t, s)
		c := convotest.Conversation(t, s, convotest.WithMessages(store.MaxBatch+1), func(c *convotest.ConversationSpec) {
			c.ContactID = contact.ID
			c.Message = func(i int) convo.NewMessage {
				return convo.NewMessage{Type: convo.MessageIncoming, Content: fmt.Sprintf("#%d", i)}
			}
		})
		is.Equal(c.ContactID, contact.ID)                  // the given contact
		is.Equal(c.MessagesCount, int64(store.MaxBatch+1)) // more than one batch
		is.Equal(c.UnreadCount, int64(store.MaxBatch+1))   // all incoming
		is.Equal(c.Messages[store.MaxBatch].Content, fmt.Sprintf("#%d", store.MaxBatch))
	})
}

func TestInbox(t *testing.T) {
	is := is.New(t)
	s := convotest.New(t)
	me, you := uuid.New(), uuid.New()
	convs := convotest.Inbox(t, s, func(in *convotest.InboxSpec) {
		in.Count = 12
		in.Contacts = 3
		in.Statuses = []convo.Status{convo.StatusOpen, convo.StatusOpen, convo.StatusResolved, convo.StatusPending}
		in.Assignees = []uuid.UUID{me, uuid.Nil, you}
		in.Labels = [][]string{{"vip"}, nil}
		in.Messages = 2
	})
	is.Equal(len(convs), 12)
	is.Equal(convs[2].Status, convo.StatusResolved)  // cycled through the statuses
	is.Equal(convs[1].AssigneeID, uuid.Nil)          // and the assignees
	is.Equal(convs[4].Labels, []string{"vip"})       // and the labels
	is.Equal(convs[3].ContactID, convs[0].ContactID) // three contacts in turn
	is.Equal(convs[0].MessagesCount, int64(2))
	is.Equal(convs[0].UnreadCount, int64(1)) // the first message is incoming

	counts, err := s.CountConversations(t.Context(), convotest.Account, store.ConversationFilter{Agent: me})
	is.NoErr(err)
	is.Equal(counts, store.Counts{Mine: 2, Unassigned: 2, Assigned: 4, All: 6}) // open: 0, 1, 4, 5, 8, 9
}

func TestLoad(t *testing.T) {
	is := is.New(t)
	s := convotest.New(t)
	stats := convotest.Load(t, s, "testdata/inbox.jsonl")
	is.Equal(stats, store.ImportStats{Contacts: 2, Conversations: 2, Messages: 3})
	open, err := s.ListConversations(t.Context(), convotest.Account, store.ConversationFilter{})
	is.NoErr(err)
	is.Equal(len(open.Items), 1)                             // the resolved one is not open
	is.Equal(open.Items[0].Contact.Email, "ada@example.com") // with its contact
	is.Equal(open.Items[0].UnreadCount, int64(2))            // counters derived on load
	is.Equal(open.Items[0].LastNonActivityMessage.Content, "Hello?")
}

func TestLoadWithNewIDs(t *testing.T) {
	is := is.New(t)
	s := convotest.New(t)
	built := convotest.Conversation(t, s, convotest.WithMessages(2)) // rows of the test's own, ids 1 on
	stats := convotest.LoadWithNewIDs(t, s, "testdata/inbox.jsonl")
	is.Equal(stats.Conversations, 2)
	is.Equal(stats.Messages, 3)
	first := stats.ConversationIDs[1] // the file's conversation 1
	is.True(first != 0 && first != built.ID)
	got, err := s.GetConversation(t.Context(), convotest.Account, first, store.GetConversationOptions{Messages: store.AllMessages})
	is.NoErr(err)
	is.Equal(got.Contact.Email, "ada@example.com") // its contact followed
	is.Equal(got.ContactID, stats.ContactIDs[1])
	is.Equal(len(got.Messages), 2) // and its messages
	is.Equal(got.Messages[0].ID, stats.MessageIDs[1])
	is.Equal(got.Labels, []string{"billing"})
	kept, err := s.GetConversation(t.Context(), convotest.Account, built.ID, store.GetConversationOptions{})
	is.NoErr(err)
	is.Equal(kept.MessagesCount, int64(2)) // the test's own rows are as they were
}

func TestLoadWithoutTimes(t *testing.T) {
	is := is.New(t)
	clock := convotest.NewClock(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	s := convotest.New(t, convotest.WithClock(clock.Now))
	stats := convotest.Load(t, s, "testdata/no_times.jsonl")
	is.Equal(stats, store.ImportStats{Contacts: 1, Conversations: 1, Messages: 1})
	got, err := s.GetConversation(t.Context(), convotest.Account, 1, store.GetConversationOptions{Messages: store.AllMessages})
	is.NoErr(err)
	is.True(got.CreatedAt.Equal(clock.Now()))             // the store's clock
	is.True(got.Contact.CreatedAt.Equal(clock.Now()))     // for the contact
	is.True(got.Messages[0].CreatedAt.Equal(clock.Now())) // and the message
}

func TestReplyAndReact(t *testing.T) {
	is := is.New(t)
	s := convotest.New(t)
	c := convotest.Conversation(t, s, convotest.WithMessages(2))
	parent := c.Messages[0]
	r := convotest.Reply(t, s, parent)
	is.Equal(r.ReplyToID, parent.ID)                                   // a reply
	is.Equal(r.ConversationID, c.ID)                                   // in the parent's conversation
	is.Equal(r.Content, fmt.Sprintf("Reply to message %d", parent.ID)) // the default
	is.Equal(r.Type, convo.MessageIncoming)
	agent := uuid.New()
	out := convotest.Reply(t, s, parent, func(r *convotest.ReplySpec) {
		r.Type, r.AuthorID, r.Content = convo.MessageOutgoing, agent, "On it"
		r.ReplyToID = 999 // the parent's, whatever an option says
	})
	is.Equal(out.ReplyToID, parent.ID)
	is.Equal(out.AuthorID, agent)
	got := convotest.React(t, s, parent, convo.UserActor(agent), "👍", "🎉")
	got = convotest.React(t, s, got, convo.ContactActor(), "👍")
	is.Equal(got.Reactions, map[string]int{"👍": 2, "🎉": 1}) // every reaction added
	is.Equal(got.ReplyCount, 2)                             // the message as stored
	stored, err := s.GetMessage(t.Context(), convotest.Account, parent.ID)
	is.NoErr(err)
	is.Equal(stored, got)
}
