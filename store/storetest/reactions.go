package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// reactionKey is what ListReactions says of a reaction, without its time.
type reactionKey struct {
	Reaction string
	By       convo.Actor
}

func keysOf(rs []convo.Reaction) []reactionKey {
	out := make([]reactionKey, 0, len(rs))
	for _, r := range rs {
		out = append(out, reactionKey{r.Reaction, r.By})
	}
	return out
}

// walkReactions reads every reaction of a message f keeps by keyset
// pages of perPage.
func walkReactions(t *testing.T, s store.Store, msgID int64, f store.ReactionFilter, perPage int) []convo.Reaction {
	t.Helper()
	var out []convo.Reaction
	cursor := ""
	for range 1000 {
		f.Page = store.After(cursor, perPage)
		page, err := s.ListReactions(context.Background(), 1, msgID, f)
		if err != nil {
			t.Fatalf("list reactions of %d: %v", msgID, err)
		}
		if len(page.Items) > perPage {
			t.Fatalf("list reactions: %d items on a page of %d", len(page.Items), perPage)
		}
		out = append(out, page.Items...)
		if page.Next == "" {
			return out
		}
		cursor = page.Next
	}
	t.Fatal("list reactions: more than 1000 pages")
	return nil
}

// testReactions checks AddReaction, RemoveReaction and ListReactions, and
// the counts and own reactions messages carry.
func testReactions(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	ann, bob := convo.UserActor(chatUser), convo.UserActor(chatOther)
	contact := convo.ContactActor()

	t.Run("AddAndRemove", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("react to me"))
		is.Equal(m.Reactions, map[string]int(nil)) // none yet
		got := f.react(t, m.ID, ann, "👍")
		is.Equal(got.Reactions, map[string]int{"👍": 1})
		is.Equal(got.OwnReactions, []string(nil))                              // a write carries no viewer
		is.Equal(f.get(t, m.ID), got)                                          // stored as returned
		is.Equal(f.react(t, m.ID, ann, "👍").Reactions, map[string]int{"👍": 1}) // twice is once
		f.react(t, m.ID, bob, "👍")
		f.react(t, m.ID, contact, "👍")
		got = f.react(t, m.ID, contact, "❤️")
		is.Equal(got.Reactions, map[string]int{"👍": 3, "❤️": 1}) // users and the contact alike
		got = f.react(t, m.ID, ann, ":+1:")
		is.Equal(got.Reactions, map[string]int{"👍": 3, "❤️": 1, ":+1:": 1}) // stored as given: another reaction

		got, err := f.s.RemoveReaction(ctx, 1, m.ID, bob, "👍")
		is.NoErr(err)
		is.Equal(got.Reactions, map[string]int{"👍": 2, "❤️": 1, ":+1:": 1})
		is.Equal(f.get(t, m.ID), got)
		again, err := f.s.RemoveReaction(ctx, 1, m.ID, bob, "👍")
		is.NoErr(err)
		is.Equal(again, got) // removing what is not there changes nothing
		again, err = f.s.RemoveReaction(ctx, 1, m.ID, bob, "🎉")
		is.NoErr(err)
		is.Equal(again, got)
		for _, r := range []struct {
			by       convo.Actor
			reaction string
		}{{ann, "👍"}, {contact, "👍"}, {contact, "❤️"}, {ann, ":+1:"}} {
			got, err = f.s.RemoveReaction(ctx, 1, m.ID, r.by, r.reaction)
			is.NoErr(err)
		}
		is.Equal(got.Reactions, map[string]int(nil)) // none left: nil again
		is.Equal(f.get(t, m.ID), got)
		is.Equal(got.UpdatedAt, m.UpdatedAt) // reactions never update the message

		_, err = f.s.AddReaction(ctx, 1, m.ID+1000, ann, "👍")
		is.True(isNotFound(err)) // a missing message
		_, err = f.s.RemoveReaction(ctx, 1, m.ID+1000, ann, "👍")
		is.True(isNotFound(err))
	})

	t.Run("CountsWhereverTheMessageIsRead", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("read me everywhere zebra"))
		got := f.react(t, m.ID, contact, "🎉")
		want := map[string]int{"🎉": 1}
		full, err := f.s.GetConversation(ctx, 1, f.conv.ID, store.GetConversationOptions{Messages: 1})
		is.NoErr(err)
		is.Equal(full.Messages[0].Reactions, want)            // a get with messages
		is.Equal(full.LastNonActivityMessage.Reactions, want) // the last message
		is.Equal(f.conversation(t, nil).LastNonActivityMessage.Reactions, want)
		list, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Statuses: store.AllStatuses})
		is.NoErr(err)
		is.Equal(list.Items[0].LastNonActivityMessage.Reactions, want) // a list
		page, err := f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{})
		is.NoErr(err)
		is.Equal(page.Items[0], got) // a list of messages
		hits, err := f.s.SearchMessages(ctx, 1, store.MessageSearch{Query: "zebra"})
		is.NoErr(err)
		is.Equal(hits.Items[0].Message, got) // a search
		direct, err := f.s.GetMessage(ctx, 1, m.ID)
		is.NoErr(err)
		is.Equal(direct, got)
		_, err = f.s.RemoveReaction(ctx, 1, m.ID, contact, "🎉")
		is.NoErr(err)
		is.Equal(f.conversation(t, nil).LastNonActivityMessage.Reactions, map[string]int(nil)) // never stale
	})

	t.Run("OwnReactions", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("mine"))
		plain := f.add(t, text("nobody's"))
		for _, r := range []string{"😀", "👍", ":+1:", "a"} {
			f.react(t, m.ID, ann, r)
		}
		f.react(t, m.ID, bob, "🎉")
		f.react(t, m.ID, contact, "❤️")
		v := convo.Viewer{UserID: chatUser}
		page, err := f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{Viewer: &v})
		is.NoErr(err)
		is.Equal(page.Items[0].OwnReactions, []string{":+1:", "a", "👍", "😀"}) // the viewer's, sorted bytewise
		is.Equal(page.Items[1].OwnReactions, []string(nil))                   // none
		is.Equal(page.Items[0].Reactions, map[string]int{"😀": 1, "👍": 1, ":+1:": 1, "a": 1, "🎉": 1, "❤️": 1})
		page, err = f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{})
		is.NoErr(err)
		is.Equal(page.Items[0].OwnReactions, []string(nil)) // no viewer, no own reactions
		is.Equal(f.get(t, m.ID).OwnReactions, []string(nil))
		full, err := f.s.GetConversation(ctx, 1, f.conv.ID, store.GetConversationOptions{Messages: store.AllMessages, Viewer: &v})
		is.NoErr(err)
		is.Equal(full.Messages[0].OwnReactions, []string{":+1:", "a", "👍", "😀"}) // a get with a viewer too
		is.Equal(full.Messages[1].OwnReactions, []string(nil))
		full, err = f.s.GetConversation(ctx, 1, f.conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)
		is.Equal(full.Messages[0].OwnReactions, []string(nil)) // without, none
		hits, err := f.s.SearchMessages(ctx, 1, store.MessageSearch{Query: "mine", Viewer: &v})
		is.NoErr(err)
		is.Equal(hits.Items[0].Message.OwnReactions, []string(nil)) // a search carries none
		_, err = f.s.AddParticipants(ctx, 1, f.conv.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{chatOther}})
		is.NoErr(err)
		vb := convo.Viewer{UserID: chatOther}
		page, err = f.s.ListMessages(ctx, 1, f.conv.ID, store.MessageFilter{Viewer: &vb, Order: store.NewestFirst})
		is.NoErr(err)
		is.Equal(page.Items[1].OwnReactions, []string{"🎉"}) // each viewer their own
		is.Equal(page.Items[0].ID, plain.ID)
	})

	t.Run("MoveNoActivity", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		agent := uuid.New()
		_, err := f.s.Assign(ctx, 1, f.conv.ID, convo.Assignment{AssigneeID: agent, Quiet: true})
		is.NoErr(err)
		older := f.add(t, text("older"))
		last := f.add(t, text("last"))
		v := convo.Viewer{UserID: chatUser}
		before := f.conversation(t, &v)
		unread, err := f.s.CountUnread(ctx, 1, agent)
		is.NoErr(err)
		unseen, err := f.s.CountUnseen(ctx, 1, v)
		is.NoErr(err)
		is.True(unread > 0 && unseen > 0)
		f.clock.Advance(time.Hour)
		f.react(t, older.ID, ann, "👍")
		f.react(t, older.ID, contact, "👍")
		is.Equal(f.conversation(t, &v), before) // no activity, unread or unseen count, update time
		got := f.react(t, last.ID, contact, "🔥")
		is.Equal(got.UpdatedAt, last.UpdatedAt) // the message is not updated either
		after := f.conversation(t, &v)
		is.Equal(after.LastNonActivityMessage.Reactions, map[string]int{"🔥": 1}) // only the counts it carries
		after.LastNonActivityMessage = before.LastNonActivityMessage
		is.Equal(after, before)
		_, err = f.s.RemoveReaction(ctx, 1, older.ID, ann, "👍")
		is.NoErr(err)
		n, err := f.s.CountUnread(ctx, 1, agent)
		is.NoErr(err)
		is.Equal(n, unread)
		n, err = f.s.CountUnseen(ctx, 1, v)
		is.NoErr(err)
		is.Equal(n, unseen)
		list, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{Statuses: store.AllStatuses})
		is.NoErr(err)
		is.True(list.Items[0].LastActivityAt.Equal(before.LastActivityAt))
	})

	t.Run("Actors", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("who may react"))
		for _, tc := range []struct {
			by    convo.Actor
			field string
		}{
			{convo.SystemActor(), "by.type"},
			{convo.Actor{}, "by.type"},
			{convo.Actor{Type: "robot"}, "by.type"},
			{convo.Actor{Type: convo.SenderUser}, "by.user_id"},
			{convo.Actor{Type: convo.SenderContact, UserID: chatUser}, "by.user_id"},
		} {
			_, err := f.s.AddReaction(ctx, 1, m.ID, tc.by, "👍")
			wantInvalid(t, err, tc.field)
			_, err = f.s.RemoveReaction(ctx, 1, m.ID, tc.by, "👍")
			wantInvalid(t, err, tc.field)
		}
		is.Equal(f.get(t, m.ID).Reactions, map[string]int(nil)) // nothing written
		// Any user may react, a participant or not: the host decides who may.
		is.Equal(f.react(t, m.ID, convo.UserActor(uuid.New()), "👍").Reactions, map[string]int{"👍": 1})
	})

	t.Run("BadReaction", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("say it right"))
		for name, bad := range map[string]string{
			"Empty": "", "Space": "a b", "LeadingSpace": " 👍", "Tab": "a\tb", "Newline": "👍\n", "Control": "a\x07",
			"TooLong": strings.Repeat("x", convo.MaxReactionLength+1), "InvalidUTF8": "\xff", "NUL": "a\x00",
		} {
			_, err := f.s.AddReaction(ctx, 1, m.ID, ann, bad)
			if err == nil {
				t.Fatalf("%s: no error", name)
			}
			wantInvalid(t, err, "reaction")
			_, err = f.s.RemoveReaction(ctx, 1, m.ID, ann, bad)
			wantInvalid(t, err, "reaction")
			_, err = f.s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{Reaction: bad})
			if bad != "" {
				wantInvalid(t, err, "reaction") // "" keeps every reaction
			}
		}
		_, err := f.s.AddReaction(ctx, 1, m.ID+1000, ann, "")
		is.True(err != nil) // either error will do
		longest := strings.Repeat("x", convo.MaxReactionLength)
		for _, good := range []string{longest, "👍🏽", "👨‍👩‍👧", ":thumbs_up:", "+1"} {
			f.react(t, m.ID, ann, good)
		}
		is.Equal(len(f.get(t, m.ID).Reactions), 5)
	})

	t.Run("MaxReactionKinds", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("popular"))
		for i := range convo.MaxReactionKinds {
			_, err := f.s.AddReaction(ctx, 1, m.ID, ann, fmt.Sprintf("r%d", i))
			is.NoErr(err)
		}
		_, err := f.s.AddReaction(ctx, 1, m.ID, ann, "one-too-many")
		wantCode(t, err, "reaction", convo.CodeOutOfRange)
		got, err := f.s.AddReaction(ctx, 1, m.ID, bob, "r7") // a kind it has: fine
		is.NoErr(err)
		is.Equal(len(got.Reactions), convo.MaxReactionKinds)
		is.Equal(got.Reactions["r7"], 2)
		_, err = f.s.AddReaction(ctx, 1, m.ID, ann, "r7") // again: no change, no error
		is.NoErr(err)
		_, err = f.s.RemoveReaction(ctx, 1, m.ID, ann, "r3")
		is.NoErr(err)
		got = f.react(t, m.ID, ann, "one-too-many") // room for one again
		is.Equal(len(got.Reactions), convo.MaxReactionKinds)
		_, ok := got.Reactions["r3"]
		is.True(!ok)
	})

	t.Run("TombstoneTakesNoNewReaction", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("soon gone"))
		f.react(t, m.ID, ann, "👍")
		f.remove(t, m.ID)
		_, err := f.s.AddReaction(ctx, 1, m.ID, bob, "👍")
		wantCode(t, err, "message_id", convo.CodeDeleted)
		got, err := f.s.RemoveReaction(ctx, 1, m.ID, ann, "👍") // removing works on any message
		is.NoErr(err)
		is.Equal(got, f.get(t, m.ID))
		is.Equal(got.Reactions, map[string]int(nil))
		page, err := f.s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{})
		is.NoErr(err)
		is.Equal(len(page.Items), 0) // the tombstone's reactions are gone
	})

	t.Run("ListReactions", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, text("list them"))
		other := f.add(t, text("other"))
		f.react(t, other.ID, ann, "👍")
		// Added in this order; listed by reaction bytewise (":+1:" < "Zed" <
		// "heart" < "👍"), then in the order added.
		for _, r := range []reactionKey{{"👍", bob}, {"heart", ann}, {"👍", contact}, {"Zed", ann}, {":+1:", bob}, {"👍", ann}, {"heart", contact}} {
			f.react(t, m.ID, r.By, r.Reaction)
		}
		f.react(t, m.ID, bob, "👍") // a repeat keeps its place
		wantOrder := []reactionKey{{":+1:", bob}, {"Zed", ann}, {"heart", ann}, {"heart", contact}, {"👍", bob}, {"👍", contact}, {"👍", ann}}
		for _, perPage := range []int{1, 3, 100} {
			is.Equal(keysOf(walkReactions(t, f.s, m.ID, store.ReactionFilter{}, perPage)), wantOrder)
		}
		all := walkReactions(t, f.s, m.ID, store.ReactionFilter{}, 100)
		for _, r := range all {
			is.Equal(r.MessageID, m.ID)
			is.True(r.CreatedAt.After(m.CreatedAt)) // when it was added
		}
		is.Equal(all[4].CreatedAt, m.CreatedAt.Add(3*time.Second)) // the first added, by the clock; a repeat kept it

		thumbs := walkReactions(t, f.s, m.ID, store.ReactionFilter{Reaction: "👍"}, 2)
		is.Equal(keysOf(thumbs), wantOrder[4:]) // one reaction's

		page, err := f.s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{Page: store.PageNumber(2, 3)})
		is.NoErr(err)
		is.Equal(page.Meta, store.PageMeta{CurrentPage: 2, From: 4, To: 6, LastPage: 3, PerPage: 3, Total: 7})
		is.Equal(keysOf(page.Items), wantOrder[3:6])
		page, err = f.s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{Reaction: "heart", Page: store.PageNumber(1, 10)})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 2)

		// Removed and added again: added last.
		_, err = f.s.RemoveReaction(ctx, 1, m.ID, bob, "👍")
		is.NoErr(err)
		f.react(t, m.ID, bob, "👍")
		is.Equal(keysOf(walkReactions(t, f.s, m.ID, store.ReactionFilter{Reaction: "👍"}, 10)),
			[]reactionKey{{"👍", contact}, {"👍", ann}, {"👍", bob}})

		// A cursor belongs to its list.
		first, err := f.s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{Page: store.After("", 1)})
		is.NoErr(err)
		_, err = f.s.ListReactions(ctx, 1, other.ID, store.ReactionFilter{Page: store.After(first.Next, 1)})
		wantInvalid(t, err, "cursor") // another message's
		_, err = f.s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{Reaction: "👍", Page: store.After(first.Next, 1)})
		wantInvalid(t, err, "cursor") // another filter's
		_, err = f.s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{Page: store.After("garbage", 1)})
		wantInvalid(t, err, "cursor")

		none, err := f.s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{Reaction: "🦄"})
		is.NoErr(err)
		is.Equal(len(none.Items), 0)
		_, err = f.s.ListReactions(ctx, 1, m.ID+1000, store.ReactionFilter{})
		is.True(isNotFound(err))
		_, err = f.s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{Page: store.PageNumber(1, store.MaxPerPage+1)})
		wantInvalid(t, err, "per_page")
	})
}
