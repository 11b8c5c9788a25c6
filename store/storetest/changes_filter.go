package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// feedScene is a fixture with changes of every common kind in three
// conversations: a (user u takes part), b (audience 7 does) and the
// fixture's own, c, nobody's.
type feedScene struct {
	*feedFixture
	u    uuid.UUID
	a, b convo.Conversation
	all  []store.Change // every change of account 1, oldest first
}

func newScene(t *testing.T, newStore NewStore) *feedScene {
	t.Helper()
	ctx := context.Background()
	f := newFeed(t, newStore)
	sc := &feedScene{feedFixture: f, u: uuid.New()}
	var err error
	sc.a, err = f.s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: f.contact.ID, Channel: convo.ChannelEmail,
		HappenedAt: f.clock.Now(), UserIDs: []uuid.UUID{sc.u}})
	if err != nil {
		t.Fatal(err)
	}
	sc.b, err = f.s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: f.contact.ID, Channel: convo.ChannelEmail,
		HappenedAt: f.clock.Now(), AudienceIDs: []int64{7}})
	if err != nil {
		t.Fatal(err)
	}
	for i, conv := range []convo.Conversation{sc.a, sc.b, f.conv} {
		f.clock.Advance(time.Second)
		m1 := mustAddMessage(t, f.s, 1, conv.ID, text("first"))
		m2 := mustAddMessage(t, f.s, 1, conv.ID, text("second"))
		if _, err := f.s.ChangeStatus(ctx, 1, conv.ID, convo.StatusChange{Status: convo.StatusResolved}); err != nil {
			t.Fatal(err)
		}
		content := "second, edited"
		if _, err := f.s.UpdateMessage(ctx, 1, m2.ID, convo.MessageUpdate{Content: &content}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.PurgeMessage(ctx, 1, m1.ID); err != nil { // a MessageDeleted
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := f.s.MarkSeen(ctx, 1, conv.ID, convo.Viewer{UserID: sc.u}, m2.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	name := "Renamed"
	if _, err := f.s.UpdateContact(ctx, 1, f.contact.ID, convo.ContactUpdate{FirstName: &name}); err != nil {
		t.Fatal(err)
	}
	mustCreateContact(t, f.s, 1, convo.NewContact{FirstName: "Another"})
	sc.all = readAll(t, f.s, 1, 0, store.ChangeFilter{})
	return sc
}

// keep returns the changes of all that keep says to keep.
func keep(all []store.Change, keep func(store.Change) bool) []store.Change {
	var out []store.Change
	for _, c := range all {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// samePositions checks that got holds the changes of want: the same
// positions, saying the same.
func samePositions(t *testing.T, got, want []store.Change) {
	t.Helper()
	pos := func(cs []store.Change) []int64 {
		out := make([]int64, 0, len(cs))
		for _, c := range cs {
			out = append(out, c.Position)
		}
		return out
	}
	if !slices.Equal(pos(got), pos(want)) || !sameEntries(entriesOf(got), entriesOf(want)) {
		t.Fatalf("changes:\n got  %v %v\n want %v %v", pos(got), entriesOf(got), pos(want), entriesOf(want))
	}
}

// testChangeFilters checks ChangeFilter, paging, FromNow, bad input,
// accounts, the times of changes and the messages they carry.
func testChangeFilters(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("Scene", func(t *testing.T) {
		// What the other tests filter: 3 conversations' creations, 5
		// changes in each (2 messages, a status change with its activity
		// message, an edit, a deletion), a read state, 3 contact changes.
		is := is.New(t)
		sc := newScene(t, newStore)
		counts := map[store.ChangeKind]int{}
		for _, c := range sc.all {
			counts[c.Kind]++
			checkMessage(t, sc.s, c)
		}
		is.Equal(counts, map[store.ChangeKind]int{
			store.ContactCreated: 2, store.ContactUpdated: 1, store.ConversationCreated: 3,
			store.MessageCreated: 9, store.ConversationUpdated: 3, store.MessageUpdated: 3,
			store.MessageDeleted: 3, store.ReadStateUpdated: 1,
		})
	})

	t.Run("ConversationID", func(t *testing.T) {
		sc := newScene(t, newStore)
		for _, conv := range []convo.Conversation{sc.a, sc.b, sc.conv} {
			got := readAll(t, sc.s, 1, 0, store.ChangeFilter{ConversationID: conv.ID})
			// Its own, its messages' and its read states'.
			samePositions(t, got, keep(sc.all, func(c store.Change) bool { return c.ConversationID == conv.ID }))
		}
		got := readAll(t, sc.s, 1, 0, store.ChangeFilter{ConversationID: sc.b.ID + 1000})
		is.New(t).Equal(len(got), 0) // a conversation that does not exist: nothing
	})

	t.Run("Kinds", func(t *testing.T) {
		sc := newScene(t, newStore)
		for _, kinds := range [][]store.ChangeKind{
			{store.MessageCreated},
			{store.ContactUpdated, store.MessageDeleted, store.ReadStateUpdated},
			store.ChangeKinds,
		} {
			got := readAll(t, sc.s, 1, 0, store.ChangeFilter{Kinds: kinds})
			samePositions(t, got, keep(sc.all, func(c store.Change) bool { return slices.Contains(kinds, c.Kind) }))
		}
		got := readAll(t, sc.s, 1, 0, store.ChangeFilter{Kinds: []store.ChangeKind{store.MessageUpdated}, ConversationID: sc.a.ID})
		samePositions(t, got, keep(sc.all, func(c store.Change) bool {
			return c.Kind == store.MessageUpdated && c.ConversationID == sc.a.ID
		})) // both filters at once
		is.New(t).Equal(len(got), 1)
	})

	t.Run("Viewer", func(t *testing.T) {
		is := is.New(t)
		sc := newScene(t, newStore)
		of := func(conv convo.Conversation) []store.Change {
			return keep(sc.all, func(c store.Change) bool { return c.ConversationID == conv.ID })
		}
		user := convo.Viewer{UserID: sc.u}
		got := readAll(t, sc.s, 1, 0, store.ChangeFilter{Viewer: &user})
		samePositions(t, got, of(sc.a)) // a's only: no contact changes, nothing of b or c
		member := convo.Viewer{UserID: uuid.New(), AudienceIDs: []int64{3, 7}}
		got = readAll(t, sc.s, 1, 0, store.ChangeFilter{Viewer: &member})
		samePositions(t, got, of(sc.b)) // through an audience
		stranger := convo.Viewer{UserID: uuid.New(), AudienceIDs: []int64{8}}
		got = readAll(t, sc.s, 1, 0, store.ChangeFilter{Viewer: &stranger})
		is.Equal(len(got), 0) // takes part in nothing
		got = readAll(t, sc.s, 1, 0, store.ChangeFilter{Viewer: &user, Kinds: []store.ChangeKind{store.ReadStateUpdated}})
		is.Equal(len(got), 1) // with other filters

		// As the conversations stand when the feed is read: u leaves a, and
		// a's changes, older ones included, are no longer u's.
		_, err := sc.s.RemoveParticipants(ctx, 1, sc.a.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{sc.u}})
		is.NoErr(err)
		got = readAll(t, sc.s, 1, 0, store.ChangeFilter{Viewer: &user})
		is.Equal(len(got), 0)
		_, err = sc.s.AddParticipants(ctx, 1, sc.conv.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{sc.u}})
		is.NoErr(err)
		all := readAll(t, sc.s, 1, 0, store.ChangeFilter{})
		got = readAll(t, sc.s, 1, 0, store.ChangeFilter{Viewer: &user})
		samePositions(t, got, keep(all, func(c store.Change) bool { return c.ConversationID == sc.conv.ID })) // and c's are
	})

	t.Run("Paging", func(t *testing.T) {
		is := is.New(t)
		sc := newScene(t, newStore)
		is.True(len(sc.all) > 20)
		for _, limit := range []int{1, 2, 7, len(sc.all), len(sc.all) + 1} {
			for _, f := range []store.ChangeFilter{{}, {Kinds: []store.ChangeKind{store.MessageCreated, store.ContactCreated}}} {
				f.Limit = limit
				var got []store.Change
				after := int64(0)
				for pages := 0; ; pages++ {
					if pages > len(sc.all)+1 {
						t.Fatalf("limit %d: no end", limit)
					}
					page, err := sc.s.Changes(ctx, 1, after, f)
					is.NoErr(err)
					is.True(len(page.Changes) <= limit) // at most the limit
					if page.More {
						is.Equal(len(page.Changes), limit) // stopped at the limit
					}
					if page.More {
						is.Equal(page.Next, page.Changes[len(page.Changes)-1].Position) // the last returned
					} else if len(page.Changes) > 0 {
						is.True(page.Next >= page.Changes[len(page.Changes)-1].Position) // or the end
					}
					got = append(got, page.Changes...)
					if !page.More {
						break
					}
					after = page.Next
				}
				// Every change once, in order.
				samePositions(t, got, keep(sc.all, func(c store.Change) bool { return len(f.Kinds) == 0 || slices.Contains(f.Kinds, c.Kind) }))
			}
		}
		page, err := sc.s.Changes(ctx, 1, 0, store.ChangeFilter{})
		is.NoErr(err)
		is.Equal(len(page.Changes), min(len(sc.all), store.DefaultChangeLimit)) // Limit 0: the default
	})

	t.Run("NextAtTheEnd", func(t *testing.T) {
		is := is.New(t)
		sc := newScene(t, newStore)
		newestPos := sc.all[len(sc.all)-1].Position
		is.Equal(head(t, sc.s, 1), newestPos) // FromNow: Next at the newest change
		page, err := sc.s.Changes(ctx, 1, 0, store.ChangeFilter{Kinds: []store.ChangeKind{store.AccountImported}})
		is.NoErr(err)
		is.Equal(len(page.Changes), 0)
		is.True(!page.More)
		is.Equal(page.Next, newestPos) // a filtered read that found nothing does not look again
		page, err = sc.s.Changes(ctx, 1, 0, store.ChangeFilter{Kinds: []store.ChangeKind{store.ContactUpdated}})
		is.NoErr(err)
		is.Equal(len(page.Changes), 1)
		is.True(!page.More)
		is.True(page.Next >= page.Changes[0].Position) // the end, or the change
		page, err = sc.s.Changes(ctx, 1, newestPos, store.ChangeFilter{})
		is.NoErr(err)
		is.Equal(len(page.Changes), 0) // after the newest: nothing
		is.Equal(page.Next, newestPos)
		beyond := newestPos + 1000
		page, err = sc.s.Changes(ctx, 1, beyond, store.ChangeFilter{})
		is.NoErr(err)
		is.Equal(len(page.Changes), 0) // beyond the newest: nothing,
		is.Equal(page.Next, beyond)    // and Next stays at it
	})

	t.Run("FromNow", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, newStore)
		page, err := f.s.Changes(ctx, 1, store.FromNow, store.ChangeFilter{Kinds: []store.ChangeKind{store.MessageCreated}, Limit: 1})
		is.NoErr(err)
		is.Equal(len(page.Changes), 0) // none yet, whatever the filter
		is.True(!page.More)
		from := page.Next
		m := mustAddMessage(t, f.s, 1, f.conv.ID, text("news"))
		got := readAll(t, f.s, 1, from, store.ChangeFilter{})
		want(t, got, created(m)) // exactly what came after
		empty, err := newStore(t, fixed).Changes(ctx, 1, store.FromNow, store.ChangeFilter{})
		is.NoErr(err)
		is.Equal(len(empty.Changes), 0) // an account with no changes
		is.True(empty.Next >= 0)
	})

	t.Run("BadInput", func(t *testing.T) {
		f := newFeed(t, newStore)
		for _, tc := range []struct {
			name    string
			account int64
			after   int64
			f       store.ChangeFilter
			field   string
		}{
			{"After", 1, -2, store.ChangeFilter{}, "after"},
			{"Account", 0, 0, store.ChangeFilter{}, "account_id"},
			{"ConversationID", 1, 0, store.ChangeFilter{ConversationID: -1}, "conversation_id"},
			{"Kind", 1, 0, store.ChangeFilter{Kinds: []store.ChangeKind{store.MessageCreated, "message.exploded"}}, "kinds"},
			{"LimitNegative", 1, 0, store.ChangeFilter{Limit: -1}, "limit"},
			{"LimitTooLarge", 1, 0, store.ChangeFilter{Limit: store.MaxChangeLimit + 1}, "limit"},
			{"Viewer", 1, 0, store.ChangeFilter{Viewer: &convo.Viewer{}}, "viewer.user_id"},
			{"ViewerAudience", 1, 0, store.ChangeFilter{Viewer: &convo.Viewer{UserID: uuid.New(), AudienceIDs: []int64{0}}}, "viewer.audience_ids"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.s.Changes(ctx, tc.account, tc.after, tc.f)
				wantInvalid(t, err, tc.field)
			})
		}
		t.Run("WaitChanges", func(t *testing.T) {
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second) // a wrong answer fails, not hangs
			defer cancel()
			wantInvalid(t, f.s.WaitChanges(wctx, 0, 0), "account_id")
		})
	})

	t.Run("Accounts", func(t *testing.T) {
		is := is.New(t)
		sc := newScene(t, newStore)
		c2 := mustCreateContact(t, sc.s, 2, convo.NewContact{FirstName: "Mallory"})
		conv2 := mustCreateConversation(t, sc.s, 2, c2.ID)
		m2 := mustAddMessage(t, sc.s, 2, conv2.ID, text("account two"))
		mustAddMessage(t, sc.s, 1, sc.a.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "account one, later"})
		two := readAll(t, sc.s, 2, 0, store.ChangeFilter{})
		want(t, two,
			entry{Kind: store.ContactCreated, Contact: c2.ID},
			entry{Kind: store.ConversationCreated, Contact: c2.ID, Conversation: conv2.ID},
			created(m2)) // its own, none of account 1's
		for _, c := range two {
			is.Equal(c.AccountID, int64(2))
		}
		one := readAll(t, sc.s, 1, 0, store.ChangeFilter{})
		is.Equal(len(one), len(sc.all)+1) // account 2's writes are not account 1's changes
		for _, c := range one {
			is.Equal(c.AccountID, int64(1))
		}
		got := readAll(t, sc.s, 2, 0, store.ChangeFilter{ConversationID: sc.a.ID})
		is.Equal(len(got), 0) // account 1's conversation, asked for in account 2
		viewer := convo.Viewer{UserID: sc.u}
		got = readAll(t, sc.s, 2, 0, store.ChangeFilter{Viewer: &viewer})
		is.Equal(len(got), 0) // account 1's participant, reading account 2
		empty := readAll(t, sc.s, 3, 0, store.ChangeFilter{})
		is.Equal(len(empty), 0) // an account with nothing
	})

	t.Run("AtIsTheCallsTime", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, newStore)
		var times []time.Time
		f.clock.Advance(time.Minute)
		c := mustCreateContact(t, f.s, 1, convo.NewContact{FirstName: "Timed"})
		times = append(times, c.CreatedAt)
		f.clock.Advance(time.Minute)
		name := "Timed again"
		c, err := f.s.UpdateContact(ctx, 1, c.ID, convo.ContactUpdate{FirstName: &name})
		is.NoErr(err)
		times = append(times, c.UpdatedAt)
		f.clock.Advance(time.Minute)
		conv, err := f.s.Assign(ctx, 1, f.conv.ID, convo.Assignment{AssigneeID: f.agent, Quiet: true})
		is.NoErr(err)
		times = append(times, conv.UpdatedAt)
		f.clock.Advance(time.Minute)
		m := mustAddMessage(t, f.s, 1, f.conv.ID, text("timed"))
		times = append(times, m.CreatedAt)
		f.clock.Advance(time.Minute)
		content := "timed, edited"
		m, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &content})
		is.NoErr(err)
		times = append(times, m.UpdatedAt)
		all := readAll(t, f.s, 1, 0, store.ChangeFilter{})
		got := all[len(all)-len(times):]
		for i, c := range got {
			is.Equal(c.At, times[i]) // the timestamp of what the call wrote
		}
		is.Equal(got[0].Kind, store.ContactCreated)
		is.Equal(got[4].Kind, store.MessageUpdated)
	})

	t.Run("MessageAsStoredWhenRead", func(t *testing.T) {
		is := is.New(t)
		f := newFeed(t, newStore)
		from := head(t, f.s, 1)
		m := mustAddMessage(t, f.s, 1, f.conv.ID, text("draft"))
		content := "final"
		up, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &content})
		is.NoErr(err)
		got := readAll(t, f.s, 1, from, store.ChangeFilter{})
		edited := entry{Kind: store.MessageUpdated, Conversation: f.conv.ID, Message: m.ID, Fields: fields("content", "edit_count", "edited_at")}
		want(t, got, created(m), edited)
		is.Equal(msgOf(t, got[0]), up) // the creation carries the message as it is now
		is.Equal(msgOf(t, got[1]), up)
		_, err = f.s.DeleteMessage(ctx, 1, m.ID)
		is.NoErr(err)
		tomb, err := f.s.GetMessage(ctx, 1, m.ID)
		is.NoErr(err)
		got = readAll(t, f.s, 1, from, store.ChangeFilter{})
		tombstoned := entry{Kind: store.MessageUpdated, Conversation: f.conv.ID, Message: m.ID,
			Fields: fields("content", "deleted_at", "edit_count", "edited_at")}
		want(t, got, created(m), edited, tombstoned)
		for _, c := range got {
			is.Equal(msgOf(t, c), tomb) // a tombstone: the message as it is now
		}
		_, err = f.s.PurgeMessage(ctx, 1, m.ID)
		is.NoErr(err)
		got = readAll(t, f.s, 1, from, store.ChangeFilter{})
		want(t, got, created(m), edited, tombstoned, entry{Kind: store.MessageDeleted, Conversation: f.conv.ID, Message: m.ID})
		for _, c := range got {
			is.True(c.Message == nil) // deleted since: no message
		}
		_, err = f.s.DeleteConversation(ctx, 1, f.conv.ID)
		is.NoErr(err)
		for _, c := range readAll(t, f.s, 1, 0, store.ChangeFilter{}) {
			is.True(c.Message == nil) // nor with its conversation gone
		}
	})
}
