package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// testTombstones checks DeleteMessage, which leaves a tombstone in the
// message's place, and PurgeMessage, which removes it for good.
func testTombstones(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("WipesWhatWasSaidKeepsTheRest", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		parent := f.add(t, text("parent"))
		m := f.add(t, convo.NewMessage{Type: convo.MessageOutgoing, Content: "secret", AuthorID: chatUser,
			SourceID: "wamid.t", ReplyToID: parent.ID, Status: convo.StatusFailed, ExternalError: "131047: expired",
			ContentType: convo.ContentInputSelect, ContentAttributes: convo.Attributes{"items": []any{"a"}},
			Attachments:          []convo.Attachment{{FileType: "image", URL: "https://example.com/a.png"}},
			ExternalSourceIDs:    map[string]string{"slack": "S1"},
			AdditionalAttributes: convo.Attributes{"campaign": "x"}})
		f.edit(t, m.ID, "secret, edited", nil)
		f.react(t, m.ID, convo.ContactActor(), "👍")
		reply := f.add(t, replyTo(m.ID, "a reply"))
		old := f.get(t, m.ID)
		f.remove(t, m.ID)
		now := f.clock.Now()

		want := old
		want.Content = ""
		want.ContentAttributes, want.Attachments, want.AdditionalAttributes = nil, nil, nil
		want.Reactions = nil
		want.EditCount, want.EditedAt = 0, time.Time{}
		want.ExternalError = ""
		want.DeletedAt, want.UpdatedAt = now, now
		got := f.get(t, m.ID)
		is.Equal(got, want) // what was said is gone; id, seq, type, sender, times, source ids, status, replies stay
		is.True(got.Deleted())
		is.Equal(got.ReplyToID, parent.ID)
		is.Equal(got.ReplyCount, 1)
		is.Equal(got.LastReplyAt, reply.CreatedAt)
		bySource, err := f.s.GetMessageBySourceID(ctx, 1, "wamid.t")
		is.NoErr(err)
		is.Equal(bySource, got) // its source id stays
		versions, err := f.s.ListMessageVersions(ctx, 1, m.ID)
		is.NoErr(err)
		is.Equal(len(versions), 0) // its versions are gone
		reactions, err := f.s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{})
		is.NoErr(err)
		is.Equal(len(reactions.Items), 0) // and its reactions
		page, err := f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{})
		is.NoErr(err)
		is.Equal(ids(page.Items), []int64{parent.ID, m.ID, reply.ID}) // in its place in the timeline
		is.Equal(page.Items[1], got)
		replies, err := f.s.ListReplies(ctx, 1, parent.ID, store.MessageFilter{})
		is.NoErr(err)
		is.Equal(replies.Items, []convo.Message{got}) // and in its thread
	})

	t.Run("DeletingTwiceChangesNothing", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("once"))
		f.remove(t, m.ID)
		gone := f.get(t, m.ID)
		conv := f.conversation(t, nil)
		f.clock.Advance(time.Hour)
		id, err := f.s.DeleteMessage(ctx, 1, m.ID)
		is.NoErr(err)
		is.Equal(id, m.ID)                     // returns the id
		is.Equal(f.get(t, m.ID), gone)         // not even deleted_at moves
		is.Equal(f.conversation(t, nil), conv) // nor the conversation
		_, err = f.s.DeleteMessage(ctx, 1, m.ID+1000)
		is.True(isNotFound(err))
		_, err = f.s.DeleteMessage(ctx, 2, m.ID)
		is.True(isNotFound(err)) // another account's
	})

	t.Run("Counters", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		agent := uuid.New()
		_, err := f.s.Assign(ctx, 1, f.conv.ID, convo.Assignment{AssigneeID: agent, Quiet: true})
		is.NoErr(err)
		a := f.add(t, text("a"))
		b := f.add(t, text("b"))
		activity := f.add(t, convo.NewMessage{Type: convo.MessageActivity, Content: "Conversation was resolved"})
		v := convo.Viewer{UserID: chatUser}
		before := f.conversation(t, &v)
		is.Equal(before.UnreadCount, int64(2))
		is.Equal(before.UnseenMessagesCount, 2)
		f.remove(t, b.ID)
		c := f.conversation(t, &v)
		is.Equal(c.MessagesCount, int64(3))               // a tombstone still counts as a message
		is.Equal(c.LastSeq, before.LastSeq)               // and keeps its seq
		is.Equal(c.UnreadCount, int64(1))                 // but is not unread
		is.Equal(c.UnseenMessagesCount, 1)                // nor unseen
		is.Equal(c.LastNonActivityMessage.ID, a.ID)       // nor the last message
		is.Equal(c.LastActivityAt, before.LastActivityAt) // the activity stays
		is.Equal(c.LastIncomingAt, before.LastIncomingAt) // and the last incoming time
		n, err := f.s.CountUnseen(ctx, 1, v)
		is.NoErr(err)
		is.Equal(n, 1)
		n, err = f.s.CountUnread(ctx, 1, agent)
		is.NoErr(err)
		is.Equal(n, 1)
		page, err := f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{Viewer: &v})
		is.NoErr(err)
		is.True(page.Items[1].Seen) // a tombstone is never unseen
		f.remove(t, a.ID)
		c = f.conversation(t, &v)
		is.Equal(c.MessagesCount, int64(3))
		is.Equal(c.UnreadCount, int64(0))
		is.Equal(c.UnseenMessagesCount, 0)
		is.True(c.LastNonActivityMessage == nil) // only tombstones and an activity
		n, err = f.s.CountUnread(ctx, 1, agent)
		is.NoErr(err)
		is.Equal(n, 0)
		next := f.add(t, text("c"))
		is.Equal(next.Seq, activity.Seq+1) // sequence numbers go on
		is.Equal(f.conversation(t, nil).LastNonActivityMessage.ID, next.ID)
	})

	t.Run("NotFoundBySearch", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("the quince arrived"))
		f.add(t, text("another quince"))
		count := func(q string) int {
			page, err := f.s.SearchMessages(ctx, 1, store.MessageSearch{Query: q, Page: store.PageNumber(1, 10)})
			is.NoErr(err)
			return page.Meta.Total
		}
		is.Equal(count("quince"), 2)
		f.remove(t, m.ID)
		is.Equal(count("quince"), 1)  // the tombstone matches nothing
		is.Equal(count("arrived"), 0) // not even its old words
		list, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Query: "arrived", Statuses: store.AllStatuses})
		is.NoErr(err)
		is.Equal(len(list.Items), 0) // nor does its conversation, by it
	})

	t.Run("UpdateTakesOnlyStatusAndExternalError", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, convo.NewMessage{Type: convo.MessageOutgoing, Content: "sending", AuthorID: chatUser})
		f.remove(t, m.ID)
		gone := f.get(t, m.ID)
		content, private, typ := "back", true, convo.MessageIncoming
		at := f.clock.Now()
		attrs := convo.Attributes{"a": "b"}
		for field, u := range map[string]convo.MessageUpdate{
			"content":               {Content: &content},
			"private":               {Private: &private},
			"message_type":          {Type: &typ},
			"written_at":            {WrittenAt: &at},
			"additional_attributes": {AdditionalAttributes: &attrs},
		} {
			_, err := f.s.UpdateMessage(ctx, 1, m.ID, u)
			wantCode(t, err, field, convo.CodeDeleted)
		}
		is.Equal(f.get(t, m.ID), gone) // nothing written
		failed, why := convo.StatusFailed, "131026: undeliverable"
		f.clock.Advance(time.Second)
		got, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &failed, ExternalError: &why})
		is.NoErr(err) // a late receipt still lands
		is.Equal(got.Status, convo.StatusFailed)
		is.Equal(got.ExternalError, why)
		is.True(got.Deleted()) // still a tombstone
		is.Equal(got.Content, "")
		is.Equal(f.get(t, m.ID), got)
	})

	t.Run("SourceIDStaysTaken", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		in := convo.NewMessage{Type: convo.MessageIncoming, Content: "hi", SourceID: "wamid.gone"}
		m := f.add(t, in)
		f.remove(t, m.ID)
		again := f.add(t, in)           // a channel's retry
		is.Equal(again, f.get(t, m.ID)) // the tombstone: a deleted message does not come back
		is.Equal(countMessages(t, f.s, 1, f.conv.ID), 1)
	})

	t.Run("Purge", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		a := f.add(t, text("a"))
		in := text("erase me")
		in.SourceID = "wamid.erase"
		b := f.add(t, in)
		f.edit(t, b.ID, "erase me too", nil)
		f.react(t, b.ID, convo.ContactActor(), "👍")
		v := convo.Viewer{UserID: chatUser}
		before := f.conversation(t, &v)
		f.purge(t, b.ID)
		_, err := f.s.GetMessage(ctx, 1, b.ID)
		is.True(isNotFound(err)) // gone for good
		_, err = f.s.GetMessageBySourceID(ctx, 1, "wamid.erase")
		is.True(isNotFound(err)) // with its source id
		_, err = f.s.ListMessageVersions(ctx, 1, b.ID)
		is.True(isNotFound(err)) // its versions
		_, err = f.s.ListReactions(ctx, 1, b.ID, store.ReactionFilter{})
		is.True(isNotFound(err)) // and reactions
		_, err = f.s.AddReaction(ctx, 1, b.ID, convo.ContactActor(), "👍")
		is.True(isNotFound(err))
		c := f.conversation(t, &v)
		is.Equal(c.MessagesCount, before.MessagesCount-1) // no longer counted
		is.Equal(c.UnreadCount, before.UnreadCount-1)
		is.Equal(c.UnseenMessagesCount, before.UnseenMessagesCount-1)
		is.Equal(c.LastNonActivityMessage.ID, a.ID)
		is.Equal(countMessages(t, f.s, 1, f.conv.ID), 1)
		hits, err := f.s.SearchMessages(ctx, 1, store.MessageSearch{Query: "erase"})
		is.NoErr(err)
		is.Equal(len(hits.Items), 0)
		next := f.add(t, text("c"))
		is.Equal(next.Seq, b.Seq+1) // its seq is not reused
		_, err = f.s.PurgeMessage(ctx, 1, b.ID)
		is.True(isNotFound(err)) // purging twice
		_, err = f.s.PurgeMessage(ctx, 2, a.ID)
		is.True(isNotFound(err)) // another account's
		f.remove(t, a.ID)
		f.purge(t, a.ID) // a tombstone too
		is.Equal(f.conversation(t, nil).MessagesCount, int64(1))
		again := f.add(t, in) // its source id is free again
		is.True(again.ID != b.ID)
	})
}
