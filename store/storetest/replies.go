package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// walkReplies reads every reply to parent by keyset pages of perPage, in
// f's order, checking that no page is longer.
func walkReplies(t *testing.T, s store.Store, parent int64, f store.MessageFilter, perPage int) []int64 {
	t.Helper()
	var out []int64
	cursor := ""
	for range 1000 {
		f.Page = store.After(cursor, perPage)
		page, err := s.ListReplies(context.Background(), 1, parent, f)
		if err != nil {
			t.Fatalf("list replies of %d: %v", parent, err)
		}
		if len(page.Items) > perPage {
			t.Fatalf("list replies: %d items on a page of %d", len(page.Items), perPage)
		}
		out = append(out, ids(page.Items)...)
		if page.Next == "" {
			return out
		}
		cursor = page.Next
	}
	t.Fatal("list replies: more than 1000 pages")
	return nil
}

// walkTopLevel reads the conversation's top-level messages by keyset
// pages of perPage, in order.
func walkTopLevel(t *testing.T, s store.Store, convID int64, order store.MessageOrder, perPage int) []int64 {
	t.Helper()
	var out []int64
	cursor := ""
	for range 1000 {
		page, err := s.ListMessages(context.Background(), 1, convID,
			store.MessageFilter{TopLevel: true, Order: order, Page: store.After(cursor, perPage)})
		if err != nil {
			t.Fatalf("list top-level messages: %v", err)
		}
		for _, m := range page.Items {
			if m.ReplyToID != 0 {
				t.Fatalf("list top-level messages: reply %d listed", m.ID)
			}
		}
		out = append(out, ids(page.Items)...)
		if page.Next == "" {
			return out
		}
		cursor = page.Next
	}
	t.Fatal("list top-level messages: more than 1000 pages")
	return nil
}

func reversed(s []int64) []int64 {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// testReplies checks replies: how a message names its parent, the
// parent's reply count and last reply time, the top-level list and
// ListReplies, and what deleting and purging do to a thread.
func testReplies(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("ByID", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		parent := f.add(t, text("parent"))
		first := f.add(t, replyTo(parent.ID, "first reply"))
		is.Equal(first.ReplyToID, parent.ID) // a reply
		is.Equal(f.get(t, first.ID), first)  // stored as returned
		is.Equal(first.Seq, parent.Seq+1)    // in the timeline like any message
		is.Equal(countMessages(t, f.s, 1, f.conv.ID), 2)
		got := f.get(t, parent.ID)
		is.Equal(got.ReplyCount, 1)                // the parent counts it
		is.Equal(got.LastReplyAt, first.CreatedAt) // and knows when
		is.Equal(got.UpdatedAt, parent.UpdatedAt)  // without being updated
		second := f.add(t, replyTo(parent.ID, "second reply"))
		got = f.get(t, parent.ID)
		is.Equal(got.ReplyCount, 2)
		is.Equal(got.LastReplyAt, second.CreatedAt) // the newest reply's
		deep := f.add(t, replyTo(first.ID, "a reply to a reply"))
		is.Equal(deep.ReplyToID, first.ID)
		is.Equal(f.get(t, parent.ID).ReplyCount, 2) // direct replies only
		is.Equal(f.get(t, first.ID).ReplyCount, 1)
		is.Equal(f.get(t, deep.ID).ReplyCount, 0)
		conv := f.conversation(t, nil)
		is.Equal(conv.MessagesCount, int64(4))            // replies count as messages
		is.Equal(conv.LastNonActivityMessage.ID, deep.ID) // and may be the last one
	})

	t.Run("ByBatch", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		parent := f.add(t, text("parent"))
		f.clock.Advance(time.Second)
		got, err := f.s.AddMessages(ctx, 1, []store.MessageTo{
			{ConversationID: f.conv.ID, Message: replyTo(parent.ID, "one")},
			{ConversationID: f.conv.ID, Message: text("not a reply")},
			{ConversationID: f.conv.ID, Message: replyTo(parent.ID, "two")},
		})
		is.NoErr(err)
		is.Equal(got[0].ReplyToID, parent.ID)
		is.Equal(got[1].ReplyToID, int64(0))
		is.Equal(got[2].ReplyToID, parent.ID)
		p := f.get(t, parent.ID)
		is.Equal(p.ReplyCount, 2) // each reply of the batch counted
		is.Equal(p.LastReplyAt, got[2].CreatedAt)
		_, err = f.s.AddMessages(ctx, 1, []store.MessageTo{
			{ConversationID: f.conv.ID, Message: replyTo(parent.ID, "fine")},
			{ConversationID: f.conv.ID, Message: replyTo(parent.ID+1000, "lost")},
		})
		wantInvalid(t, err, "messages[1].reply_to_id")   // names the bad item
		is.Equal(countMessages(t, f.s, 1, f.conv.ID), 4) // all or nothing
		is.Equal(f.get(t, parent.ID).ReplyCount, 2)
	})

	t.Run("BySourceID", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		quoted := f.add(t, convo.NewMessage{Type: convo.MessageIncoming, Content: "quoted", SourceID: "wamid.q"})
		in := text("quoting")
		in.ReplyToSourceID = "wamid.q"
		r := f.add(t, in)
		is.Equal(r.ReplyToID, quoted.ID) // the source id names the parent
		is.Equal(f.get(t, quoted.ID).ReplyCount, 1)
		in = text("both names")
		in.ReplyToID, in.ReplyToSourceID = quoted.ID, "wamid.q"
		is.Equal(f.add(t, in).ReplyToID, quoted.ID) // both may be given when they agree
		is.Equal(f.get(t, quoted.ID).ReplyCount, 2)
		other := f.add(t, convo.NewMessage{Type: convo.MessageIncoming, Content: "other", SourceID: "wamid.o"})
		in.ReplyToID, in.ReplyToSourceID = quoted.ID, "wamid.o"
		_, err := f.s.AddMessage(ctx, 1, f.conv.ID, in)
		wantCode(t, err, "reply_to_source_id", convo.CodeMismatch) // two messages named
		is.Equal(countMessages(t, f.s, 1, f.conv.ID), 4)           // nothing written
		is.Equal(f.get(t, other.ID).ReplyCount, 0)
	})

	t.Run("UnknownSourceIDIsNoReply", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		f.add(t, text("unrelated"))
		in := text("quoting a message the store never had")
		in.ReplyToSourceID = "wamid.never"
		m := f.add(t, in)
		is.Equal(m.ReplyToID, int64(0)) // not a reply
		is.Equal(f.get(t, m.ID), m)
		// Another account's message is unknown too.
		c2 := mustCreateContact(t, f.s, 2, convo.NewContact{FirstName: "Two"})
		conv2 := mustCreateConversation(t, f.s, 2, c2.ID)
		mustAddMessage(t, f.s, 2, conv2.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "theirs", SourceID: "wamid.theirs"})
		in.ReplyToSourceID = "wamid.theirs"
		is.Equal(f.add(t, in).ReplyToID, int64(0))
	})

	t.Run("OtherConversationOrUnknownIDIsInvalid", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		parent := f.add(t, text("parent"))
		otherConv := mustCreateConversation(t, f.s, 1, f.contact.ID)
		elsewhere := mustAddMessage(t, f.s, 1, otherConv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "elsewhere", SourceID: "wamid.else"})
		c2 := mustCreateContact(t, f.s, 2, convo.NewContact{FirstName: "Two"})
		conv2 := mustCreateConversation(t, f.s, 2, c2.ID)
		theirs := mustAddMessage(t, f.s, 2, conv2.ID, text("theirs"))
		for _, tc := range []struct {
			name  string
			in    convo.NewMessage
			field string
		}{
			{"OtherConversation", replyTo(elsewhere.ID, "x"), "reply_to_id"},
			{"UnknownID", replyTo(parent.ID+1000, "x"), "reply_to_id"},
			{"OtherAccount", replyTo(theirs.ID, "x"), "reply_to_id"},
			{"Negative", replyTo(-1, "x"), "reply_to_id"},
			{"SourceIDOfOtherConversation", convo.NewMessage{Type: convo.MessageIncoming, Content: "x", ReplyToSourceID: "wamid.else"}, "reply_to_source_id"},
		} {
			_, err := f.s.AddMessage(ctx, 1, f.conv.ID, tc.in)
			if err == nil {
				t.Fatalf("%s: no error", tc.name)
			}
			wantInvalid(t, err, tc.field)
		}
		is.Equal(countMessages(t, f.s, 1, f.conv.ID), 1) // nothing written
		is.Equal(f.get(t, elsewhere.ID).ReplyCount, 0)
	})

	t.Run("AnyMessageMayBeRepliedTo", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		activity := f.add(t, convo.NewMessage{Type: convo.MessageActivity, Content: "Conversation was assigned"})
		doomed := f.add(t, text("doomed"))
		f.remove(t, doomed.ID)
		note := f.add(t, convo.NewMessage{Type: convo.MessageOutgoing, Content: "a note", Private: true, AuthorID: chatUser})
		for _, parent := range []convo.Message{activity, doomed, note} {
			r := f.add(t, replyTo(parent.ID, "re"))
			is.Equal(r.ReplyToID, parent.ID)
			is.Equal(f.get(t, parent.ID).ReplyCount, 1)
		}
	})

	t.Run("IdempotentReAddChangesNothing", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		parent := f.add(t, text("parent"))
		in := replyTo(parent.ID, "once")
		in.SourceID = "wamid.r"
		first := f.add(t, in)
		before := f.get(t, parent.ID)
		again := f.add(t, in) // a retry, a second later
		is.Equal(again, first)
		is.Equal(f.get(t, parent.ID), before) // no second count, no later last reply
		other := f.add(t, text("another parent"))
		in.ReplyToID = other.ID
		again = f.add(t, in) // a retry naming another parent: the stored message
		is.Equal(again, first)
		is.Equal(f.get(t, other.ID).ReplyCount, 0)
		batch, err := f.s.AddMessages(ctx, 1, []store.MessageTo{{ConversationID: f.conv.ID, Message: in}})
		is.NoErr(err)
		is.Equal(batch[0], first) // a batch's retry too
		is.Equal(f.get(t, parent.ID), before)
	})

	t.Run("TombstonedReplyStaysAReply", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		parent := f.add(t, text("parent"))
		r1 := f.add(t, replyTo(parent.ID, "one"))
		r2 := f.add(t, replyTo(parent.ID, "two"))
		f.remove(t, r2.ID)
		got := f.get(t, r2.ID)
		is.Equal(got.ReplyToID, parent.ID) // still a reply
		p := f.get(t, parent.ID)
		is.Equal(p.ReplyCount, 2)             // still counted
		is.Equal(p.LastReplyAt, r2.CreatedAt) // and still the newest
		is.Equal(walkReplies(t, f.s, parent.ID, store.MessageFilter{}, 10), []int64{r1.ID, r2.ID})
		f.remove(t, parent.ID)
		p = f.get(t, parent.ID)
		is.Equal(p.ReplyCount, 2) // a tombstone keeps its replies
		is.Equal(f.get(t, r1.ID).ReplyToID, parent.ID)
	})

	t.Run("PurgeOfAReply", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		parent := f.add(t, text("parent"))
		r1 := f.add(t, replyTo(parent.ID, "one"))
		r2 := f.add(t, replyTo(parent.ID, "two"))
		r3 := f.add(t, replyTo(parent.ID, "three"))
		f.purge(t, r2.ID)
		p := f.get(t, parent.ID)
		is.Equal(p.ReplyCount, 2)             // one less
		is.Equal(p.LastReplyAt, r3.CreatedAt) // the newest left
		f.purge(t, r3.ID)
		p = f.get(t, parent.ID)
		is.Equal(p.ReplyCount, 1)
		is.Equal(p.LastReplyAt, r1.CreatedAt) // recomputed from those left
		f.remove(t, r1.ID)
		f.purge(t, r1.ID) // a tombstone may be purged
		p = f.get(t, parent.ID)
		is.Equal(p.ReplyCount, 0)
		is.True(p.LastReplyAt.IsZero()) // no reply left
		is.Equal(walkReplies(t, f.s, parent.ID, store.MessageFilter{}, 10), []int64(nil))
		_, err := f.s.GetMessage(ctx, 1, r1.ID)
		is.True(isNotFound(err))
	})

	t.Run("PurgeOfAParent", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		parent := f.add(t, text("parent"))
		r1 := f.add(t, replyTo(parent.ID, "one"))
		r2 := f.add(t, replyTo(parent.ID, "two"))
		f.purge(t, parent.ID)
		for _, r := range []convo.Message{r1, r2} {
			got := f.get(t, r.ID)
			is.Equal(got.ReplyToID, int64(0))    // a reply no longer
			is.Equal(got.UpdatedAt, r.UpdatedAt) // but not updated
			is.Equal(got.Content, r.Content)     // and otherwise as it was
		}
		is.Equal(walkTopLevel(t, f.s, f.conv.ID, store.OldestFirst, 10), []int64{r1.ID, r2.ID}) // top-level now
		_, err := f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{})
		is.True(isNotFound(err)) // the parent is gone
		_, err = f.s.AddMessage(ctx, 1, f.conv.ID, replyTo(parent.ID, "too late"))
		wantInvalid(t, err, "reply_to_id") // an unknown id now
	})

	t.Run("TopLevel", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		var top, all []int64
		var parent convo.Message
		for i := range 5 {
			m := f.add(t, text("top"))
			top, all = append(top, m.ID), append(all, m.ID)
			if i == 1 {
				parent = m
			}
			if i%2 == 1 {
				r := f.add(t, replyTo(parent.ID, "reply"))
				all = append(all, r.ID)
			}
		}
		for _, perPage := range []int{2, 100} {
			is.Equal(walkTopLevel(t, f.s, f.conv.ID, store.OldestFirst, perPage), top)
			is.Equal(walkTopLevel(t, f.s, f.conv.ID, store.NewestFirst, perPage), reversed(top))
		}
		page, err := f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{TopLevel: true, Page: store.PageNumber(2, 2)})
		is.NoErr(err)
		is.Equal(page.Meta.Total, len(top)) // the total counts top-level messages
		is.Equal(ids(page.Items), top[2:4])
		page, err = f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{TopLevel: true, Page: store.PageNumber(1, 100)})
		is.NoErr(err)
		is.Equal(page.Items[1].ReplyCount, 2) // each with its reply count
		is.Equal(page.Items[1], f.get(t, parent.ID))
		is.Equal(countMessages(t, f.s, 1, f.conv.ID), len(all)) // without TopLevel, every message

		// A cursor belongs to its list: with replies or without.
		first, err := f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{TopLevel: true, Page: store.After("", 1)})
		is.NoErr(err)
		_, err = f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{Page: store.After(first.Next, 1)})
		wantInvalid(t, err, "cursor")
		plain, err := f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{Page: store.After("", 1)})
		is.NoErr(err)
		_, err = f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{TopLevel: true, Page: store.After(plain.Next, 1)})
		wantInvalid(t, err, "cursor")
	})

	t.Run("ListReplies", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		parent := f.add(t, text("parent"))
		other := f.add(t, text("other parent"))
		var replies []int64
		for i := range 5 {
			r := f.add(t, replyTo(parent.ID, "reply"))
			replies = append(replies, r.ID)
			f.add(t, replyTo(other.ID, "elsewhere"))
			if i == 0 {
				f.add(t, replyTo(r.ID, "nested")) // not a direct reply of parent
			}
		}
		for _, perPage := range []int{2, 5, 100} {
			is.Equal(walkReplies(t, f.s, parent.ID, store.MessageFilter{}, perPage), replies) // by seq
			is.Equal(walkReplies(t, f.s, parent.ID, store.MessageFilter{Order: store.NewestFirst}, perPage), reversed(replies))
		}
		page, err := f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{Page: store.PageNumber(2, 2)})
		is.NoErr(err)
		is.Equal(page.Meta, store.PageMeta{CurrentPage: 2, From: 3, To: 4, LastPage: 3, PerPage: 2, Total: 5})
		is.Equal(ids(page.Items), replies[2:4])
		is.Equal(page.Items[0], f.get(t, replies[2])) // as stored
		page, err = f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{TopLevel: true})
		is.NoErr(err)
		is.Equal(ids(page.Items), replies) // TopLevel does not apply

		// Keyset paging does not repeat or skip while replies arrive.
		first, err := f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{Order: store.NewestFirst, Page: store.After("", 2)})
		is.NoErr(err)
		f.add(t, replyTo(parent.ID, "arrives while paging"))
		rest, err := f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{Order: store.NewestFirst, Page: store.After(first.Next, 100)})
		is.NoErr(err)
		is.Equal(append(ids(first.Items), ids(rest.Items)...), reversed(replies))

		// A cursor belongs to its list.
		cursor := first.Next
		_, err = f.s.ListReplies(ctx, 1, other.ID, store.MessageFilter{Order: store.NewestFirst, Page: store.After(cursor, 2)})
		wantInvalid(t, err, "cursor") // another parent's
		_, err = f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{Page: store.After(cursor, 2)})
		wantInvalid(t, err, "cursor") // another order
		_, err = f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{Order: store.NewestFirst, Page: store.After(cursor, 2)})
		wantInvalid(t, err, "cursor") // a timeline's
		plain, err := f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{Page: store.After("", 1)})
		is.NoErr(err)
		_, err = f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{Page: store.After(plain.Next, 1)})
		wantInvalid(t, err, "cursor")

		none, err := f.s.ListReplies(ctx, 1, replies[4], store.MessageFilter{})
		is.NoErr(err)
		is.Equal(len(none.Items), 0) // a message without replies
		_, err = f.s.ListReplies(ctx, 1, parent.ID+1000, store.MessageFilter{})
		is.True(isNotFound(err)) // a missing message
		_, err = f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{Page: store.PageNumber(0, 10)})
		wantInvalid(t, err, "page")
	})

	t.Run("ListReplies/Viewer", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		parent := f.add(t, text("parent"))
		r1 := f.add(t, replyTo(parent.ID, "one"))
		r2 := f.add(t, replyTo(parent.ID, "two"))
		f.react(t, r2.ID, convo.UserActor(chatUser), "👍")
		_, err := f.s.MarkSeen(ctx, 1, f.conv.ID, convo.Viewer{UserID: chatUser}, r1.ID)
		is.NoErr(err)
		v := convo.Viewer{UserID: chatUser}
		page, err := f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{Viewer: &v})
		is.NoErr(err)
		is.Equal(len(page.Items), 2)
		is.True(page.Items[0].Seen)                         // up to the horizon
		is.True(!page.Items[1].Seen)                        // after it
		is.Equal(page.Items[1].OwnReactions, []string{"👍"}) // the viewer's own
		is.Equal(page.Items[0].OwnReactions, []string(nil)) // none
		stranger := convo.Viewer{UserID: chatOther}
		_, err = f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{Viewer: &stranger})
		is.True(isNotFound(err)) // not a participant
		_, err = f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{Viewer: &convo.Viewer{}})
		wantInvalid(t, err, "viewer.user_id")
	})
}
