package storetest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/store"
)

// fromUser is an outgoing message written by a user.
func fromUser(user uuid.UUID, content string) convo.NewMessage {
	return convo.NewMessage{Type: convo.MessageOutgoing, Content: content, AuthorID: user}
}

// visibleIDs lists the ids of the conversations of every status a viewer
// sees in account 1, by keyset pages of size perPage, and checks that
// numbered pages list the same.
func visibleIDs(t *testing.T, s store.Store, v convo.Viewer, perPage int) []int64 {
	t.Helper()
	f := store.ConversationFilter{Statuses: store.AllStatuses, Viewer: &v, Sort: store.SortCreatedAsc}
	ids := walk(t, s, f, perPage)
	if pages := walkPages(t, s, f, perPage); !slices.Equal(pages, ids) {
		t.Fatalf("numbered pages list %v, keyset pages %v", pages, ids)
	}
	return ids
}

func testParticipants(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("CreateConversation/Participants", func(t *testing.T) {
		is := is.New(t)
		s, c, _ := seeded(t, newStore)
		author, u1, u2 := uuid.New(), uuid.New(), uuid.New()
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail,
			HappenedAt: fixedTime, AuthorID: author, UserIDs: []uuid.UUID{u2, u1}, AudienceIDs: []int64{9, 3}})
		is.NoErr(err)
		want := []uuid.UUID{author, u1, u2}
		slices.SortFunc(want, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
		is.Equal(conv.UserIDs, want)              // the author is a participant; users sorted
		is.Equal(conv.AudienceIDs, []int64{3, 9}) // audiences sorted
		is.Equal(conv.UnseenMessagesCount, 0)     // read without a viewer
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got.UserIDs, conv.UserIDs)         // stored
		is.Equal(got.AudienceIDs, conv.AudienceIDs) // stored
		again, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail,
			HappenedAt: fixedTime, AuthorID: author, UserIDs: []uuid.UUID{author}})
		is.NoErr(err)
		is.Equal(again.UserIDs, []uuid.UUID{author}) // listing the author too is no duplicate
	})

	t.Run("ListConversations/ViewerAccess", func(t *testing.T) {
		is := is.New(t)
		s, c, _ := seeded(t, newStore)
		me, other := uuid.New(), uuid.New()
		create := func(in convo.NewConversation) convo.Conversation {
			in.ContactID, in.Channel, in.HappenedAt = c.ID, convo.ChannelEmail, fixedTime
			conv, err := s.CreateConversation(ctx, 1, in)
			is.NoErr(err)
			return conv
		}
		direct := create(convo.NewConversation{UserIDs: []uuid.UUID{me, other}})
		byAudience := create(convo.NewConversation{AudienceIDs: []int64{7}})
		neither := create(convo.NewConversation{UserIDs: []uuid.UUID{other}, AudienceIDs: []int64{8}})
		authored := create(convo.NewConversation{AuthorID: me})
		viewer := convo.Viewer{UserID: me, AudienceIDs: []int64{7}}
		want := []int64{direct.ID, byAudience.ID, authored.ID}
		for _, perPage := range []int{1, 2, 10} {
			is.Equal(visibleIDs(t, s, viewer, perPage), want) // participant, audience and author, at any page size
		}
		for _, conv := range []convo.Conversation{direct, byAudience, authored} {
			_, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Viewer: &viewer})
			is.NoErr(err) // visible
		}
		_, err := s.GetConversation(ctx, 1, neither.ID, store.GetConversationOptions{Viewer: &viewer})
		is.True(isNotFound(err)) // a conversation the viewer does not take part in
		_, err = s.ListMessages(ctx, 1, neither.ID, store.MessageFilter{Viewer: &viewer})
		is.True(isNotFound(err)) // nor its messages
		counts, err := s.CountConversations(ctx, 1, store.ConversationFilter{Viewer: &viewer, Agent: me})
		is.NoErr(err)
		is.Equal(counts, store.Counts{Unassigned: 3, All: 3}) // counts see the viewer's conversations only

		// combined with another filter and page-number paging
		_, err = s.ChangeStatus(ctx, 1, byAudience.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
		is.NoErr(err)
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Viewer: &viewer, Sort: store.SortCreatedAsc, Page: store.PageNumber(2, 1)})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 2)            // open ones of the viewer
		is.Equal(len(page.Items), 1)            // one per page
		is.Equal(page.Items[0].ID, authored.ID) // the second one
		counts, err = s.CountConversations(ctx, 1, store.ConversationFilter{Viewer: &viewer})
		is.NoErr(err)
		is.Equal(counts.All, 2) // the status filter applies too

		// removed participant and audience lose access
		_, err = s.RemoveParticipants(ctx, 1, direct.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{me}})
		is.NoErr(err)
		_, err = s.RemoveParticipants(ctx, 1, byAudience.ID, convo.ParticipantChange{AudienceIDs: []int64{7}})
		is.NoErr(err)
		is.Equal(visibleIDs(t, s, viewer, 10), []int64{authored.ID}) // only the authored one is left
		_, err = s.GetConversation(ctx, 1, direct.ID, store.GetConversationOptions{Viewer: &viewer})
		is.True(isNotFound(err)) // a removed participant
		_, err = s.GetConversation(ctx, 1, byAudience.ID, store.GetConversationOptions{Viewer: &viewer})
		is.True(isNotFound(err)) // a removed audience
		got, err := s.AddParticipants(ctx, 1, neither.ID, convo.ParticipantChange{AudienceIDs: []int64{7}})
		is.NoErr(err)
		is.Equal(got.AudienceIDs, []int64{7, 8})                                 // added
		is.Equal(visibleIDs(t, s, viewer, 10), []int64{neither.ID, authored.ID}) // an added audience gives access

		// a viewer of another account sees nothing of account 1
		_, err = s.GetConversation(ctx, 2, authored.ID, store.GetConversationOptions{Viewer: &viewer})
		is.True(isNotFound(err)) // another account
		other2, err := s.ListConversations(ctx, 2, store.ConversationFilter{Statuses: store.AllStatuses, Viewer: &viewer})
		is.NoErr(err)
		is.Equal(len(other2.Items), 0) // lists nothing
	})

	t.Run("RemoveParticipants/AuthorStays", func(t *testing.T) {
		is := is.New(t)
		s, c, _ := seeded(t, newStore)
		author, u := uuid.New(), uuid.New()
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail,
			HappenedAt: fixedTime, AuthorID: author, UserIDs: []uuid.UUID{u}})
		is.NoErr(err)
		_, err = s.RemoveParticipants(ctx, 1, conv.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{u, author}})
		wantInvalid(t, err, "user_ids")
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(len(got.UserIDs), 2) // nothing removed
		again, err := s.AddParticipants(ctx, 1, conv.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{u}})
		is.NoErr(err)
		is.Equal(again, got) // adding a participant again changes nothing
	})

	t.Run("MarkSeen/SeenPerMessage", func(t *testing.T) {
		is := is.New(t)
		s, c, _ := seeded(t, newStore)
		u, v, w := uuid.New(), uuid.New(), uuid.New()
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail,
			HappenedAt: fixedTime, UserIDs: []uuid.UUID{u, v, w}})
		is.NoErr(err)
		m1 := mustAddMessage(t, s, 1, conv.ID, text("one"))
		m2 := mustAddMessage(t, s, 1, conv.ID, text("two"))
		mustAddMessage(t, s, 1, conv.ID, fromUser(u, "three"))
		mustAddMessage(t, s, 1, conv.ID, fromUser(v, "four"))
		mustAddMessage(t, s, 1, conv.ID, convo.NewMessage{Type: convo.MessageActivity, Content: "five"})
		seen := func(user uuid.UUID) (int, []bool) {
			t.Helper()
			viewer := convo.Viewer{UserID: user}
			got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Viewer: &viewer, Messages: store.AllMessages})
			is.NoErr(err)
			page, err := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{Viewer: &viewer})
			is.NoErr(err)
			var flags []bool
			for i, m := range got.Messages {
				flags = append(flags, m.Seen)
				is.Equal(page.Items[i].Seen, m.Seen) // the list and the get agree
			}
			return got.UnseenMessagesCount, flags
		}
		n, flags := seen(u)
		is.Equal(n, 1)                                         // posting moved u's horizon; v's message is unseen
		is.Equal(flags, []bool{true, true, true, false, true}) // the activity message never counts
		n, flags = seen(v)
		is.Equal(n, 0) // v wrote the last message but the activity
		is.Equal(flags, []bool{true, true, true, true, true})
		n, flags = seen(w)
		is.Equal(n, 4)                                            // w never read: everything by others
		is.Equal(flags, []bool{false, false, false, false, true}) // but the activity message

		vw := convo.Viewer{UserID: w}
		got, err := s.MarkSeen(ctx, 1, conv.ID, vw, m2.ID)
		is.NoErr(err)
		is.Equal(got.UnseenMessagesCount, 2) // up to m2 seen
		got, err = s.MarkSeen(ctx, 1, conv.ID, vw, m1.ID)
		is.NoErr(err)
		is.Equal(got.UnseenMessagesCount, 2) // the horizon never moves back
		got, err = s.MarkUnseen(ctx, 1, conv.ID, vw, m1.ID)
		is.NoErr(err)
		is.Equal(got.UnseenMessagesCount, 4) // an explicit rewind does
		_, flags = seen(w)
		is.Equal(flags, []bool{false, false, false, false, true})
		mustAddMessage(t, s, 1, conv.ID, fromUser(w, "six"))
		n, _ = seen(w)
		is.Equal(n, 0) // posting moves the author's horizon to their message
		n, _ = seen(u)
		is.Equal(n, 2) // and counts for the others

		// deleting and retyping messages keep the counts exact
		_, err = s.DeleteMessage(ctx, 1, m1.ID)
		is.NoErr(err)
		n, _ = seen(u)
		is.Equal(n, 2) // m1 was seen by u already
		activity := convo.MessageActivity
		_, err = s.UpdateMessage(ctx, 1, m2.ID, convo.MessageUpdate{Type: &activity})
		is.NoErr(err)
		total, err := s.CountUnseen(ctx, 1, convo.Viewer{UserID: uuid.New()})
		is.NoErr(err)
		is.Equal(total, 0) // a stranger has nothing unseen
		got, err = s.MarkUnseen(ctx, 1, conv.ID, convo.Viewer{UserID: u}, m2.ID)
		is.NoErr(err)
		is.Equal(got.UnseenMessagesCount, 2) // m2 is an activity now; v's and w's messages
	})

	t.Run("MarkSeen/BadInput", func(t *testing.T) {
		is := is.New(t)
		s, c, conv := seeded(t, newStore)
		u := uuid.New()
		mine, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail,
			HappenedAt: fixedTime, UserIDs: []uuid.UUID{u}})
		is.NoErr(err)
		m := mustAddMessage(t, s, 1, mine.ID, text("mine"))
		elsewhere := mustAddMessage(t, s, 1, conv.ID, text("elsewhere"))
		c2 := mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Other"})
		conv2, err := s.CreateConversation(ctx, 2, convo.NewConversation{ContactID: c2.ID, Channel: convo.ChannelEmail,
			HappenedAt: fixedTime, UserIDs: []uuid.UUID{u}})
		is.NoErr(err)
		foreign := mustAddMessage(t, s, 2, conv2.ID, text("foreign"))
		viewer := convo.Viewer{UserID: u}
		for _, mark := range []func(context.Context, int64, int64, convo.Viewer, int64) (convo.Conversation, error){s.MarkSeen, s.MarkUnseen} {
			_, err = mark(ctx, 1, mine.ID, convo.Viewer{}, m.ID)
			wantInvalid(t, err, "viewer.user_id")
			_, err = mark(ctx, 1, mine.ID, convo.Viewer{UserID: u, AudienceIDs: []int64{0}}, m.ID)
			wantInvalid(t, err, "viewer.audience_ids")
			_, err = mark(ctx, 1, mine.ID, viewer, elsewhere.ID)
			is.True(isNotFound(err)) // a message of another conversation
			_, err = mark(ctx, 1, mine.ID, viewer, foreign.ID)
			is.True(isNotFound(err)) // a message of another account
			_, err = mark(ctx, 1, conv.ID, viewer, elsewhere.ID)
			is.True(isNotFound(err)) // a conversation the viewer does not take part in
		}
		got, err := s.GetConversation(ctx, 1, mine.ID, store.GetConversationOptions{Viewer: &viewer})
		is.NoErr(err)
		is.Equal(got.UnseenMessagesCount, 1) // nothing written
	})

	t.Run("CountUnseen/TotalsAndFilter", func(t *testing.T) {
		is := is.New(t)
		s, c, _ := seeded(t, newStore)
		u, other := uuid.New(), uuid.New()
		create := func(in convo.NewConversation) convo.Conversation {
			in.ContactID, in.Channel, in.HappenedAt = c.ID, convo.ChannelEmail, fixedTime
			conv, err := s.CreateConversation(ctx, 1, in)
			is.NoErr(err)
			return conv
		}
		direct := create(convo.NewConversation{UserIDs: []uuid.UUID{u}, AudienceIDs: []int64{4}})
		audience := create(convo.NewConversation{AudienceIDs: []int64{4, 5}})
		read := create(convo.NewConversation{UserIDs: []uuid.UUID{u}})
		hidden := create(convo.NewConversation{UserIDs: []uuid.UUID{other}})
		for range 3 {
			mustAddMessage(t, s, 1, direct.ID, text("a"))
			mustAddMessage(t, s, 1, audience.ID, fromUser(other, "b"))
			mustAddMessage(t, s, 1, hidden.ID, text("c"))
		}
		last := mustAddMessage(t, s, 1, read.ID, text("d"))
		viewer := convo.Viewer{UserID: u, AudienceIDs: []int64{4, 5}}
		_, err := s.MarkSeen(ctx, 1, read.ID, viewer, last.ID)
		is.NoErr(err)
		n, err := s.CountUnseen(ctx, 1, viewer)
		is.NoErr(err)
		is.Equal(n, 6) // direct and audience conversations once each, not the read or hidden one
		n, err = s.CountUnseen(ctx, 1, convo.Viewer{UserID: u})
		is.NoErr(err)
		is.Equal(n, 3) // without the audiences
		_, err = s.ChangeStatus(ctx, 1, direct.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
		is.NoErr(err)
		n, err = s.CountUnseen(ctx, 1, viewer)
		is.NoErr(err)
		is.Equal(n, 6) // whatever the status
		ids := walk(t, s, store.ConversationFilter{Viewer: &viewer, Unseen: true, Statuses: store.AllStatuses, Sort: store.SortCreatedAsc}, 1)
		is.Equal(ids, []int64{direct.ID, audience.ID}) // conversations with unseen messages
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Viewer: &viewer, Statuses: store.AllStatuses, Sort: store.SortCreatedAsc})
		is.NoErr(err)
		var counts []int
		for _, conv := range page.Items {
			counts = append(counts, conv.UnseenMessagesCount)
		}
		is.Equal(counts, []int{3, 3, 0}) // per conversation, in the list
	})

	t.Run("Viewer/BadInput", func(t *testing.T) {
		is := is.New(t)
		s, c, conv := seeded(t, newStore)
		for _, tc := range []struct {
			v     convo.Viewer
			field string
		}{
			{convo.Viewer{}, "viewer.user_id"},
			{convo.Viewer{UserID: uuid.New(), AudienceIDs: []int64{3, 0}}, "viewer.audience_ids"},
			{convo.Viewer{UserID: uuid.New(), AudienceIDs: []int64{-1}}, "viewer.audience_ids"},
		} {
			_, err := s.ListConversations(ctx, 1, store.ConversationFilter{Viewer: &tc.v})
			wantInvalid(t, err, tc.field)
			_, err = s.CountConversations(ctx, 1, store.ConversationFilter{Viewer: &tc.v})
			wantInvalid(t, err, tc.field)
			_, err = s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Viewer: &tc.v})
			wantInvalid(t, err, tc.field)
			_, err = s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{Viewer: &tc.v})
			wantInvalid(t, err, tc.field)
			_, err = s.CountUnseen(ctx, 1, tc.v)
			wantInvalid(t, err, tc.field)
		}
		_, err := s.ListConversations(ctx, 1, store.ConversationFilter{Unseen: true})
		wantInvalid(t, err, "viewer")

		u := uuid.New()
		for _, tc := range []struct {
			ch    convo.ParticipantChange
			field string
		}{
			{convo.ParticipantChange{}, "user_ids"},
			{convo.ParticipantChange{UserIDs: []uuid.UUID{u, u}}, "user_ids"},
			{convo.ParticipantChange{UserIDs: []uuid.UUID{uuid.Nil}}, "user_ids"},
			{convo.ParticipantChange{AudienceIDs: []int64{2, 2}}, "audience_ids"},
			{convo.ParticipantChange{AudienceIDs: []int64{0}}, "audience_ids"},
		} {
			_, err := s.AddParticipants(ctx, 1, conv.ID, tc.ch)
			wantInvalid(t, err, tc.field)
			_, err = s.RemoveParticipants(ctx, 1, conv.ID, tc.ch)
			wantInvalid(t, err, tc.field)
			if len(tc.ch.UserIDs)+len(tc.ch.AudienceIDs) == 0 {
				continue // a conversation may have no participants
			}
			_, err = s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail,
				HappenedAt: fixedTime, UserIDs: tc.ch.UserIDs, AudienceIDs: tc.ch.AudienceIDs})
			wantInvalid(t, err, tc.field)
		}
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(len(got.UserIDs)+len(got.AudienceIDs), 0) // nothing added
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Statuses: store.AllStatuses})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 1) // nothing created but the seeded conversation
	})

	t.Run("CountUnseen/EachConversationOnce", func(t *testing.T) {
		is := is.New(t)
		s, c, _ := seeded(t, newStore)
		u, other := uuid.New(), uuid.New()
		viewer := convo.Viewer{UserID: u, AudienceIDs: []int64{4, 5}}
		create := func(in convo.NewConversation) convo.Conversation {
			in.ContactID, in.Channel, in.HappenedAt = c.ID, convo.ChannelEmail, fixedTime
			conv, err := s.CreateConversation(ctx, 1, in)
			is.NoErr(err)
			for range 2 {
				mustAddMessage(t, s, 1, conv.ID, text("x"))
			}
			return conv
		}
		total := func() int {
			t.Helper()
			n, err := s.CountUnseen(ctx, 1, viewer)
			is.NoErr(err)
			return n
		}
		both := create(convo.NewConversation{UserIDs: []uuid.UUID{u}, AudienceIDs: []int64{4, 5}})
		is.Equal(total(), 2) // a participant in two of their audiences counts the conversation once
		read := create(convo.NewConversation{AudienceIDs: []int64{4}})
		last := mustAddMessage(t, s, 1, read.ID, text("y"))
		_, err := s.MarkSeen(ctx, 1, read.ID, viewer, last.ID)
		is.NoErr(err)
		mustAddMessage(t, s, 1, read.ID, text("z"))
		is.Equal(total(), 3) // through an audience, the horizon the user marked counts
		_, err = s.RemoveParticipants(ctx, 1, both.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{u}})
		is.NoErr(err)
		is.Equal(total(), 3) // a removed participant still in an audience: the same horizon
		_, err = s.MarkSeen(ctx, 1, both.ID, viewer, mustAddMessage(t, s, 1, both.ID, text("w")).ID)
		is.NoErr(err)
		_, err = s.RemoveParticipants(ctx, 1, both.ID, convo.ParticipantChange{AudienceIDs: []int64{4, 5}})
		is.NoErr(err)
		mustAddMessage(t, s, 1, both.ID, text("v"))
		is.Equal(total(), 1) // without access, a horizon does not count
		elsewhere := create(convo.NewConversation{UserIDs: []uuid.UUID{other}})
		mustAddMessage(t, s, 1, elsewhere.ID, fromUser(u, "not a participant"))
		mustAddMessage(t, s, 1, elsewhere.ID, text("after"))
		is.Equal(total(), 1) // writing somewhere gives no access
		_, err = s.AddParticipants(ctx, 1, elsewhere.ID, convo.ParticipantChange{AudienceIDs: []int64{5}})
		is.NoErr(err)
		is.Equal(total(), 2) // an audience gives access: what came after the user's message
		late := create(convo.NewConversation{UserIDs: []uuid.UUID{other}})
		mustAddMessage(t, s, 1, late.ID, convo.NewMessage{Type: convo.MessageActivity, Content: "activity"})
		_, err = s.AddParticipants(ctx, 1, late.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{u}})
		is.NoErr(err)
		is.Equal(total(), 4) // a participant added late has seen nothing (but activities)
	})

	t.Run("CountUnseen/MatchesAFullScan", func(t *testing.T) {
		testUnseenInvariant(t, newStore)
	})
}

// testUnseenInvariant runs random appends, reads, rewinds, deletes,
// retypes and participant changes, and after each step checks every user's
// counts, flags and lists against a scan of the messages; then the same of
// a copy made by export and import.
func testUnseenInvariant(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	is := is.New(t)
	s, c, _ := seeded(t, newStore)
	r := rand.New(rand.NewPCG(4, 2))
	users := []uuid.UUID{uuid.New(), uuid.New(), uuid.New(), uuid.New()}
	viewers := []convo.Viewer{
		{UserID: users[0], AudienceIDs: []int64{1}},
		{UserID: users[1], AudienceIDs: []int64{2}},
		{UserID: users[2], AudienceIDs: []int64{1, 2}},
		{UserID: users[3]},
	}
	var convs []int64
	for i := range 5 {
		in := convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: fixedTime}
		if i%2 == 0 {
			in.AuthorID = users[i%len(users)]
		}
		for _, u := range users {
			if u != in.AuthorID && r.IntN(3) == 0 {
				in.UserIDs = append(in.UserIDs, u)
			}
		}
		if i%3 != 2 {
			in.AudienceIDs = []int64{int64(1 + i%2)}
		}
		conv, err := s.CreateConversation(ctx, 1, in)
		is.NoErr(err)
		convs = append(convs, conv.ID)
	}
	horizon := map[string]int64{} // user:conversation -> the seq seen up to, in the model
	key := func(u uuid.UUID, conv int64) string { return fmt.Sprintf("%s:%d", u, conv) }

	for step := range 120 {
		conv := convs[r.IntN(len(convs))]
		v := viewers[r.IntN(len(viewers))]
		msgs := allMessages(t, s, 1, conv)
		switch op := r.IntN(10); {
		case op < 4: // append one message, or a batch across the conversations
			var batch []store.MessageTo
			for range 1 + r.IntN(2)*r.IntN(8) {
				var in convo.NewMessage
				switch r.IntN(4) {
				case 0:
					in = text("in")
				case 1:
					in = convo.NewMessage{Type: convo.MessageActivity, Content: "act"}
				default:
					in = fromUser(viewers[r.IntN(len(viewers))].UserID, "out")
				}
				batch = append(batch, store.MessageTo{ConversationID: convs[r.IntN(len(convs))], Message: in})
			}
			var added []convo.Message
			if len(batch) == 1 {
				added = []convo.Message{mustAddMessage(t, s, 1, batch[0].ConversationID, batch[0].Message)}
			} else {
				var err error
				added, err = s.AddMessages(ctx, 1, batch)
				is.NoErr(err)
			}
			for _, m := range added {
				if m.AuthorID != uuid.Nil {
					horizon[key(m.AuthorID, m.ConversationID)] = m.Seq
				}
			}
		case op < 6 && len(msgs) > 0: // mark seen or unseen
			m := msgs[r.IntN(len(msgs))]
			mark, seq := s.MarkSeen, max(horizon[key(v.UserID, conv)], m.Seq)
			if r.IntN(3) == 0 {
				mark, seq = s.MarkUnseen, min(horizon[key(v.UserID, conv)], m.Seq-1)
			}
			_, err := mark(ctx, 1, conv, v, m.ID)
			if err == nil {
				horizon[key(v.UserID, conv)] = seq
			} else {
				is.True(isNotFound(err)) // only a conversation the viewer does not take part in
			}
		case op < 7 && len(msgs) > 0: // delete, leaving a tombstone, or purge
			if r.IntN(2) == 0 {
				_, err := s.PurgeMessage(ctx, 1, msgs[r.IntN(len(msgs))].ID)
				is.NoErr(err)
				continue
			}
			_, err := s.DeleteMessage(ctx, 1, msgs[r.IntN(len(msgs))].ID)
			is.NoErr(err)
		case op < 8 && len(msgs) > 0: // a contact's or system message becomes, or stops being, an activity
			m := msgs[r.IntN(len(msgs))]
			if m.AuthorID != uuid.Nil || m.Deleted() { // a tombstone keeps its type
				continue
			}
			typ := convo.MessageActivity
			if m.Type == convo.MessageActivity {
				typ = convo.MessageIncoming
			}
			_, err := s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Type: &typ})
			is.NoErr(err)
		case op < 9: // add or remove a participant
			ch := convo.ParticipantChange{UserIDs: []uuid.UUID{v.UserID}}
			if r.IntN(2) == 0 {
				ch = convo.ParticipantChange{AudienceIDs: []int64{int64(1 + r.IntN(2))}}
			}
			var err error
			if r.IntN(2) == 0 {
				_, err = s.AddParticipants(ctx, 1, conv, ch)
			} else if _, err = s.RemoveParticipants(ctx, 1, conv, ch); err != nil {
				wantInvalid(t, err, "user_ids") // the author stays
				err = nil
			}
			is.NoErr(err)
		}
		if step%10 == 9 {
			checkUnseen(t, s, convs, viewers, horizon)
		}
	}
	checkUnseen(t, s, convs, viewers, horizon)

	// The read state survives an export and import exactly.
	data := exportBytes(t, s, 1)
	copied := newStore(t, fixed)
	_, err := jsonl.Import(ctx, bytes.NewReader(data), copied, 1, store.ImportOptions{})
	is.NoErr(err)
	checkUnseen(t, copied, convs, viewers, horizon)
	is.Equal(string(exportBytes(t, copied, 1)), string(data)) // exports to the same bytes
}

// checkUnseen compares every viewer's counts with a scan of the messages
// against the model's horizons.
func checkUnseen(t *testing.T, s store.Store, convs []int64, viewers []convo.Viewer, horizon map[string]int64) {
	t.Helper()
	ctx := context.Background()
	for _, v := range viewers {
		total := 0
		var visible, unseen []int64
		for _, conv := range convs {
			got, err := s.GetConversation(ctx, 1, conv, store.GetConversationOptions{Viewer: &v, Messages: store.AllMessages})
			if isNotFound(err) {
				continue
			}
			if err != nil {
				t.Fatalf("get conversation: %v", err)
			}
			visible = append(visible, conv)
			h := horizon[fmt.Sprintf("%s:%d", v.UserID, conv)]
			want := 0
			for _, m := range allMessages(t, s, 1, conv) {
				if m.Seq > h && m.Type != convo.MessageActivity && m.AuthorID != v.UserID && !m.Deleted() { // a tombstone is never unseen
					want++
				}
			}
			flagged := 0
			for _, m := range got.Messages {
				if !m.Seen {
					flagged++
				}
			}
			if got.UnseenMessagesCount != want || flagged != want {
				t.Fatalf("viewer %v conversation %d: unseen count %d, unseen flags %d, scan %d",
					v.UserID, conv, got.UnseenMessagesCount, flagged, want)
			}
			total += want
			if want > 0 {
				unseen = append(unseen, conv)
			}
		}
		n, err := s.CountUnseen(ctx, 1, v)
		if err != nil || n != total {
			t.Fatalf("viewer %v: CountUnseen %d (%v), scan %d", v.UserID, n, err, total)
		}
		f := store.ConversationFilter{Viewer: &v, Statuses: store.AllStatuses, Sort: store.SortCreatedAsc}
		if got := walk(t, s, f, 2); !slices.Equal(got, visible) {
			t.Fatalf("viewer %v: lists %v, sees %v", v.UserID, got, visible)
		}
		f.Unseen = true
		if got := walk(t, s, f, 2); !slices.Equal(got, unseen) {
			t.Fatalf("viewer %v: lists unseen %v, scan %v", v.UserID, got, unseen)
		}
		counts, err := s.CountConversations(ctx, 1, f)
		if err != nil || counts.All != len(unseen) {
			t.Fatalf("viewer %v: counts %+v (%v), scan %d", v.UserID, counts, err, len(unseen))
		}
	}
}
