package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func testMessages(t *testing.T, cfg config) {
	newStore := cfg.newStore
	ctx := context.Background()

	t.Run("AddMessage/OK", func(t *testing.T) {
		is := is.New(t)
		s, c, conv := seeded(t, newStore)
		yes := true
		author := uuid.New()
		written := time.Date(1998, 2, 2, 0, 0, 0, 0, time.UTC)
		m, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{
			Content: "this is a message", WrittenByMe: &yes, ContactID: c.ID, WrittenAt: written, AuthorID: author,
			ContentAttributes: convo.Attributes{"items": []any{"a"}},
			Attachments:       []convo.Attachment{{FileType: "image", URL: "https://x.test/a.png", FileName: "a.png", Size: 12, MIMEType: "image/png"}},
			ExternalSourceIDs: map[string]string{"slack": "T1"},
		})
		is.NoErr(err)
		is.Equal(m.Type, convo.MessageOutgoing)  // written_by_me is outgoing
		is.True(m.WrittenByMe())                 // and reports as such
		is.Equal(m.SenderType, convo.SenderUser) // written by a user
		is.Equal(m.ContactID, c.ID)              // the conversation's contact
		is.Equal(m.Seq, int64(1))
		is.True(m.WrittenAt.Equal(written))  // may be in the past
		is.Equal(m.Status, convo.StatusSent) // sent by default
		is.Equal(m.ContentType, convo.ContentText)
		got, err := s.GetMessage(ctx, 1, m.ID)
		is.NoErr(err)
		is.Equal(got, m) // stored as returned
		conv2, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.True(!conv2.LastActivityAt.Before(m.CreatedAt)) // the message moved the activity
		is.Equal(conv2.MessagesCount, int64(1))
		no := false
		in := mustAddMessage(t, s, 1, conv.ID, convo.NewMessage{Content: "reply", WrittenByMe: &no})
		is.Equal(in.Type, convo.MessageIncoming)     // written_by_me false is incoming
		is.Equal(in.SenderType, convo.SenderContact) // from the contact
		is.Equal(in.Seq, int64(2))                   // sequence numbers grow by one
	})

	t.Run("AddMessage/SourceIDIsIdempotent", func(t *testing.T) {
		is := is.New(t)
		s, c, conv := seeded(t, newStore)
		in := convo.NewMessage{Type: convo.MessageIncoming, Content: "hi", SourceID: "wamid.1"}
		first := mustAddMessage(t, s, 1, conv.ID, in)
		in.Content = "a retry with other content"
		again := mustAddMessage(t, s, 1, conv.ID, in)
		is.Equal(again, first) // the first message, unchanged
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got.MessagesCount, int64(1)) // nothing new written
		is.Equal(countMessages(t, s, 1, conv.ID), 1)
		other := mustCreateConversation(t, s, 1, c.ID)
		_, err = s.AddMessage(ctx, 1, other.ID, in)
		is.True(isConflict(err)) // the source id belongs to another conversation
		is.Equal(countMessages(t, s, 1, other.ID), 0)
		c2 := mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Two"})
		conv2 := mustCreateConversation(t, s, 2, c2.ID)
		_, err = s.AddMessage(ctx, 2, conv2.ID, in)
		is.NoErr(err) // unique per account only
	})

	t.Run("MarkReceipt", func(t *testing.T) {
		is := is.New(t)
		clock := newFeedClock()
		s := newStore(t, clock.Now)
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada"})
		conv := mustCreateConversation(t, s, 1, c.ID)
		agent := uuid.New()
		add := func(in convo.NewMessage) convo.Message {
			clock.Advance(time.Second)
			if in.Type != convo.MessageIncoming && in.Type != convo.MessageActivity {
				in.AuthorID = agent
			}
			return mustAddMessage(t, s, 1, conv.ID, in)
		}
		incoming := add(text("hello"))
		sent := add(convo.NewMessage{Type: convo.MessageOutgoing, Content: "sent"})
		note := add(convo.NewMessage{Type: convo.MessageOutgoing, Content: "a note", Private: true})
		template := add(convo.NewMessage{Type: convo.MessageTemplate, Content: "template"})
		failed := add(convo.NewMessage{Type: convo.MessageOutgoing, Content: "failed", Status: convo.StatusFailed})
		delivered := add(convo.NewMessage{Type: convo.MessageOutgoing, Content: "delivered", Status: convo.StatusDelivered})
		cut := delivered.CreatedAt
		later := add(convo.NewMessage{Type: convo.MessageOutgoing, Content: "after the receipt"})
		before, err := s.Changes(ctx, 1, store.FromNow, store.ChangeFilter{})
		is.NoErr(err)

		clock.Advance(time.Second)
		n, err := s.MarkReceipt(ctx, 1, conv.ID, convo.StatusDelivered, cut)
		is.NoErr(err)
		is.Equal(n, 2) // the sent message and the template, up to the moment
		status := func(m convo.Message) convo.MessageStatus {
			got, err := s.GetMessage(ctx, 1, m.ID)
			is.NoErr(err)
			return got.Status
		}
		is.Equal(status(sent), convo.StatusDelivered)
		is.Equal(status(template), convo.StatusDelivered)
		is.Equal(status(note), convo.StatusSent)     // a private note is never sent to the contact
		is.Equal(status(incoming), incoming.Status)  // the contact's own
		is.Equal(status(failed), convo.StatusFailed) // left as it is
		is.Equal(status(delivered), convo.StatusDelivered)
		is.Equal(status(later), convo.StatusSent) // after the moment
		got, err := s.GetMessage(ctx, 1, sent.ID)
		is.NoErr(err)
		is.Equal(got.UpdatedAt, clock.Now()) // the call's time
		page, err := s.Changes(ctx, 1, before.Next, store.ChangeFilter{})
		is.NoErr(err)
		is.Equal(len(page.Changes), 2) // one change each, by id
		for i, m := range []convo.Message{sent, template} {
			ch := page.Changes[i]
			is.Equal(ch.Kind, store.MessageUpdated)
			is.Equal(ch.MessageID, m.ID)
			is.Equal(ch.Fields, []string{"status"})
		}

		n, err = s.MarkReceipt(ctx, 1, conv.ID, convo.StatusDelivered, cut)
		is.NoErr(err)
		is.Equal(n, 0) // again: nothing behind it
		n, err = s.MarkReceipt(ctx, 1, conv.ID, convo.StatusRead, later.CreatedAt)
		is.NoErr(err)
		is.Equal(n, 4) // sent, template, delivered, later
		is.Equal(status(delivered), convo.StatusRead)
		is.Equal(status(failed), convo.StatusFailed)
		n, err = s.MarkReceipt(ctx, 1, conv.ID, convo.StatusDelivered, later.CreatedAt)
		is.NoErr(err)
		is.Equal(n, 0) // never back from read
		is.Equal(status(sent), convo.StatusRead)

		_, err = s.MarkReceipt(ctx, 1, conv.ID+1000, convo.StatusRead, cut)
		is.True(isNotFound(err))
		_, err = s.MarkReceipt(ctx, 2, conv.ID, convo.StatusRead, cut)
		is.True(isNotFound(err)) // another account's
		for _, bad := range []convo.MessageStatus{convo.StatusSent, convo.StatusFailed, "", "seen"} {
			_, err = s.MarkReceipt(ctx, 1, conv.ID, bad, cut)
			wantInvalid(t, err, "status")
		}
		_, err = s.MarkReceipt(ctx, 1, conv.ID, convo.StatusRead, time.Time{})
		wantInvalid(t, err, "up_to")
	})

	t.Run("GetMessageBySourceID", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		mustAddMessage(t, s, 1, conv.ID, text("no source id"))
		in := convo.NewMessage{Type: convo.MessageOutgoing, Content: "sent", SourceID: "wamid.2", AuthorID: uuid.New()}
		sent := mustAddMessage(t, s, 1, conv.ID, in)
		got, err := s.GetMessageBySourceID(ctx, 1, "wamid.2")
		is.NoErr(err)
		is.Equal(got, sent) // as a receipt names it
		status := convo.StatusRead
		updated, err := s.UpdateMessage(ctx, 1, sent.ID, convo.MessageUpdate{Status: &status})
		is.NoErr(err)
		got, err = s.GetMessageBySourceID(ctx, 1, "wamid.2")
		is.NoErr(err)
		is.Equal(got, updated) // as stored now

		_, err = s.GetMessageBySourceID(ctx, 1, "wamid.3")
		is.True(isNotFound(err)) // none
		_, err = s.GetMessageBySourceID(ctx, 1, "WAMID.2")
		is.True(isNotFound(err)) // compared exactly
		c2 := mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Two"})
		conv2 := mustCreateConversation(t, s, 2, c2.ID)
		_, err = s.GetMessageBySourceID(ctx, 2, "wamid.2")
		is.True(isNotFound(err)) // another account's
		theirs := mustAddMessage(t, s, 2, conv2.ID, in)
		got, err = s.GetMessageBySourceID(ctx, 2, "wamid.2")
		is.NoErr(err)
		is.Equal(got.ID, theirs.ID) // each account its own
		for _, blank := range []string{"", "  "} {
			_, err = s.GetMessageBySourceID(ctx, 1, blank)
			wantInvalid(t, err, "source_id")
		}
		_, err = s.DeleteMessage(ctx, 1, sent.ID)
		is.NoErr(err)
		got, err = s.GetMessageBySourceID(ctx, 1, "wamid.2")
		is.NoErr(err)
		is.True(got.Deleted()) // a tombstone keeps its source id
		_, err = s.PurgeMessage(ctx, 1, sent.ID)
		is.NoErr(err)
		_, err = s.GetMessageBySourceID(ctx, 1, "wamid.2")
		is.True(isNotFound(err)) // gone with its message
	})

	// A store may read what is nearly always the default in a shorter
	// form; every read must give back the rest as it was written.
	t.Run("AddMessage/EveryReadGivesItBack", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		for _, in := range []convo.NewMessage{
			{Type: convo.MessageOutgoing, Content: "pick one zebra", ContentType: convo.ContentInputSelect,
				Status: convo.StatusDelivered, SenderType: convo.SenderSystem, SourceID: "src-1",
				WrittenAt: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), ContentAttributes: convo.Attributes{"items": []any{"a"}}},
			{Type: convo.MessageIncoming, Content: "plain zebra"},
		} {
			m := mustAddMessage(t, s, 1, conv.ID, in)
			got, err := s.GetMessage(ctx, 1, m.ID)
			is.NoErr(err)
			is.Equal(got, m) // GetMessage
			full, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: 5})
			is.NoErr(err)
			is.Equal(full.Messages[len(full.Messages)-1], m) // the newest of a get
			is.Equal(*full.LastNonActivityMessage, m)        // and its last message
			head, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
			is.NoErr(err)
			is.Equal(*head.LastNonActivityMessage, m) // a get without messages
			page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Statuses: store.AllStatuses})
			is.NoErr(err)
			is.Equal(len(page.Items), 1)
			is.Equal(*page.Items[0].LastNonActivityMessage, m) // a list
			msgs, err := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{Order: store.NewestFirst})
			is.NoErr(err)
			is.Equal(msgs.Items[0], m) // a list of messages
			hits, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "zebra", ConversationID: conv.ID})
			is.NoErr(err)
			is.True(len(hits.Items) > 0)
			is.Equal(hits.Items[0].Message, m) // a search, newest first
		}
	})

	t.Run("AddMessage/ContactMustBeTheConversations", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		other := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Other"})
		_, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "x", ContactID: other.ID})
		var ve *convo.ValidationError
		is.True(errors.As(err, &ve))
		_, ok := ve.Field("contact_id")
		is.True(ok) // names contact_id
		is.Equal(countMessages(t, s, 1, conv.ID), 0)
		_, err = s.AddMessage(ctx, 1, conv.ID+99, text("x"))
		is.True(isNotFound(err)) // a missing conversation
	})

	t.Run("AddMessages/Batch", func(t *testing.T) {
		is := is.New(t)
		s, c, conv := seeded(t, newStore)
		other := mustCreateConversation(t, s, 1, c.ID)
		got, err := s.AddMessages(ctx, 1, []store.MessageTo{
			{ConversationID: conv.ID, Message: text("a")},
			{ConversationID: other.ID, Message: text("b")},
			{ConversationID: conv.ID, Message: text("c")},
		})
		is.NoErr(err)
		is.Equal(len(got), 3)
		is.Equal(got[2].Seq, int64(2)) // in order, per conversation
		_, err = s.AddMessages(ctx, 1, []store.MessageTo{
			{ConversationID: conv.ID, Message: text("d")},
			{ConversationID: conv.ID, Message: convo.NewMessage{Type: convo.MessageIncoming}},
		})
		var ve *convo.ValidationError
		is.True(errors.As(err, &ve))
		_, ok := ve.Field("messages[1].content")
		is.True(ok)                                  // names the bad item
		is.Equal(countMessages(t, s, 1, conv.ID), 2) // all or nothing
		_, err = s.AddMessages(ctx, 1, []store.MessageTo{{ConversationID: conv.ID, Message: text("e")}, {ConversationID: 9999, Message: text("f")}})
		is.True(isNotFound(err))
		is.Equal(countMessages(t, s, 1, conv.ID), 2) // all or nothing
		_, err = s.AddMessages(ctx, 1, make([]store.MessageTo, store.MaxBatch+1))
		is.True(errors.Is(err, convo.ErrInvalid)) // too many
		for _, empty := range [][]store.MessageTo{nil, {}} {
			_, err = s.AddMessages(ctx, 1, empty)
			wantInvalid(t, err, "messages") // nothing to add is a mistake
		}
	})

	t.Run("AddMessages/SameAsOneByOne", func(t *testing.T) { testBatchSameAsSingles(t, cfg) })

	t.Run("UpdateMessage/PartialAndCounters", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		m := mustAddMessage(t, s, 1, conv.ID, text("helo"))
		content := "hello"
		got, err := s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &content})
		is.NoErr(err)
		is.Equal(got.Content, "hello")
		is.Equal(got.Type, convo.MessageIncoming) // unchanged
		yes := true
		got, err = s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{WrittenByMe: &yes})
		is.NoErr(err)
		is.Equal(got.Type, convo.MessageOutgoing) // Monica's update of written_by_me
		c, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(c.UnreadCount, int64(0)) // the counters follow
		for _, st := range []convo.MessageStatus{convo.StatusDelivered, convo.StatusRead} {
			st := st
			got, err = s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &st})
			is.NoErr(err)
			is.Equal(got.Status, st) // forward
		}
		back := convo.StatusDelivered
		_, err = s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &back})
		var ve *convo.ValidationError
		is.True(errors.As(err, &ve))
		_, ok := ve.Field("status")
		is.True(ok) // read never goes back to delivered
		again, err := s.GetMessage(ctx, 1, m.ID)
		is.NoErr(err)
		is.Equal(again.Status, convo.StatusRead) // nothing written
		_, err = s.UpdateMessage(ctx, 1, m.ID+99, convo.MessageUpdate{Content: &content})
		is.True(isNotFound(err))
	})

	t.Run("DeleteMessage/Counters", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		a := mustAddMessage(t, s, 1, conv.ID, text("a"))
		b := mustAddMessage(t, s, 1, conv.ID, text("b"))
		id, err := s.DeleteMessage(ctx, 1, b.ID)
		is.NoErr(err)
		is.Equal(id, b.ID) // returns the id
		c, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(c.MessagesCount, int64(2))         // a tombstone is still counted
		is.Equal(c.UnreadCount, int64(1))           // but not unread
		is.Equal(c.LastNonActivityMessage.ID, a.ID) // nor the last message
		id, err = s.PurgeMessage(ctx, 1, b.ID)
		is.NoErr(err)
		is.Equal(id, b.ID)
		c, err = s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(c.MessagesCount, int64(1)) // purged: the count follows
		is.Equal(c.UnreadCount, int64(1))
		next := mustAddMessage(t, s, 1, conv.ID, text("c"))
		is.Equal(next.Seq, int64(3)) // sequence numbers are never reused
		_, err = s.DeleteMessage(ctx, 1, b.ID)
		is.True(isNotFound(err)) // deleting what was purged
	})

	t.Run("ListMessages/BothOrders", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		var ids []int64
		for range 7 {
			ids = append(ids, mustAddMessage(t, s, 1, conv.ID, text("m")).ID)
		}
		for _, order := range []store.MessageOrder{store.OldestFirst, store.NewestFirst} {
			var got []int64
			cursor := ""
			for {
				page, err := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{Order: order, Page: store.After(cursor, 3)})
				is.NoErr(err)
				is.True(len(page.Items) <= 3)
				for _, m := range page.Items {
					got = append(got, m.ID)
				}
				if order == store.NewestFirst && cursor == "" {
					mustAddMessage(t, s, 1, conv.ID, text("arrives while paging"))
				}
				if page.Next == "" {
					break
				}
				cursor = page.Next
			}
			want := append([]int64(nil), ids...)
			if order == store.NewestFirst {
				for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
					want[i], want[j] = want[j], want[i]
				}
			}
			if order == store.OldestFirst {
				is.Equal(got, want) // oldest first, no gaps
			} else {
				is.Equal(got, want) // newest first: a message arriving meanwhile neither repeats nor shifts
			}
		}
	})

	t.Run("ListMessages/CursorOfAnotherList", func(t *testing.T) {
		is := is.New(t)
		s, c, conv := seeded(t, newStore)
		other := mustCreateConversation(t, s, 1, c.ID)
		for range 3 {
			mustAddMessage(t, s, 1, conv.ID, text("m"))
		}
		page, err := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{Page: store.After("", 1)})
		is.NoErr(err)
		for _, tc := range []struct {
			conv  int64
			order store.MessageOrder
		}{{other.ID, store.OldestFirst}, {conv.ID, store.NewestFirst}} {
			_, err = s.ListMessages(ctx, 1, tc.conv, store.MessageFilter{Order: tc.order, Page: store.After(page.Next, 1)})
			var ve *convo.ValidationError
			is.True(errors.As(err, &ve))
			_, ok := ve.Field("cursor")
			is.True(ok) // a cursor of another conversation or order
		}
		_, err = s.ListMessages(ctx, 1, conv.ID+99, store.MessageFilter{})
		is.True(isNotFound(err)) // a missing conversation
	})
}
