package postgres

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// A quick check of views until storetest's proofs land.
func TestViewsLocal(t *testing.T) {
	ctx := context.Background()
	is := is.New(t)
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := openStore(t, newConvoDatabase(t), Options{Now: func() time.Time { return clock }})
	ada, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada", LastName: "Lovelace", Email: "ADA@x.com",
		CustomAttributes: convo.Attributes{"plan": "Pro", "seats": 5, "vip": true, "note": "50%_off"}})
	is.NoErr(err)
	bob, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Bob"})
	is.NoErr(err)
	at := clock.Add(-time.Hour)
	c1, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelEmail, HappenedAt: at,
		InboxID: 3, Priority: convo.PriorityHigh, Labels: []string{"billing"},
		CustomAttributes: convo.Attributes{"tier": "Gold", "n": 3, "when": "2026-01-05", "e": ""}})
	is.NoErr(err)
	c2, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: bob.ID, Channel: convo.ChannelEmail, HappenedAt: at,
		CustomAttributes: convo.Attributes{"tier": nil, "n": "3"}})
	is.NoErr(err)
	c3, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelEmail, HappenedAt: at,
		Status: convo.StatusResolved, InboxID: 4})
	is.NoErr(err)

	for _, c := range []convo.Conversation{c1, c2} {
		_, err := s.AddMessage(ctx, 1, c.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hello there"})
		is.NoErr(err)
	}
	ids := func(f store.ConversationFilter) []int64 {
		t.Helper()
		f.Page = store.PageNumber(1, 25)
		p, err := s.ListConversations(ctx, 1, f)
		if err != nil {
			t.Fatalf("%+v: %v", f.Conditions, err)
		}
		var list []int64
		for _, c := range p.Items {
			list = append(list, c.ID)
		}
		slices.Sort(list)
		n, err := s.CountConversations(ctx, 1, f)
		is.NoErr(err)
		if n.All != len(list) || p.Meta.Total != len(list) {
			t.Errorf("%+v: count %d, meta %d, list %v", f.Conditions, n.All, p.Meta.Total, list)
		}
		return list
	}
	cond := func(attr string, op store.Operator, values ...string) store.ConversationFilter {
		return store.ConversationFilter{Conditions: []store.Condition{{Attribute: attr, Operator: op, Values: values}}}
	}
	all := []int64{c1.ID, c2.ID, c3.ID}
	for _, tc := range []struct {
		f    store.ConversationFilter
		want []int64
	}{
		{cond("status", store.OpEqualTo, "resolved"), []int64{c3.ID}},
		{cond("inbox_id", store.OpNotEqualTo, "3"), []int64{c2.ID, c3.ID}},
		{cond("inbox_id", store.OpIsNotPresent), []int64{c2.ID}},
		{cond("priority", store.OpIsPresent), []int64{c1.ID}},
		{cond("labels", store.OpEqualTo, "billing", "x"), []int64{c1.ID}},
		{cond("labels", store.OpIsNotPresent), []int64{c2.ID, c3.ID}},
		{cond("created_at", store.OpDaysBefore, "0"), nil},
		{cond("created_at", store.OpIsLessThan, "2026-03-02"), all},
		{cond("waiting_since", store.OpIsNotPresent), nil},
		{cond("custom_attributes.tier", store.OpEqualTo, "GOLD"), []int64{c1.ID}},
		{cond("custom_attributes.tier", store.OpContains, "OL"), []int64{c1.ID}},
		{cond("custom_attributes.tier", store.OpStartsWith, "gO"), []int64{c1.ID}},
		{cond("custom_attributes.tier", store.OpIsPresent), []int64{c1.ID}},
		{cond("custom_attributes.tier", store.OpIsNotPresent), []int64{c2.ID, c3.ID}},
		{cond("custom_attributes.e", store.OpIsPresent), nil},
		{cond("custom_attributes.n", store.OpEqualTo, "3.0"), []int64{c1.ID}},
		{cond("custom_attributes.n", store.OpEqualTo, "3"), []int64{c1.ID, c2.ID}},
		{cond("custom_attributes.n", store.OpIsGreaterThan, "2.5"), []int64{c1.ID}},
		{cond("custom_attributes.when", store.OpDaysBefore, "30"), []int64{c1.ID}},
		{cond("custom_attributes.when", store.OpIsGreaterThan, "2026-01-04"), []int64{c1.ID}},
		{cond("contact.custom_attributes.seats", store.OpIsGreaterThan, "4"), []int64{c1.ID, c3.ID}},
		{cond("contact.custom_attributes.vip", store.OpEqualTo, "true"), []int64{c1.ID, c3.ID}},
		{cond("contact.custom_attributes.vip", store.OpNotEqualTo, "true"), []int64{c2.ID}},
		{cond("contact.custom_attributes.note", store.OpContains, "%_"), []int64{c1.ID, c3.ID}},
		{cond("contact.custom_attributes.note", store.OpContains, "0_"), nil},
		{cond("contact.custom_attributes.plan", store.OpStartsWith, "p"), []int64{c1.ID, c3.ID}},
		{cond("contact.name", store.OpContains, "LOVE"), []int64{c1.ID, c3.ID}},
		{cond("contact.name", store.OpEqualTo, "bob"), []int64{c2.ID}},
		{cond("contact.email", store.OpStartsWith, "ada@"), []int64{c1.ID, c3.ID}},
		{cond("contact.email", store.OpIsNotPresent), []int64{c2.ID}},
		{cond("contact.blocked", store.OpEqualTo, "false"), all},
		{store.ConversationFilter{Conditions: []store.Condition{
			{Attribute: "status", Operator: store.OpEqualTo, Values: []string{"resolved"}, Or: true},
			{Attribute: "contact.name", Operator: store.OpEqualTo, Values: []string{"bob"}},
			{Attribute: "custom_attributes.n", Operator: store.OpEqualTo, Values: []string{"3"}},
		}}, []int64{c2.ID, c3.ID}},
		{store.ConversationFilter{Query: "nothing", Conditions: cond("status", store.OpEqualTo, "open").Conditions}, nil},
		{store.ConversationFilter{Query: "hello", Conditions: cond("contact.name", store.OpEqualTo, "bob").Conditions}, []int64{c2.ID}},
		{store.ConversationFilter{Query: "hello", Sort: store.SortCreatedAsc, Conditions: cond("inbox_id", store.OpEqualTo, "3").Conditions}, []int64{c1.ID}},
		{store.ConversationFilter{Statuses: []convo.Status{convo.StatusOpen}, Conditions: cond("contact.name", store.OpContains, "a").Conditions}, []int64{c1.ID}},
	} {
		if got := ids(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: got %v, want %v", tc.f.Conditions, got, tc.want)
		}
	}

	v, err := s.SaveView(ctx, 1, store.View{Name: "Ada's", Conditions: cond("contact.name", store.OpContains, "ada").Conditions})
	is.NoErr(err)
	is.Equal(v.CreatedAt, clock)
	clock = clock.Add(time.Minute)
	v, err = s.SaveView(ctx, 1, store.View{Name: "Ada's", Conditions: cond("contact.name", store.OpContains, "ada").Conditions})
	is.NoErr(err)
	is.Equal(v.UpdatedAt, clock)
	is.Equal(v.CreatedAt, clock.Add(-time.Minute))
	_, err = s.SaveView(ctx, 1, store.View{Name: "b", Conditions: cond("status", store.OpIsPresent).Conditions})
	is.True(errors.Is(err, convo.ErrInvalid))
	_, err = s.SaveView(ctx, 1, store.View{Name: "B", Conditions: cond("priority", store.OpIsNotPresent).Conditions})
	is.NoErr(err)
	got, err := s.GetView(ctx, 1, "Ada's")
	is.NoErr(err)
	is.Equal(got, v)
	views, err := s.ListViews(ctx, 1)
	is.NoErr(err)
	is.Equal(len(views), 2)
	is.Equal(views[0].Name, "Ada's")
	is.Equal(ids(store.ConversationFilter{View: "Ada's"}), []int64{c1.ID, c3.ID})
	is.Equal(ids(store.ConversationFilter{View: "Ada's", Conditions: cond("status", store.OpEqualTo, "resolved").Conditions}), []int64{c3.ID})
	is.Equal(ids(store.ConversationFilter{View: "B", Query: "nothing"}), []int64(nil))
	_, err = s.ListConversations(ctx, 1, store.ConversationFilter{View: "nope"})
	is.True(errors.Is(err, convo.ErrNotFound))
	_, err = s.CountConversations(ctx, 1, store.ConversationFilter{View: "nope"})
	is.True(errors.Is(err, convo.ErrNotFound))
	_, err = s.ListConversations(ctx, 2, store.ConversationFilter{View: "B"})
	is.True(errors.Is(err, convo.ErrNotFound))

	var records []store.Record
	is.NoErr(s.Export(ctx, 1, func(r store.Record) error { records = append(records, r); return nil }))
	is.Equal(records[len(records)-1].View.Name, "B")
	seq := func(yield func(store.Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}
	stats, err := s.Import(ctx, 1, seq, store.ImportOptions{})
	is.NoErr(err)
	is.Equal(stats.Views, 0)
	s2 := openStore(t, newConvoDatabase(t), Options{})
	stats, err = s2.Import(ctx, 1, seq, store.ImportOptions{})
	is.NoErr(err)
	is.Equal(stats.Views, 2)
	got2, err := s2.GetView(ctx, 1, "Ada's")
	is.NoErr(err)
	is.Equal(got2, v)
	_, err = s.SaveView(ctx, 1, store.View{Name: "B", Conditions: cond("priority", store.OpIsPresent).Conditions})
	is.NoErr(err)
	_, err = s2.Import(ctx, 1, func(yield func(store.Record, error) bool) {
		v, _ := s.GetView(ctx, 1, "B")
		yield(store.Record{View: &v}, nil)
	}, store.ImportOptions{})
	is.True(errors.Is(err, convo.ErrConflict))

	is.NoErr(s.DeleteView(ctx, 1, "B"))
	is.True(errors.Is(s.DeleteView(ctx, 1, "B"), convo.ErrNotFound))
}
