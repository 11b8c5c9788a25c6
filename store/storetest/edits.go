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

// testEdits checks the edit history UpdateMessage keeps of a message's
// content, and ListMessageVersions.
func testEdits(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("VersionsAreKept", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("helo"))
		is.Equal(m.EditCount, 0)
		is.True(m.EditedAt.IsZero())
		first := f.edit(t, m.ID, "hello", nil)
		t1 := f.clock.Now()
		is.Equal(first.Content, "hello")
		is.Equal(first.EditCount, 1)
		is.Equal(first.EditedAt, t1)  // the call's time
		is.Equal(first.UpdatedAt, t1) // an edit updates the message
		is.Equal(f.get(t, m.ID), first)
		editor := convo.UserActor(uuid.New())
		second := f.edit(t, m.ID, "hello there", &editor)
		t2 := f.clock.Now()
		is.Equal(second.EditCount, 2)
		is.Equal(second.EditedAt, t2)
		is.Equal(second.CreatedAt, m.CreatedAt) // the message's times stay
		is.Equal(second.WrittenAt, m.WrittenAt)
		bot := convo.SystemActor()
		f.edit(t, m.ID, "hello there!", &bot) // the system may edit
		t3 := f.clock.Now()
		versions, err := f.s.ListMessageVersions(ctx, 1, m.ID)
		is.NoErr(err)
		is.Equal(versions, []convo.MessageVersion{ // oldest first, each the content it replaced
			{MessageID: m.ID, Version: 1, Content: "helo", EditedAt: t1, EditedBy: convo.ContactActor()}, // the sender by default
			{MessageID: m.ID, Version: 2, Content: "hello", EditedAt: t2, EditedBy: editor},
			{MessageID: m.ID, Version: 3, Content: "hello there", EditedAt: t3, EditedBy: bot},
		})
		page, err := f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{})
		is.NoErr(err)
		is.Equal(page.Items[0], f.get(t, m.ID)) // a list reads the edit too
		is.Equal(page.Items[0].Content, "hello there!")

		// A user's message: the author edits by default.
		author := uuid.New()
		out := f.add(t, convo.NewMessage{Type: convo.MessageOutgoing, Content: "sent", AuthorID: author})
		f.edit(t, out.ID, "sent, fixed", nil)
		versions, err = f.s.ListMessageVersions(ctx, 1, out.ID)
		is.NoErr(err)
		is.Equal(len(versions), 1)
		is.Equal(versions[0].EditedBy, convo.UserActor(author))
	})

	t.Run("SameContentIsNoEdit", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, convo.NewMessage{Type: convo.MessageOutgoing, Content: "as is", AuthorID: chatUser})
		f.clock.Advance(time.Second)
		same := "as is"
		got, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &same})
		is.NoErr(err)
		is.Equal(got.Content, "as is")
		is.Equal(got.EditCount, 0) // the same content is no edit
		is.True(got.EditedAt.IsZero())
		delivered := convo.StatusDelivered
		got, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &same, Status: &delivered})
		is.NoErr(err)
		is.Equal(got.EditCount, 0) // a status is no edit
		is.True(got.EditedAt.IsZero())
		private := true
		got, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Private: &private, EditedBy: &convo.Actor{Type: convo.SenderSystem}})
		is.NoErr(err)
		is.Equal(got.EditCount, 0) // nor is any other field, whoever makes it
		versions, err := f.s.ListMessageVersions(ctx, 1, m.ID)
		is.NoErr(err)
		is.Equal(len(versions), 0) // never edited: no versions
	})

	t.Run("BadEditor", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("original"))
		content := "changed"
		for _, tc := range []struct {
			by    convo.Actor
			field string
		}{
			{convo.Actor{}, "edited_by.type"},
			{convo.Actor{Type: "robot"}, "edited_by.type"},
			{convo.Actor{Type: convo.SenderUser}, "edited_by.user_id"},
			{convo.Actor{Type: convo.SenderSystem, UserID: chatUser}, "edited_by.user_id"},
		} {
			_, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &content, EditedBy: &tc.by})
			wantInvalid(t, err, tc.field)
		}
		is.Equal(f.get(t, m.ID), m) // nothing written
	})

	t.Run("MaxEdits", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("v0"))
		for i := 1; i <= convo.MaxEdits; i++ {
			content := fmt.Sprintf("v%d", i)
			_, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &content})
			is.NoErr(err)
		}
		before := f.get(t, m.ID)
		is.Equal(before.EditCount, convo.MaxEdits)
		content := "one edit too many"
		_, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &content})
		wantCode(t, err, "content", convo.CodeOutOfRange)
		is.Equal(f.get(t, m.ID), before) // nothing written
		versions, err := f.s.ListMessageVersions(ctx, 1, m.ID)
		is.NoErr(err)
		is.Equal(len(versions), convo.MaxEdits)
		is.Equal(versions[convo.MaxEdits-1].Content, fmt.Sprintf("v%d", convo.MaxEdits-1))
		delivered := convo.StatusDelivered
		_, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &delivered})
		is.NoErr(err) // other fields still change
	})

	t.Run("SearchFindsTheCurrentContentOnly", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("the quince arrived"))
		f.edit(t, m.ID, "the medlar arrived", nil)
		count := func(q string) int {
			page, err := f.s.SearchMessages(ctx, 1, store.MessageSearch{Query: q, Page: store.PageNumber(1, 10)})
			is.NoErr(err)
			return page.Meta.Total
		}
		is.Equal(count("quince"), 0) // an old version matches nothing
		is.Equal(count("medlar"), 1)
	})

	t.Run("ListMessageVersions/NotFound", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("mine"))
		_, err := f.s.ListMessageVersions(ctx, 1, m.ID+1000)
		is.True(isNotFound(err))
		_, err = f.s.ListMessageVersions(ctx, 2, m.ID)
		is.True(isNotFound(err)) // another account's
		_, err = f.s.ListMessageVersions(ctx, 1, 0)
		is.True(err != nil)
	})
}
