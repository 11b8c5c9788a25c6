package storetest

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// testBatchSameAsSingles checks that AddMessages leaves conversations,
// contacts and messages as the same messages added one AddMessage at a
// time, at the same times, would: a backend may write a batch's
// conversations once, but by the same rules.
func testBatchSameAsSingles(t *testing.T, cfg config) {
	ctx := context.Background()
	agent, other, reader := uuid.New(), uuid.New(), uuid.New() // reader only reads
	kinds := []convo.NewMessage{
		{Type: convo.MessageIncoming, Content: "from the contact"},
		{Type: convo.MessageOutgoing, Content: "a reply", SenderType: convo.SenderUser, AuthorID: agent},
		{Type: convo.MessageOutgoing, Content: "a note", SenderType: convo.SenderUser, AuthorID: other, Private: true},
		{Type: convo.MessageOutgoing, Content: "from a bot", SenderType: convo.SenderSystem},
		{Type: convo.MessageActivity, Content: "something changed"},
		{Type: convo.MessageTemplate, Content: "a template"},
	}
	r := rand.New(rand.NewPCG(7, 11))
	type item struct {
		conv int
		in   convo.NewMessage
	}
	var batches [][]item
	for range 40 {
		var batch []item
		for range 1 + r.IntN(8) {
			// Incoming messages and replies most often: they move the wait.
			k := r.IntN(len(kinds) + 3)
			if k >= len(kinds) {
				k %= 2
			}
			batch = append(batch, item{conv: r.IntN(5), in: kinds[k]})
		}
		batches = append(batches, batch)
	}

	type state struct {
		convs    []convo.Conversation
		contacts []convo.Contact
		messages [][]convo.Message
	}
	// snapshot reads what the batches may have changed.
	snapshot := func(t *testing.T, s store.Store, ids, contacts []int64) state {
		var st state
		for _, id := range ids {
			c, err := s.GetConversation(ctx, 1, id, store.GetConversationOptions{Viewer: &convo.Viewer{UserID: reader}})
			if err != nil {
				t.Fatal(err)
			}
			st.convs = append(st.convs, c)
			page, err := s.ListMessages(ctx, 1, id, store.MessageFilter{Page: store.After("", store.MaxPerPage)})
			if err != nil {
				t.Fatal(err)
			}
			st.messages = append(st.messages, page.Items)
		}
		for _, id := range contacts {
			c, err := s.GetContact(ctx, 1, id)
			if err != nil {
				t.Fatal(err)
			}
			st.contacts = append(st.contacts, c)
		}
		return st
	}
	// run returns the state after each batch.
	run := func(t *testing.T, batched bool) []state {
		now := fixedTime
		s := cfg.newStore(t, func() time.Time { return now })
		c1 := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "One"})
		c2 := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Two"})
		var ids []int64
		var states []state
		for i, in := range []convo.NewConversation{
			{ContactID: c1.ID, AssigneeID: agent},
			{ContactID: c1.ID, AssigneeID: agent, Status: convo.StatusResolved},
			{ContactID: c2.ID, Status: convo.StatusSnoozed, SnoozedUntil: fixedTime.Add(1000 * time.Hour)},
			{ContactID: c2.ID, Status: convo.StatusResolved, Muted: true},
			{ContactID: c2.ID, AssigneeID: other, Status: convo.StatusPending},
		} {
			in.Channel, in.HappenedAt, in.UserIDs = convo.ChannelEmail, now, []uuid.UUID{reader}
			c, err := s.CreateConversation(ctx, 1, in)
			if err != nil {
				t.Fatalf("conversation %d: %v", i, err)
			}
			ids = append(ids, c.ID)
		}
		for k, batch := range batches {
			// The clock mostly moves on, sometimes stands or goes back, so
			// that a batch sometimes moves no conversation's activity.
			now = fixedTime.Add(time.Duration(k/3*10+k%3*7) * time.Minute)
			if k%7 == 3 {
				for _, id := range ids[:2] {
					if _, err := s.MarkRead(ctx, 1, id, agent); err != nil {
						t.Fatal(err)
					}
				}
			}
			if k%3 == 1 {
				if _, err := s.ChangeStatus(ctx, 1, ids[1], convo.StatusChange{Status: convo.StatusResolved, Quiet: true}); err != nil {
					t.Fatal(err)
				}
				if _, err := s.ChangeStatus(ctx, 1, ids[2], convo.StatusChange{Status: convo.StatusSnoozed,
					SnoozedUntil: now.Add(1000 * time.Hour), Quiet: true}); err != nil {
					t.Fatal(err)
				}
			}
			if batched {
				var list []store.MessageTo
				for _, it := range batch {
					list = append(list, store.MessageTo{ConversationID: ids[it.conv], Message: it.in})
				}
				if _, err := s.AddMessages(ctx, 1, list); err != nil {
					t.Fatalf("batch %d: %v", k, err)
				}
			} else {
				for _, it := range batch {
					mustAddMessage(t, s, 1, ids[it.conv], it.in)
				}
			}
			states = append(states, snapshot(t, s, ids, []int64{c1.ID, c2.ID}))
		}
		cfg.checkInvariants(t, s) // every kept count equals a recount
		return states
	}
	all, each := run(t, true), run(t, false)
	is := is.New(t)
	for k := range all {
		batched, singles := all[k], each[k]
		for i := range batched.convs {
			got, want := batched.convs[i], singles.convs[i]
			is.Equal(got.Status, want.Status)                                               // reopened alike
			is.True(got.SnoozedUntil.Equal(want.SnoozedUntil))                              // the snooze cleared alike
			is.Equal(got.MessagesCount, want.MessagesCount)                                 // counted alike
			is.Equal(got.LastSeq, want.LastSeq)                                             // numbered alike
			is.Equal(got.UnreadCount, want.UnreadCount)                                     // unread alike
			is.Equal(got.UnseenMessagesCount, want.UnseenMessagesCount)                     // unseen alike
			is.True(got.LastActivityAt.Equal(want.LastActivityAt))                          // last activity alike
			is.True(got.LastIncomingAt.Equal(want.LastIncomingAt))                          // last incoming alike
			is.True(got.WaitingSince.Equal(want.WaitingSince))                              // waiting alike
			is.True(got.FirstReplyCreatedAt.Equal(want.FirstReplyCreatedAt))                // first reply alike
			is.True(got.UpdatedAt.Equal(want.UpdatedAt))                                    // updated alike
			is.Equal(got.CanReply, want.CanReply)                                           // can reply alike
			is.Equal(got.LastNonActivityMessage != nil, want.LastNonActivityMessage != nil) // a last message alike
			if got.LastNonActivityMessage != nil {
				is.Equal(got.LastNonActivityMessage.ID, want.LastNonActivityMessage.ID) // the same one
			}
			is.Equal(len(batched.messages[i]), len(singles.messages[i])) // the same messages
			for j, m := range batched.messages[i] {
				is.Equal(m, singles.messages[i][j]) // each stored alike
			}
		}
		for i, c := range batched.contacts {
			is.True(c.LastActivityAt.Equal(singles.contacts[i].LastActivityAt)) // the contact's activity alike
		}
	}
}
