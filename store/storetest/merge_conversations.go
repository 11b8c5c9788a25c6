package storetest

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/store"
)

// testMergeConversations proves MergeConversations: what moves, what is
// united and recounted, the redirect of the merged id, and the refusals.
func testMergeConversations(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	// pair is a contact with two conversations: keep with three messages,
	// merge with two, the first incoming.
	type pair struct {
		s           store.Store
		clock       *feedClock
		contact     convo.Contact
		keep, merge convo.Conversation
		kept, moved []convo.Message
	}
	newPair := func(t *testing.T, keepIn, mergeIn convo.NewConversation) pair {
		t.Helper()
		clock := newFeedClock()
		s := newStore(t, clock.Now)
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada"})
		p := pair{s: s, clock: clock, contact: c}
		for _, in := range []*convo.NewConversation{&keepIn, &mergeIn} {
			in.ContactID, in.Channel, in.HappenedAt = c.ID, convo.ChannelEmail, clock.Now()
		}
		var err error
		if p.keep, err = s.CreateConversation(ctx, 1, keepIn); err != nil {
			t.Fatal(err)
		}
		if p.merge, err = s.CreateConversation(ctx, 1, mergeIn); err != nil {
			t.Fatal(err)
		}
		for i, content := range []string{"k1", "k2", "k3"} {
			clock.Advance(time.Second)
			typ := convo.MessageOutgoing
			if i == 0 {
				typ = convo.MessageIncoming
			}
			p.kept = append(p.kept, mustAddMessage(t, s, 1, p.keep.ID, convo.NewMessage{Type: typ, Content: content}))
		}
		for i, content := range []string{"m1 invoice", "m2"} {
			clock.Advance(time.Second)
			typ := convo.MessageOutgoing
			if i == 0 {
				typ = convo.MessageIncoming
			}
			p.moved = append(p.moved, mustAddMessage(t, s, 1, p.merge.ID, convo.NewMessage{Type: typ, Content: content}))
		}
		clock.Advance(time.Second)
		return p
	}
	mergeOf := func(t *testing.T, p pair) convo.Conversation {
		t.Helper()
		c, err := p.s.MergeConversations(ctx, 1, p.keep.ID, p.merge.ID)
		if err != nil {
			t.Fatalf("merge: %v", err)
		}
		return c
	}

	t.Run("MovesMessagesAfterItsOwn", func(t *testing.T) {
		is := is.New(t)
		p := newPair(t, convo.NewConversation{}, convo.NewConversation{})
		c := mergeOf(t, p)
		page, err := p.s.ListMessages(ctx, 1, p.keep.ID, store.MessageFilter{Page: store.After("", 100)})
		is.NoErr(err)
		is.Equal(len(page.Items), 6) // three kept, two moved, the activity message
		for i, m := range p.kept {
			is.Equal(page.Items[i], m) // the kept ones unchanged
		}
		for i, m := range p.moved {
			got := page.Items[3+i]
			is.Equal(got.ID, m.ID) // the same message, its id, times and content kept
			is.Equal(got.Seq, 3+m.Seq)
			is.Equal(got.ConversationID, p.keep.ID)
			is.Equal(got.Content, m.Content)
			is.True(got.CreatedAt.Equal(m.CreatedAt))
		}
		activity := page.Items[5]
		is.Equal(activity.Type, convo.MessageActivity)
		is.Equal(activity.Content, convo.ActivityMerge(p.merge.ID))
		is.Equal(c.MessagesCount, int64(6))
		is.Equal(c.LastSeq, activity.Seq)
		is.Equal(c.LastNonActivityMessage.ID, p.moved[1].ID)
		is.Equal(c.UnreadCount, int64(2)) // an incoming message of each, never read
		got, err := p.s.GetMessage(ctx, 1, p.moved[0].ID)
		is.NoErr(err)
		is.Equal(got.ConversationID, p.keep.ID)

		hits, err := p.s.SearchMessages(ctx, 1, store.MessageSearch{Query: "invoice"})
		is.NoErr(err)
		is.Equal(len(hits.Items), 1)
		is.Equal(hits.Items[0].ConversationID, p.keep.ID) // search follows
		within, err := p.s.SearchMessages(ctx, 1, store.MessageSearch{Query: "invoice", ConversationID: p.keep.ID})
		is.NoErr(err)
		is.Equal(len(within.Items), 1) // a search within the kept conversation finds the moved message
		_, err = p.s.SearchMessages(ctx, 1, store.MessageSearch{Query: "invoice", ConversationID: p.merge.ID})
		is.True(errors.Is(err, convo.ErrNotFound)) // the merged conversation is gone
		counts, err := p.s.CountConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(counts.All, 1) // the merged one is gone
	})

	t.Run("UnitesLabelsAndParticipants", func(t *testing.T) {
		is := is.New(t)
		u1, u2 := uuid.MustParse("00000000-0000-4000-8000-000000000001"), uuid.MustParse("00000000-0000-4000-8000-000000000002")
		p := newPair(t,
			convo.NewConversation{Labels: []string{"billing"}, UserIDs: []uuid.UUID{u1}, Status: convo.StatusPending, Priority: convo.PriorityHigh},
			convo.NewConversation{Labels: []string{"billing", "vip"}, UserIDs: []uuid.UUID{u2}, AudienceIDs: []int64{7}})
		c := mergeOf(t, p)
		is.Equal(c.Labels, []string{"billing", "vip"})
		is.Equal(c.UserIDs, []uuid.UUID{u1, u2})
		is.Equal(c.AudienceIDs, []int64{7})
		is.Equal(c.Status, convo.StatusPending) // the kept conversation's own fields stay
		is.Equal(c.Priority, convo.PriorityHigh)
		vip, err := p.s.CountConversations(ctx, 1, store.ConversationFilter{Labels: []string{"vip"}, Statuses: store.AllStatuses})
		is.NoErr(err)
		is.Equal(vip.All, 1)
	})

	t.Run("ReadHorizons", func(t *testing.T) {
		is := is.New(t)
		all, half := uuid.MustParse("00000000-0000-4000-8000-0000000000a1"), uuid.MustParse("00000000-0000-4000-8000-0000000000b2")
		p := newPair(t, convo.NewConversation{UserIDs: []uuid.UUID{all, half}}, convo.NewConversation{UserIDs: []uuid.UUID{all, half}})
		for _, mark := range []struct {
			user uuid.UUID
			conv int64
			msg  int64
		}{
			{all, p.keep.ID, p.kept[2].ID}, {all, p.merge.ID, p.moved[0].ID}, // all of keep, half of merge
			{half, p.keep.ID, p.kept[0].ID}, {half, p.merge.ID, p.moved[1].ID}, // a third of keep, all of merge
		} {
			_, err := p.s.MarkSeen(ctx, 1, mark.conv, convo.Viewer{UserID: mark.user}, mark.msg)
			is.NoErr(err)
		}
		mergeOf(t, p)
		unseen := func(u uuid.UUID) int {
			c, err := p.s.GetConversation(ctx, 1, p.keep.ID, store.GetConversationOptions{Viewer: &convo.Viewer{UserID: u}})
			is.NoErr(err)
			n, err := p.s.CountUnseen(ctx, 1, convo.Viewer{UserID: u})
			is.NoErr(err)
			is.Equal(n, c.UnseenMessagesCount) // the total agrees
			return c.UnseenMessagesCount
		}
		is.Equal(unseen(all), 1)  // read on into the moved messages as far as in merge
		is.Equal(unseen(half), 4) // keep's horizon: two of keep and both moved
	})

	t.Run("MergedIDSaysWhereItWent", func(t *testing.T) {
		is := is.New(t)
		p := newPair(t, convo.NewConversation{}, convo.NewConversation{})
		mergeOf(t, p)
		_, err := p.s.GetConversation(ctx, 1, p.merge.ID, store.GetConversationOptions{})
		var me *convo.MergedError
		is.True(errors.As(err, &me))
		is.Equal(*me, convo.MergedError{ConversationID: p.merge.ID, IntoID: p.keep.ID})
		is.True(errors.Is(err, convo.ErrNotFound)) // a not-found to callers that know only that
		is.True(errors.Is(err, convo.ErrMerged))
		_, err = p.s.ListMessages(ctx, 1, p.merge.ID, store.MessageFilter{})
		is.True(errors.As(err, &me))
		is.Equal(me.IntoID, p.keep.ID)
		_, err = p.s.ChangeStatus(ctx, 1, p.merge.ID, convo.StatusChange{Status: convo.StatusResolved})
		is.True(isNotFound(err)) // a write to it is not found

		// Merged on in turn: the redirect follows.
		third := mustCreateConversation(t, p.s, 1, p.contact.ID)
		_, err = p.s.MergeConversations(ctx, 1, third.ID, p.keep.ID)
		is.NoErr(err)
		_, err = p.s.GetConversation(ctx, 1, p.merge.ID, store.GetConversationOptions{})
		is.True(errors.As(err, &me))
		is.Equal(me.IntoID, third.ID)
		_, err = p.s.GetConversation(ctx, 2, p.merge.ID, store.GetConversationOptions{})
		is.True(isNotFound(err) && !errors.Is(err, convo.ErrMerged)) // not another account's

		// Gone with the conversation it went to.
		_, err = p.s.DeleteConversation(ctx, 1, third.ID)
		is.NoErr(err)
		_, err = p.s.GetConversation(ctx, 1, p.merge.ID, store.GetConversationOptions{})
		is.True(isNotFound(err) && !errors.Is(err, convo.ErrMerged))
	})

	t.Run("RepliesAndReactionsFollow", func(t *testing.T) {
		is := is.New(t)
		p := newPair(t, convo.NewConversation{}, convo.NewConversation{})
		reply := mustAddMessage(t, p.s, 1, p.merge.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "re", ReplyToID: p.moved[0].ID})
		_, err := p.s.AddReaction(ctx, 1, p.moved[0].ID, convo.ContactActor(), "👍")
		is.NoErr(err)
		mergeOf(t, p)
		replies, err := p.s.ListReplies(ctx, 1, p.moved[0].ID, store.MessageFilter{})
		is.NoErr(err)
		is.Equal(len(replies.Items), 1)
		is.Equal(replies.Items[0].ID, reply.ID)
		is.Equal(replies.Items[0].ConversationID, p.keep.ID)
		parent, err := p.s.GetMessage(ctx, 1, p.moved[0].ID)
		is.NoErr(err)
		is.Equal(parent.ReplyCount, 1)
		is.Equal(parent.Reactions, map[string]int{"👍": 1})
		// The moved messages take replies in their new conversation.
		mustAddMessage(t, p.s, 1, p.keep.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "again", ReplyToID: p.moved[0].ID})
	})

	t.Run("Refused", func(t *testing.T) {
		is := is.New(t)
		p := newPair(t, convo.NewConversation{}, convo.NewConversation{})
		other := mustCreateContact(t, p.s, 1, convo.NewContact{FirstName: "Bob"})
		elsewhere := mustCreateConversation(t, p.s, 1, other.ID)
		c2 := mustCreateContact(t, p.s, 2, convo.NewContact{FirstName: "Mallory"})
		foreign := mustCreateConversation(t, p.s, 2, c2.ID)
		before, err := p.s.GetConversation(ctx, 1, p.keep.ID, store.GetConversationOptions{Messages: 10})
		is.NoErr(err)

		_, err = p.s.MergeConversations(ctx, 1, p.keep.ID, p.keep.ID)
		is.True(invalidOn(err, "merge_id")) // itself
		_, err = p.s.MergeConversations(ctx, 1, p.keep.ID, elsewhere.ID)
		is.True(invalidOn(err, "merge_id")) // another contact's
		_, err = p.s.MergeConversations(ctx, 1, p.keep.ID, 1<<40)
		is.True(isNotFound(err))
		_, err = p.s.MergeConversations(ctx, 1, 1<<40, p.merge.ID)
		is.True(isNotFound(err))
		_, err = p.s.MergeConversations(ctx, 1, p.keep.ID, foreign.ID)
		is.True(isNotFound(err)) // another account's

		after, err := p.s.GetConversation(ctx, 1, p.keep.ID, store.GetConversationOptions{Messages: 10})
		is.NoErr(err)
		is.Equal(after, before) // nothing written
		_, err = p.s.GetConversation(ctx, 1, p.merge.ID, store.GetConversationOptions{})
		is.NoErr(err)
	})

	// exportOfPair is every record of account 1 of p's store.
	exportOfPair := func(t *testing.T, s store.Store) []store.Record {
		t.Helper()
		var recs []store.Record
		if err := s.Export(ctx, 1, func(r store.Record) error { recs = append(recs, r); return nil }); err != nil {
			t.Fatalf("export: %v", err)
		}
		return recs
	}
	mergedInto := func(t *testing.T, s store.Store, id int64) (convo.MergedError, bool) {
		t.Helper()
		_, err := s.GetConversation(ctx, 1, id, store.GetConversationOptions{})
		var me *convo.MergedError
		if !errors.As(err, &me) {
			return convo.MergedError{}, false
		}
		_, err = s.ListMessages(ctx, 1, id, store.MessageFilter{})
		var again *convo.MergedError
		if !errors.As(err, &again) || *again != *me {
			t.Errorf("ListMessages of %d: %v, GetConversation: %v", id, err, me)
		}
		return *me, true
	}

	t.Run("Export/RedirectLast", func(t *testing.T) {
		is := is.New(t)
		p := newPair(t, convo.NewConversation{}, convo.NewConversation{})
		third := mustCreateConversation(t, p.s, 1, p.contact.ID)
		_, err := p.s.SaveView(ctx, 1, store.View{Name: "Open", Conditions: []store.Condition{
			{Attribute: "status", Operator: store.OpEqualTo, Values: []string{"open"}}}})
		is.NoErr(err)
		// third into merge, then merge into keep: the older redirect moves on.
		first := p.clock.Now()
		_, err = p.s.MergeConversations(ctx, 1, p.merge.ID, third.ID)
		is.NoErr(err)
		p.clock.Advance(time.Minute)
		second := p.clock.Now()
		mergeOf(t, p)

		recs := exportOfPair(t, p.s)
		var kinds []string
		for _, r := range recs {
			if k := r.Kind(); len(kinds) == 0 || kinds[len(kinds)-1] != k {
				kinds = append(kinds, k)
			}
		}
		is.True(len(kinds) >= 2)
		is.Equal(kinds[len(kinds)-2:], []string{store.KindView, store.KindRedirect}) // redirects last, after views
		is.True(len(recs) >= 2)
		got := []store.Redirect{*recs[len(recs)-2].Redirect, *recs[len(recs)-1].Redirect}
		want := []store.Redirect{
			{ConversationID: p.merge.ID, IntoID: p.keep.ID, MergedAt: second},
			{ConversationID: third.ID, IntoID: p.keep.ID, MergedAt: first},
		}
		if third.ID < p.merge.ID {
			want[0], want[1] = want[1], want[0]
		}
		for i := range got {
			is.Equal(got[i].ConversationID, want[i].ConversationID) // by merged id
			is.Equal(got[i].IntoID, want[i].IntoID)                 // where it is now
			is.True(got[i].MergedAt.Equal(want[i].MergedAt))        // when it was merged
		}
		is.Equal(store.Record{Redirect: &got[0]}.WithDefaults(time.Time{}).Validate(), nil) // a record Import takes
		is.Equal(exportOfPair(t, newStore(t, p.clock.Now)), []store.Record(nil))            // none without a merge
	})

	t.Run("Import/Redirect", func(t *testing.T) {
		is := is.New(t)
		p := newPair(t, convo.NewConversation{}, convo.NewConversation{})
		mergeOf(t, p)
		recs := exportOfPair(t, p.s)

		dst := newStore(t, p.clock.Now)
		stats, err := dst.Import(ctx, 1, recordsOf(recs), store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats.Redirects, 1)
		me, ok := mergedInto(t, dst, p.merge.ID)
		is.True(ok) // the merged id reads as merged, not plain not-found
		is.Equal(me, convo.MergedError{ConversationID: p.merge.ID, IntoID: p.keep.ID})
		is.Equal(exportOfPair(t, dst), recs) // read back exactly

		again, err := dst.Import(ctx, 1, recordsOf(recs), store.ImportOptions{})
		is.NoErr(err)
		is.Equal(again.Redirects, 0)
		is.Equal(again.Unchanged, len(recs)) // importing twice changes nothing
		is.Equal(exportOfPair(t, dst), recs)
	})

	t.Run("Import/RedirectThroughJSONL", func(t *testing.T) {
		is := is.New(t)
		p := newPair(t, convo.NewConversation{}, convo.NewConversation{})
		mergeOf(t, p)
		data := exportBytes(t, p.s, 1)
		is.True(bytes.Contains(data, []byte(`"type":"conversation_redirect"`))) // a line of its own
		dst := newStore(t, p.clock.Now)
		_, err := jsonl.Import(ctx, bytes.NewReader(data), dst, 1, store.ImportOptions{})
		is.NoErr(err)
		me, ok := mergedInto(t, dst, p.merge.ID)
		is.True(ok)
		is.Equal(me.IntoID, p.keep.ID)
		is.Equal(exportBytes(t, dst, 1), data)
	})

	t.Run("Import/RedirectNewIDs", func(t *testing.T) {
		is := is.New(t)
		p := newPair(t, convo.NewConversation{}, convo.NewConversation{})
		mergeOf(t, p)
		recs := exportOfPair(t, p.s)
		dst := newStore(t, p.clock.Now)
		other := mustCreateContact(t, dst, 2, convo.NewContact{FirstName: "Bob"}) // ids taken in another account
		for range 3 {
			mustCreateConversation(t, dst, 2, other.ID)
		}
		stats, err := dst.Import(ctx, 1, recordsOf(recs), store.ImportOptions{NewIDs: true})
		is.NoErr(err)
		is.Equal(stats.Redirects, 1)
		kept := stats.ConversationIDs[p.keep.ID]
		is.True(kept != p.keep.ID) // a new id
		me, ok := mergedInto(t, dst, p.merge.ID)
		is.True(ok)               // the merged id as given
		is.Equal(me.IntoID, kept) // into_id follows the id map
	})

	t.Run("Import/RedirectRefused", func(t *testing.T) {
		is := is.New(t)
		p := newPair(t, convo.NewConversation{}, convo.NewConversation{})
		mergeOf(t, p)
		recs := exportOfPair(t, p.s)
		redirect := *recs[len(recs)-1].Redirect
		dst := newStore(t, p.clock.Now)
		_, err := dst.Import(ctx, 1, recordsOf(recs), store.ImportOptions{})
		is.NoErr(err)
		live := mustCreateConversation(t, dst, 1, p.contact.ID)
		is.True(live.ID > p.merge.ID) // the merged id is not handed out again
		c2 := mustCreateContact(t, dst, 2, convo.NewContact{FirstName: "Mallory"})
		foreign := mustCreateConversation(t, dst, 2, c2.ID)
		imp := func(change func(*store.Redirect)) error {
			x := redirect
			change(&x)
			_, err := dst.Import(ctx, 1, recordsOf([]store.Record{{Redirect: &x}}), store.ImportOptions{})
			return err
		}
		const other = 1 << 41 // a merged id no redirect has

		err = imp(func(x *store.Redirect) { x.ConversationID, x.IntoID = other, 1<<40 })
		is.True(isNotFound(err))                                                                             // into a missing conversation
		is.True(strings.Contains(err.Error(), "conversation 1099511627776"))                                 // named
		is.True(isNotFound(imp(func(x *store.Redirect) { x.ConversationID, x.IntoID = other, foreign.ID }))) // into another account's
		is.True(isConflict(imp(func(x *store.Redirect) { x.ConversationID = live.ID })))                     // of a live conversation
		is.True(invalidOn(imp(func(x *store.Redirect) { x.ConversationID = x.IntoID }), "line 1: conversation_redirects.into_id"))
		_, ok := mergedInto(t, dst, other)
		is.True(!ok) // the failures wrote nothing
		_, ok = mergedInto(t, dst, live.ID)
		is.True(!ok)

		stats, err := dst.Import(ctx, 1, recordsOf([]store.Record{{Redirect: &redirect}}), store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats.Unchanged, 1)                                                                   // stored as given
		is.True(isConflict(imp(func(x *store.Redirect) { x.IntoID = live.ID })))                       // stored into another
		is.True(isConflict(imp(func(x *store.Redirect) { x.MergedAt = x.MergedAt.Add(time.Second) }))) // stored at another time
		me, ok := mergedInto(t, dst, p.merge.ID)
		is.True(ok)
		is.Equal(me.IntoID, p.keep.ID) // as first imported
	})

	t.Run("Feed", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, newStore)
		mustAddMessage(t, f.s, 1, f.conv.ID, text("kept"))
		merge, err := f.s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: f.contact.ID, Channel: convo.ChannelEmail,
			HappenedAt: f.clock.Now(), Labels: []string{"vip"}})
		is.NoErr(err)
		a := mustAddMessage(t, f.s, 1, merge.ID, text("a"))
		b := mustAddMessage(t, f.s, 1, merge.ID, text("b"))
		var kept convo.Conversation
		got := f.during(t, func() {
			kept, err = f.s.MergeConversations(ctx, 1, f.conv.ID, merge.ID)
			is.NoErr(err)
		})
		moved := func(m convo.Message) entry {
			return entry{Kind: store.MessageUpdated, Conversation: f.conv.ID, Message: m.ID, Fields: fields("conversation_id", "seq")}
		}
		newest, err := f.s.ListMessages(ctx, 1, kept.ID, store.MessageFilter{Order: store.NewestFirst, Page: store.After("", 1)})
		is.NoErr(err)
		activity := newest.Items[0]
		is.Equal(activity.Type, convo.MessageActivity)
		want(t, got, moved(a), moved(b), convUpdated(f.conv, "labels"), created(activity),
			entry{Kind: store.ConversationDeleted, Contact: f.contact.ID, Conversation: merge.ID})
	})
}
