package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// sameConditions reports whether two condition lists are equal, a nil
// list of values being equal to an empty one.
func sameConditions(a, b []store.Condition) bool {
	return slices.EqualFunc(a, b, func(x, y store.Condition) bool {
		return x.Attribute == y.Attribute && x.Operator == y.Operator && x.Or == y.Or && slices.Equal(x.Values, y.Values)
	})
}

func viewNames(vs []store.View) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}

func testSavedViews(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	inboxed := []store.Condition{where("inbox_id", store.OpIsPresent)} // a, b, d of the workflow fixture

	t.Run("SaveView/ReturnsTheStoredView", func(t *testing.T) {
		is := is.New(t)
		f := newWorkflowFixture(t, newStore)
		conditions := []store.Condition{or(where("status", store.OpEqualTo, "pending", "snoozed")), where("labels", store.OpIsPresent)}
		saved, err := f.s.SaveView(ctx, 1, store.View{Name: "Waiting on us", Conditions: conditions})
		is.NoErr(err)
		is.Equal(saved.Name, "Waiting on us")
		is.True(sameConditions(saved.Conditions, conditions)) // the conditions as given
		is.True(saved.CreatedAt.Equal(f.clock.Now()))         // times from the store's clock
		is.True(saved.UpdatedAt.Equal(f.clock.Now()))
		got, err := f.s.GetView(ctx, 1, "Waiting on us")
		is.NoErr(err)
		is.Equal(got, saved) // returned as stored
		list, err := f.s.ListViews(ctx, 1)
		is.NoErr(err)
		is.Equal(list, []store.View{saved})
	})

	t.Run("SaveView/SameNameReplaces", func(t *testing.T) {
		is := is.New(t)
		f := newWorkflowFixture(t, newStore)
		first, err := f.s.SaveView(ctx, 1, store.View{Name: "mine", Conditions: inboxed})
		is.NoErr(err)
		is.True(first.CreatedAt.Equal(f.clock.Now()))
		is.Equal(f.list(t, store.ConversationFilter{View: "mine"}), []string{"a", "b", "d"})
		f.clock.Advance(time.Hour)
		resolved := []store.Condition{where("status", store.OpEqualTo, "resolved")}
		second, err := f.s.SaveView(ctx, 1, store.View{Name: "mine", Conditions: resolved})
		is.NoErr(err)
		is.True(sameConditions(second.Conditions, resolved)) // the new conditions
		is.True(second.CreatedAt.Equal(first.CreatedAt))     // created when it was first saved
		is.True(second.UpdatedAt.Equal(f.clock.Now()))       // updated now
		got, err := f.s.GetView(ctx, 1, "mine")
		is.NoErr(err)
		is.Equal(got, second)
		list, err := f.s.ListViews(ctx, 1)
		is.NoErr(err)
		is.Equal(list, []store.View{second})                                       // one view of that name
		is.Equal(f.list(t, store.ConversationFilter{View: "mine"}), []string{"c"}) // listing by its new conditions
		// The store fills in the times whatever the caller gave.
		third, err := f.s.SaveView(ctx, 1, store.View{Name: "other", Conditions: resolved,
			CreatedAt: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)})
		is.NoErr(err)
		is.True(third.CreatedAt.Equal(f.clock.Now()))
		is.True(third.UpdatedAt.Equal(f.clock.Now()))
	})

	t.Run("ListViews/ByNameInByteOrder", func(t *testing.T) {
		is := is.New(t)
		f := newViewFixture(t, newStore)
		list, err := f.s.ListViews(ctx, 1)
		is.NoErr(err)
		is.Equal(len(list), 0) // none yet
		for _, name := range []string{"b", "Ä", "a b", "B", "a", "A"} {
			_, err := f.s.SaveView(ctx, 1, store.View{Name: name, Conditions: inboxed})
			is.NoErr(err)
		}
		list, err = f.s.ListViews(ctx, 1)
		is.NoErr(err)
		is.Equal(viewNames(list), []string{"A", "B", "a", "a b", "b", "Ä"}) // names are exact: "a" and "A" are two views
	})

	t.Run("GetView/UnknownIsNotFound", func(t *testing.T) {
		is := is.New(t)
		f := newViewFixture(t, newStore)
		_, err := f.s.SaveView(ctx, 1, store.View{Name: "Mine", Conditions: inboxed})
		is.NoErr(err)
		_, err = f.s.GetView(ctx, 1, "nope")
		is.True(errors.Is(err, convo.ErrNotFound)) // never saved
		_, err = f.s.GetView(ctx, 1, "mine")
		is.True(errors.Is(err, convo.ErrNotFound)) // names compare exactly
		_, err = f.s.GetView(ctx, 1, "Mine ")
		is.True(errors.Is(err, convo.ErrNotFound))
	})

	t.Run("DeleteView", func(t *testing.T) {
		is := is.New(t)
		f := newWorkflowFixture(t, newStore)
		for _, name := range []string{"keep", "drop"} {
			_, err := f.s.SaveView(ctx, 1, store.View{Name: name, Conditions: inboxed})
			is.NoErr(err)
		}
		is.NoErr(f.s.DeleteView(ctx, 1, "drop"))
		_, err := f.s.GetView(ctx, 1, "drop")
		is.True(errors.Is(err, convo.ErrNotFound)) // gone
		list, err := f.s.ListViews(ctx, 1)
		is.NoErr(err)
		is.Equal(viewNames(list), []string{"keep"}) // the other stays
		err = f.s.DeleteView(ctx, 1, "drop")
		is.True(errors.Is(err, convo.ErrNotFound)) // deleting twice
		err = f.s.DeleteView(ctx, 1, "never")
		is.True(errors.Is(err, convo.ErrNotFound)) // an unknown name
		_, err = f.s.ListConversations(ctx, 1, store.ConversationFilter{View: "drop"})
		is.True(errors.Is(err, convo.ErrNotFound)) // a deleted view lists nothing
		// The name can be saved again.
		_, err = f.s.SaveView(ctx, 1, store.View{Name: "drop", Conditions: inboxed})
		is.NoErr(err)
		is.Equal(f.list(t, store.ConversationFilter{View: "drop"}), []string{"a", "b", "d"})
	})

	t.Run("Filter/ViewListsLikeItsConditions", func(t *testing.T) {
		is := is.New(t)
		f := newWorkflowFixture(t, newStore)
		grouped := []store.Condition{where("status", store.OpEqualTo, "open"), or(where("priority", store.OpEqualTo, "high")),
			where("labels", store.OpEqualTo, "sales")}
		_, err := f.s.SaveView(ctx, 1, store.View{Name: "grouped", Conditions: grouped})
		is.NoErr(err)
		_, err = f.s.SaveView(ctx, 1, store.View{Name: "inboxed", Conditions: inboxed})
		is.NoErr(err)
		is.Equal(f.list(t, store.ConversationFilter{View: "grouped"}), []string{"a", "d"}) // open and high, or sales
		is.Equal(f.list(t, store.ConversationFilter{Conditions: grouped}), []string{"a", "d"})
		is.Equal(f.list(t, store.ConversationFilter{View: "inboxed"}), []string{"a", "b", "d"}) // every status
		is.Equal(f.list(t, store.ConversationFilter{View: "inboxed", Statuses: []convo.Status{convo.StatusOpen}}), []string{"a"})
		counts, err := f.s.CountConversations(ctx, 1, store.ConversationFilter{View: "inboxed", Agent: f.agent})
		is.NoErr(err)
		is.Equal(counts, store.Counts{Mine: 2, Unassigned: 0, Assigned: 3, All: 3}) // a, d mine; b the other agent's
	})

	t.Run("Filter/ViewAndConditions", func(t *testing.T) {
		is := is.New(t)
		f := newWorkflowFixture(t, newStore)
		// (pending or snoozed) and (inbox 3 or team 4): d. Joined into
		// one list, pending or (snoozed and inbox 3) or team 4, they
		// would keep a, b, d and e.
		_, err := f.s.SaveView(ctx, 1, store.View{Name: "waiting", Conditions: []store.Condition{
			or(where("status", store.OpEqualTo, "pending")), where("status", store.OpEqualTo, "snoozed")}})
		is.NoErr(err)
		is.Equal(f.list(t, store.ConversationFilter{View: "waiting"}), []string{"b", "d"})
		is.Equal(f.list(t, store.ConversationFilter{View: "waiting", Conditions: []store.Condition{
			or(where("inbox_id", store.OpEqualTo, "3")), where("team_id", store.OpEqualTo, "4")}}), []string{"d"})
		is.Equal(f.list(t, store.ConversationFilter{View: "waiting", Conditions: []store.Condition{
			where("inbox_id", store.OpEqualTo, "5")}}), []string{"b"})
	})

	t.Run("Filter/UnknownViewIsNotFound", func(t *testing.T) {
		is := is.New(t)
		f := newWorkflowFixture(t, newStore)
		_, err := f.s.ListConversations(ctx, 1, store.ConversationFilter{View: "nope"})
		is.True(errors.Is(err, convo.ErrNotFound))
		_, err = f.s.CountConversations(ctx, 1, store.ConversationFilter{View: "nope", Conditions: inboxed})
		is.True(errors.Is(err, convo.ErrNotFound))
		_, err = f.s.ListConversations(ctx, 1, store.ConversationFilter{View: "  "})
		wantInvalid(t, err, "view") // a blank name is no name
	})
}

func testViewValidation(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	tooMany := make([]store.Condition, store.MaxConditions+1)
	for i := range tooMany {
		tooMany[i] = where("status", store.OpEqualTo, "open")
	}
	for _, tc := range []struct {
		name       string
		conditions []store.Condition
		field      string
		code       string
	}{
		{"UnknownAttribute", []store.Condition{where("colour", store.OpEqualTo, "red")}, "conditions[0].attribute_key", convo.CodeUnknown},
		{"OperatorNotAllowed", []store.Condition{where("status", store.OpEqualTo, "open"), where("status", store.OpContains, "open")},
			"conditions[1].filter_operator", convo.CodeNotAllowed},
		{"UnknownOperator", []store.Condition{where("status", "like", "open")}, "conditions[0].filter_operator", convo.CodeNotAllowed},
		{"DaysBeforeOnLabels", []store.Condition{where("labels", store.OpDaysBefore, "1")}, "conditions[0].filter_operator", convo.CodeNotAllowed},
		{"BadKey", []store.Condition{where("custom_attributes.a.b", store.OpIsPresent)}, "conditions[0].attribute_key", convo.CodeInvalid},
		{"ValuesForIsPresent", []store.Condition{where("priority", store.OpIsPresent, "high")}, "conditions[0].values", convo.CodeInvalid},
		{"NoValues", []store.Condition{where("labels", store.OpEqualTo)}, "conditions[0].values", convo.CodeRequired},
		{"TwoValuesForGreaterThan", []store.Condition{where("created_at", store.OpIsGreaterThan, "2026-01-01", "2026-02-01")}, "conditions[0].values", convo.CodeInvalid},
		{"BadStatus", []store.Condition{where("status", store.OpEqualTo, "closed")}, "conditions[0].values[0]", convo.CodeInvalid},
		{"BadTime", []store.Condition{where("created_at", store.OpIsLessThan, "yesterday")}, "conditions[0].values[0]", convo.CodeInvalid},
		{"BadDays", []store.Condition{where("created_at", store.OpDaysBefore, "-1")}, "conditions[0].values[0]", convo.CodeInvalid},
		{"TooMany", tooMany, "conditions", convo.CodeOutOfRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f := newWorkflowFixture(t, newStore)
			_, err := f.s.SaveView(ctx, 1, store.View{Name: "bad", Conditions: tc.conditions})
			wantCode(t, err, tc.field, tc.code) // a bad view is not saved
			_, err = f.s.ListConversations(ctx, 1, store.ConversationFilter{Conditions: tc.conditions})
			wantCode(t, err, tc.field, tc.code) // nor listed by
			_, err = f.s.CountConversations(ctx, 1, store.ConversationFilter{Conditions: tc.conditions})
			wantCode(t, err, tc.field, tc.code) // nor counted by
			list, err := f.s.ListViews(ctx, 1)
			is.NoErr(err)
			is.Equal(len(list), 0) // nothing saved
		})
	}

	t.Run("NotAllowedNamesOperatorAndAttribute", func(t *testing.T) {
		is := is.New(t)
		f := newViewFixture(t, newStore)
		_, err := f.s.SaveView(ctx, 1, store.View{Name: "bad", Conditions: []store.Condition{where("status", store.OpContains, "open")}})
		var ve *convo.ValidationError
		is.True(errors.As(err, &ve))
		fe, ok := ve.Field("conditions[0].filter_operator")
		is.True(ok)
		is.True(strings.Contains(fe.Message, `"contains"`) && strings.Contains(fe.Message, `"status"`)) // both named
	})

	t.Run("Name", func(t *testing.T) {
		is := is.New(t)
		f := newViewFixture(t, newStore)
		for _, name := range []string{"", "   ", strings.Repeat("x", store.MaxViewNameLength+1), "a\x00b"} {
			_, err := f.s.SaveView(ctx, 1, store.View{Name: name, Conditions: []store.Condition{where("labels", store.OpIsPresent)}})
			is.True(errors.Is(err, convo.ErrInvalid)) // a blank, long or bad name
			wantInvalid(t, err, "name")
		}
		_, err := f.s.SaveView(ctx, 1, store.View{Name: "empty"})
		wantCode(t, err, "conditions", convo.CodeRequired) // a view needs a condition
		list, err := f.s.ListViews(ctx, 1)
		is.NoErr(err)
		is.Equal(len(list), 0) // nothing saved
		_, err = f.s.SaveView(ctx, 1, store.View{Name: strings.Repeat("x", store.MaxViewNameLength), Conditions: []store.Condition{where("labels", store.OpIsPresent)}})
		is.NoErr(err) // the longest name
	})
}

func testViewTenancy(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	is := is.New(t)
	f := newWorkflowFixture(t, newStore)
	mine, err := f.s.SaveView(ctx, 1, store.View{Name: "shared name", Conditions: []store.Condition{where("inbox_id", store.OpEqualTo, "3")}})
	is.NoErr(err)
	// Account 2 has a conversation in inbox 3 too, so a leak would show.
	c2 := mustCreateContact(t, f.s, 2, convo.NewContact{FirstName: "Mallory"})
	_, err = f.s.CreateConversation(ctx, 2, convo.NewConversation{ContactID: c2.ID, Channel: convo.ChannelEmail, HappenedAt: viewNow, InboxID: 3})
	is.NoErr(err)
	noInbox, err := f.s.CreateConversation(ctx, 2, convo.NewConversation{ContactID: c2.ID, Channel: convo.ChannelEmail, HappenedAt: viewNow})
	is.NoErr(err)

	_, err = f.s.GetView(ctx, 2, "shared name")
	is.True(errors.Is(err, convo.ErrNotFound)) // not seen
	list, err := f.s.ListViews(ctx, 2)
	is.NoErr(err)
	is.Equal(len(list), 0) // not listed
	_, err = f.s.ListConversations(ctx, 2, store.ConversationFilter{View: "shared name"})
	is.True(errors.Is(err, convo.ErrNotFound)) // not used
	_, err = f.s.CountConversations(ctx, 2, store.ConversationFilter{View: "shared name"})
	is.True(errors.Is(err, convo.ErrNotFound))
	err = f.s.DeleteView(ctx, 2, "shared name")
	is.True(errors.Is(err, convo.ErrNotFound)) // not deleted
	got, err := f.s.GetView(ctx, 1, "shared name")
	is.NoErr(err)
	is.Equal(got, mine) // account 1's view is as it was

	// Account 2 saves a view of the same name: each account has its own.
	f.clock.Advance(time.Minute)
	theirs, err := f.s.SaveView(ctx, 2, store.View{Name: "shared name", Conditions: []store.Condition{where("inbox_id", store.OpIsNotPresent)}})
	is.NoErr(err)
	is.True(theirs.CreatedAt.Equal(f.clock.Now())) // a new view, not account 1's replaced
	got, err = f.s.GetView(ctx, 1, "shared name")
	is.NoErr(err)
	is.Equal(got, mine)                                                                    // still account 1's own
	is.Equal(f.list(t, store.ConversationFilter{View: "shared name"}), []string{"a", "d"}) // account 1's conversations only
	page, err := f.s.ListConversations(ctx, 2, store.ConversationFilter{View: "shared name"})
	is.NoErr(err)
	is.Equal(len(page.Items), 1) // account 2's view, on account 2's conversations
	is.Equal(page.Items[0].ID, noInbox.ID)
	is.NoErr(f.s.DeleteView(ctx, 2, "shared name"))
	_, err = f.s.GetView(ctx, 1, "shared name")
	is.NoErr(err) // deleting account 2's view leaves account 1's
}

func testViewExchange(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	// seed is an account with a contact, a conversation, a message and
	// views saved out of name order, at different times.
	seed := func(t *testing.T) *viewFixture {
		t.Helper()
		f := newViewFixture(t, newStore)
		c := f.contact(t, convo.NewContact{FirstName: "Ex", Email: "ex@example.com"})
		conv := f.conversation(t, "ex", convo.NewConversation{ContactID: c.ID, InboxID: 3})
		mustAddMessage(t, f.s, 1, conv.ID, text("hello"))
		for _, v := range []store.View{
			{Name: "b", Conditions: []store.Condition{where("inbox_id", store.OpEqualTo, "3")}},
			{Name: "C", Conditions: []store.Condition{or(where("status", store.OpEqualTo, "open")), where("custom_attributes.plan", store.OpIsPresent)}},
			{Name: "a b", Conditions: []store.Condition{where("created_at", store.OpDaysBefore, "7")}},
			{Name: "a", Conditions: []store.Condition{where("labels", store.OpIsNotPresent)}},
		} {
			f.clock.Advance(time.Minute)
			if _, err := f.s.SaveView(ctx, 1, v); err != nil {
				t.Fatalf("save view %q: %v", v.Name, err)
			}
		}
		f.clock.Advance(time.Minute)
		if _, err := f.s.SaveView(ctx, 1, store.View{Name: "b", Conditions: []store.Condition{where("inbox_id", store.OpEqualTo, "3", "4")}}); err != nil {
			t.Fatalf("save view b again: %v", err) // updated after it was created
		}
		return f
	}
	export := func(t *testing.T, s store.Store) []store.Record {
		t.Helper()
		var records []store.Record
		if err := s.Export(ctx, 1, func(r store.Record) error { records = append(records, r); return nil }); err != nil {
			t.Fatalf("export: %v", err)
		}
		return records
	}
	viewsOf := func(records []store.Record) []store.View {
		var out []store.View
		for _, r := range records {
			if r.View != nil {
				out = append(out, *r.View)
			}
		}
		return out
	}

	t.Run("Export/ViewsLastByName", func(t *testing.T) {
		is := is.New(t)
		f := seed(t)
		records := export(t, f.s)
		var kinds []string
		for _, r := range records {
			if k := r.Kind(); len(kinds) == 0 || kinds[len(kinds)-1] != k {
				kinds = append(kinds, k)
			}
		}
		is.Equal(kinds, []string{store.KindContact, store.KindConversation, store.KindMessage, store.KindView}) // views last
		views := viewsOf(records)
		is.Equal(viewNames(views), []string{"C", "a", "a b", "b"}) // by name, byte order
		stored, err := f.s.ListViews(ctx, 1)
		is.NoErr(err)
		is.Equal(views, stored) // every field as stored
		is.True(views[3].UpdatedAt.After(views[3].CreatedAt))
	})

	t.Run("Import/RoundTrip", func(t *testing.T) {
		is := is.New(t)
		src := seed(t)
		records := export(t, src.s)
		dst := newViewFixture(t, newStore)
		dst.clock.now = viewNow.Add(24 * time.Hour) // another time: the records' times are kept
		stats, err := dst.s.Import(ctx, 1, recordsOf(records), store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Contacts: 1, Conversations: 1, Messages: 1, Views: 4}) // views counted
		want, err := src.s.ListViews(ctx, 1)
		is.NoErr(err)
		got, err := dst.s.ListViews(ctx, 1)
		is.NoErr(err)
		is.Equal(got, want)                       // read back identically
		is.Equal(viewsOf(export(t, dst.s)), want) // and exported identically
		page, err := dst.s.ListConversations(ctx, 1, store.ConversationFilter{View: "b"})
		is.NoErr(err)
		is.Equal(len(page.Items), 1) // an imported view lists

		again, err := dst.s.Import(ctx, 1, recordsOf(records), store.ImportOptions{})
		is.NoErr(err)
		is.Equal(again, store.ImportStats{Unchanged: len(records)}) // importing twice changes nothing
		got, err = dst.s.ListViews(ctx, 1)
		is.NoErr(err)
		is.Equal(got, want)
	})

	t.Run("Import/IntoTheSameStoreIsUnchanged", func(t *testing.T) {
		is := is.New(t)
		f := seed(t)
		views := viewsOf(export(t, f.s))
		var records []store.Record
		for i := range views {
			records = append(records, store.Record{View: &views[i]})
		}
		stats, err := f.s.Import(ctx, 1, recordsOf(records), store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Unchanged: 4})
	})

	t.Run("Import/SameNameOtherConditionsIsConflict", func(t *testing.T) {
		is := is.New(t)
		f := seed(t)
		before, err := f.s.ListViews(ctx, 1)
		is.NoErr(err)
		changed := before[1] // "a"
		changed.Conditions = []store.Condition{where("labels", store.OpIsPresent)}
		fresh := store.View{Name: "z", Conditions: changed.Conditions, CreatedAt: viewNow, UpdatedAt: viewNow}
		_, err = f.s.Import(ctx, 1, recordsOf([]store.Record{{View: &fresh}, {View: &changed}}), store.ImportOptions{})
		is.True(errors.Is(err, convo.ErrConflict)) // a view replaces none
		after, err := f.s.ListViews(ctx, 1)
		is.NoErr(err)
		is.Equal(after, before) // nothing written, not even the new view before it
	})

	t.Run("Import/TimesDefaultToTheClock", func(t *testing.T) {
		is := is.New(t)
		f := newViewFixture(t, newStore)
		v := store.View{Name: "untimed", Conditions: []store.Condition{where("labels", store.OpIsPresent)}}
		stats, err := f.s.Import(ctx, 1, recordsOf([]store.Record{{View: &v}}), store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Views: 1})
		got, err := f.s.GetView(ctx, 1, "untimed")
		is.NoErr(err)
		is.True(got.CreatedAt.Equal(viewNow)) // now
		is.True(got.UpdatedAt.Equal(viewNow)) // its CreatedAt
	})

	t.Run("Import/BadViewIsNamed", func(t *testing.T) {
		is := is.New(t)
		f := newViewFixture(t, newStore)
		good := store.View{Name: "good", Conditions: []store.Condition{where("labels", store.OpIsPresent)}}
		bad := store.View{Name: "bad", Conditions: []store.Condition{where("colour", store.OpEqualTo, "red")}}
		_, err := f.s.Import(ctx, 1, recordsOf([]store.Record{{View: &good}, {View: &bad}}), store.ImportOptions{})
		wantCode(t, err, "line 2: views.conditions[0].attribute_key", convo.CodeUnknown) // named by its position
		list, err := f.s.ListViews(ctx, 1)
		is.NoErr(err)
		is.Equal(len(list), 0) // nothing written
	})
}
