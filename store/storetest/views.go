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

// viewNow is the clock of the views tests: an afternoon far from the real
// time, so that days_before shows whose clock it reads. Its UTC day began
// at 2026-03-10T00:00:00Z.
var viewNow = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

// viewUser takes part in some of the conversations of the views fixture,
// directly or through viewAudience.
var (
	viewUser     = uuid.MustParse("5a0c1e2d-3b4f-4a6e-8d7c-9b0a1f2e3d4c")
	viewAudience = int64(7)
)

// viewFixture is a store on a settable clock whose conversations have
// names, so that a view's result reads as the list of their names.
type viewFixture struct {
	s     store.Store
	clock *inboxClock
	agent uuid.UUID
	other uuid.UUID
	names map[int64]string // conversation id → name
	ids   map[string]int64 // name → conversation id
}

func newViewFixture(t *testing.T, newStore NewStore) *viewFixture {
	t.Helper()
	clock := &inboxClock{now: viewNow}
	return &viewFixture{s: newStore(t, clock.Now), clock: clock, agent: uuid.New(), other: uuid.New(),
		names: map[int64]string{}, ids: map[string]int64{}}
}

func (f *viewFixture) contact(t *testing.T, in convo.NewContact) convo.Contact {
	t.Helper()
	return mustCreateContact(t, f.s, 1, in)
}

// conversation creates a conversation named name at the clock's time, then
// moves the clock a second on, so that no two conversations share a
// creation time.
func (f *viewFixture) conversation(t *testing.T, name string, in convo.NewConversation) convo.Conversation {
	t.Helper()
	if in.Channel == "" {
		in.Channel = convo.ChannelEmail
	}
	if in.HappenedAt.IsZero() {
		in.HappenedAt = f.clock.Now()
	}
	c, err := f.s.CreateConversation(context.Background(), 1, in)
	if err != nil {
		t.Fatalf("create conversation %s: %v", name, err)
	}
	f.names[c.ID], f.ids[name] = name, c.ID
	f.clock.Advance(time.Second)
	return c
}

func (f *viewFixture) get(t *testing.T, name string) convo.Conversation {
	t.Helper()
	c, err := f.s.GetConversation(context.Background(), 1, f.ids[name], store.GetConversationOptions{})
	if err != nil {
		t.Fatalf("get conversation %s: %v", name, err)
	}
	return c
}

// list returns the names of the conversations the filter lists, oldest
// first, all on one page, and checks that CountConversations counts as
// many on the filter's assignee tab.
func (f *viewFixture) list(t *testing.T, filter store.ConversationFilter) []string {
	t.Helper()
	if filter.Sort == 0 {
		filter.Sort = store.SortCreatedAsc
	}
	filter.Page = store.After("", store.MaxPerPage)
	page, err := f.s.ListConversations(context.Background(), 1, filter)
	if err != nil {
		t.Fatalf("list conversations: %v", err)
	}
	if page.Next != "" {
		t.Fatalf("list conversations: more than one page")
	}
	var names []string
	for _, c := range page.Items {
		name, ok := f.names[c.ID]
		if !ok {
			name = fmt.Sprintf("#%d", c.ID)
		}
		names = append(names, name)
	}
	counts, err := f.s.CountConversations(context.Background(), 1, filter)
	if err != nil {
		t.Fatalf("count conversations: %v", err)
	}
	if n := counts.Of(filter.Assignee); n != len(names) {
		t.Errorf("CountConversations counts %d (%+v), ListConversations lists %d: %v", n, counts, len(names), names)
	}
	return names
}

// where is a condition.
func where(attribute string, op store.Operator, values ...string) store.Condition {
	return store.Condition{Attribute: attribute, Operator: op, Values: values}
}

// or is c joined to the next condition with "or".
func or(c store.Condition) store.Condition {
	c.Or = true
	return c
}

// viewCase is a condition list and the names of the conversations it
// keeps, oldest first (nil for none).
type viewCase struct {
	conditions []store.Condition
	want       []string
}

// describe names a condition list as Chatwoot writes it.
func describe(list []store.Condition) string {
	var b strings.Builder
	for i, c := range list {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s %s %s", c.Attribute, c.Operator, strings.Join(c.Values, ","))
		if i < len(list)-1 {
			if c.Or {
				b.WriteString(" OR")
			} else {
				b.WriteString(" AND")
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// runViewCases lists each case's conditions on the fixture, one subtest a
// case, named by its conditions.
func runViewCases(t *testing.T, f *viewFixture, cases []viewCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(describe(tc.conditions), func(t *testing.T) {
			is := is.New(t)
			got := f.list(t, store.ConversationFilter{Conditions: tc.conditions})
			is.Equal(got, tc.want) // the conversations the conditions keep, and only those
		})
	}
}

// newWorkflowFixture is five conversations of one contact that differ in
// their workflow fields, created in this order:
//
//	name  status    priority  assignee  inbox  team  labels        participants
//	a     open      high      agent     3      4     billing, vip  viewUser
//	b     pending   low       other     5      -     billing       viewUser
//	c     resolved  none      -         -      -     -             -
//	d     snoozed   urgent    agent     3      -     sales         viewAudience
//	e     open      medium    -         -      4     vip           -
func newWorkflowFixture(t *testing.T, newStore NewStore) *viewFixture {
	t.Helper()
	f := newViewFixture(t, newStore)
	c := f.contact(t, convo.NewContact{FirstName: "Wanda", Email: "wanda@example.com"})
	f.conversation(t, "a", convo.NewConversation{ContactID: c.ID, Priority: convo.PriorityHigh, AssigneeID: f.agent,
		InboxID: 3, TeamID: 4, Labels: []string{"billing", "vip"}, UserIDs: []uuid.UUID{viewUser}})
	f.conversation(t, "b", convo.NewConversation{ContactID: c.ID, Status: convo.StatusPending, Priority: convo.PriorityLow,
		AssigneeID: f.other, InboxID: 5, Labels: []string{"billing"}, UserIDs: []uuid.UUID{viewUser}})
	f.conversation(t, "c", convo.NewConversation{ContactID: c.ID, Status: convo.StatusResolved})
	f.conversation(t, "d", convo.NewConversation{ContactID: c.ID, Status: convo.StatusSnoozed, Priority: convo.PriorityUrgent,
		AssigneeID: f.agent, InboxID: 3, Labels: []string{"sales"}, AudienceIDs: []int64{viewAudience}})
	f.conversation(t, "e", convo.NewConversation{ContactID: c.ID, Priority: convo.PriorityMedium, TeamID: 4, Labels: []string{"vip"}})
	return f
}

func testViews(t *testing.T, newStore NewStore) {
	t.Run("Attributes/Workflow", func(t *testing.T) { testViewWorkflow(t, newStore) })
	t.Run("Attributes/Times", func(t *testing.T) { testViewTimes(t, newStore) })
	t.Run("Attributes/Contact", func(t *testing.T) { testViewContact(t, newStore) })
	t.Run("Attributes/Bags", func(t *testing.T) { testViewBags(t, newStore) })
	t.Run("AndOr", func(t *testing.T) { testViewAndOr(t, newStore) })
	t.Run("Filter", func(t *testing.T) { testViewFilter(t, newStore) })
	t.Run("Paging", func(t *testing.T) { testViewPaging(t, newStore) })
	t.Run("Saved", func(t *testing.T) { testSavedViews(t, newStore) })
	t.Run("Validation", func(t *testing.T) { testViewValidation(t, newStore) })
	t.Run("Tenancy", func(t *testing.T) { testViewTenancy(t, newStore) })
	t.Run("Exchange", func(t *testing.T) { testViewExchange(t, newStore) })
}

func testViewWorkflow(t *testing.T, newStore NewStore) {
	f := newWorkflowFixture(t, newStore)
	agent, other := f.agent.String(), f.other.String()
	runViewCases(t, f, []viewCase{
		{[]store.Condition{where("status", store.OpEqualTo, "open")}, []string{"a", "e"}},
		{[]store.Condition{where("status", store.OpEqualTo, "pending", "snoozed")}, []string{"b", "d"}},
		{[]store.Condition{where("status", store.OpEqualTo, "resolved")}, []string{"c"}},
		{[]store.Condition{where("status", store.OpNotEqualTo, "open")}, []string{"b", "c", "d"}},
		{[]store.Condition{where("status", store.OpNotEqualTo, "open", "resolved")}, []string{"b", "d"}},

		{[]store.Condition{where("priority", store.OpEqualTo, "high")}, []string{"a"}},
		{[]store.Condition{where("priority", store.OpEqualTo, "low", "urgent")}, []string{"b", "d"}},
		{[]store.Condition{where("priority", store.OpEqualTo, "none")}, []string{"c"}},
		{[]store.Condition{where("priority", store.OpNotEqualTo, "none")}, []string{"a", "b", "d", "e"}},
		{[]store.Condition{where("priority", store.OpNotEqualTo, "high", "none")}, []string{"b", "d", "e"}},
		{[]store.Condition{where("priority", store.OpIsPresent)}, []string{"a", "b", "d", "e"}},
		{[]store.Condition{where("priority", store.OpIsNotPresent)}, []string{"c"}},

		{[]store.Condition{where("assignee_id", store.OpEqualTo, agent)}, []string{"a", "d"}},
		{[]store.Condition{where("assignee_id", store.OpEqualTo, agent, other)}, []string{"a", "b", "d"}},
		{[]store.Condition{where("assignee_id", store.OpEqualTo, uuid.NewString())}, nil},
		// Unassigned conversations are not equal to the agent.
		{[]store.Condition{where("assignee_id", store.OpNotEqualTo, agent)}, []string{"b", "c", "e"}},
		{[]store.Condition{where("assignee_id", store.OpIsPresent)}, []string{"a", "b", "d"}},
		{[]store.Condition{where("assignee_id", store.OpIsNotPresent)}, []string{"c", "e"}},

		{[]store.Condition{where("inbox_id", store.OpEqualTo, "3")}, []string{"a", "d"}},
		{[]store.Condition{where("inbox_id", store.OpEqualTo, "3", "5")}, []string{"a", "b", "d"}},
		// Conversations without an inbox are not equal to inbox 3.
		{[]store.Condition{where("inbox_id", store.OpNotEqualTo, "3")}, []string{"b", "c", "e"}},
		{[]store.Condition{where("inbox_id", store.OpIsPresent)}, []string{"a", "b", "d"}},
		{[]store.Condition{where("inbox_id", store.OpIsNotPresent)}, []string{"c", "e"}},

		{[]store.Condition{where("team_id", store.OpEqualTo, "4")}, []string{"a", "e"}},
		{[]store.Condition{where("team_id", store.OpEqualTo, "5")}, nil},
		{[]store.Condition{where("team_id", store.OpNotEqualTo, "4")}, []string{"b", "c", "d"}},
		{[]store.Condition{where("team_id", store.OpIsPresent)}, []string{"a", "e"}},
		{[]store.Condition{where("team_id", store.OpIsNotPresent)}, []string{"b", "c", "d"}},

		{[]store.Condition{where("labels", store.OpEqualTo, "billing")}, []string{"a", "b"}},
		{[]store.Condition{where("labels", store.OpEqualTo, "VIP", "sales")}, []string{"a", "d", "e"}}, // labels are normalised
		{[]store.Condition{where("labels", store.OpNotEqualTo, "billing")}, []string{"c", "d", "e"}},
		{[]store.Condition{where("labels", store.OpNotEqualTo, "billing", "vip")}, []string{"c", "d"}}, // none of them
		{[]store.Condition{where("labels", store.OpIsPresent)}, []string{"a", "b", "d", "e"}},
		{[]store.Condition{where("labels", store.OpIsNotPresent)}, []string{"c"}},
	})

	t.Run("FollowsChanges", func(t *testing.T) {
		is := is.New(t)
		ctx := context.Background()
		f := newWorkflowFixture(t, newStore)
		_, err := f.s.ChangeLabels(ctx, 1, f.ids["a"], convo.LabelChange{Remove: []string{"billing", "vip"}})
		is.NoErr(err)
		_, err = f.s.ChangeLabels(ctx, 1, f.ids["c"], convo.LabelChange{Add: []string{"billing"}})
		is.NoErr(err)
		_, err = f.s.Assign(ctx, 1, f.ids["c"], convo.Assignment{AssigneeID: f.agent, Quiet: true})
		is.NoErr(err)
		_, err = f.s.Assign(ctx, 1, f.ids["a"], convo.Assignment{Quiet: true})
		is.NoErr(err)
		list := func(c store.Condition) []string {
			return f.list(t, store.ConversationFilter{Conditions: []store.Condition{c}})
		}
		is.Equal(list(where("labels", store.OpIsNotPresent)), []string{"a"}) // its last label removed
		is.Equal(list(where("labels", store.OpIsPresent)), []string{"b", "c", "d", "e"})
		is.Equal(list(where("labels", store.OpEqualTo, "billing")), []string{"b", "c"})
		is.Equal(list(where("labels", store.OpNotEqualTo, "vip")), []string{"a", "b", "c", "d"})
		is.Equal(list(where("assignee_id", store.OpEqualTo, f.agent.String())), []string{"c", "d"})
		is.Equal(list(where("assignee_id", store.OpIsNotPresent)), []string{"a", "e"})
	})

	t.Run("StatusOfAnOverdueSnoozeIsOpen", func(t *testing.T) {
		is := is.New(t)
		f := newViewFixture(t, newStore)
		c := f.contact(t, convo.NewContact{FirstName: "Sam"})
		f.conversation(t, "snoozed", convo.NewConversation{ContactID: c.ID, Status: convo.StatusSnoozed, SnoozedUntil: viewNow.Add(time.Hour)})
		f.conversation(t, "open", convo.NewConversation{ContactID: c.ID})
		is.Equal(f.list(t, store.ConversationFilter{Conditions: []store.Condition{where("status", store.OpEqualTo, "snoozed")}}),
			[]string{"snoozed"}) // snoozed for an hour
		f.clock.Advance(2 * time.Hour)
		is.Equal(f.list(t, store.ConversationFilter{Conditions: []store.Condition{where("status", store.OpEqualTo, "snoozed")}}),
			[]string(nil)) // a snooze whose time has passed is not snoozed
		is.Equal(f.list(t, store.ConversationFilter{Conditions: []store.Condition{where("status", store.OpEqualTo, "open")}}),
			[]string{"snoozed", "open"}) // but open
		is.Equal(f.list(t, store.ConversationFilter{Conditions: []store.Condition{where("status", store.OpNotEqualTo, "snoozed")}}),
			[]string{"snoozed", "open"})
	})
}

func testViewAndOr(t *testing.T, newStore NewStore) {
	f := newWorkflowFixture(t, newStore)
	open := where("status", store.OpEqualTo, "open")
	high := where("priority", store.OpEqualTo, "high")
	runViewCases(t, f, []viewCase{
		{[]store.Condition{open, high}, []string{"a"}},
		{[]store.Condition{or(open), where("priority", store.OpEqualTo, "low")}, []string{"a", "b", "e"}},
		// a AND b OR c AND d is (a AND b) OR (c AND d); read left to
		// right, ((a AND b) OR c) AND d, it would keep d only.
		{[]store.Condition{open, or(high), where("status", store.OpEqualTo, "snoozed"), where("labels", store.OpEqualTo, "sales")},
			[]string{"a", "d"}},
		// a OR b AND c is a OR (b AND c); left to right it would keep d only.
		{[]store.Condition{or(where("status", store.OpEqualTo, "pending")), where("priority", store.OpEqualTo, "urgent"),
			where("inbox_id", store.OpEqualTo, "3")}, []string{"b", "d"}},
		// Three groups.
		{[]store.Condition{or(high), or(where("status", store.OpEqualTo, "resolved")), where("team_id", store.OpEqualTo, "4"),
			where("labels", store.OpEqualTo, "vip")}, []string{"a", "c", "e"}},
		// An "or" on the last condition joins it to nothing.
		{[]store.Condition{or(open)}, []string{"a", "e"}},
		{[]store.Condition{high, or(open)}, []string{"a"}},
		// Negative conditions inside groups: (not inbox 3 and a label)
		// or urgent; not inbox 3, or (a label and urgent).
		{[]store.Condition{where("inbox_id", store.OpNotEqualTo, "3"), or(where("labels", store.OpIsPresent)),
			where("priority", store.OpEqualTo, "urgent")}, []string{"b", "d", "e"}},
		{[]store.Condition{or(where("inbox_id", store.OpNotEqualTo, "3")), where("labels", store.OpIsPresent),
			where("priority", store.OpEqualTo, "urgent")}, []string{"b", "c", "d", "e"}},
	})
}

func testViewFilter(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	f := newWorkflowFixture(t, newStore)
	// Messages for the search: an agent's public reply, which neither
	// reopens a conversation nor matters to the conditions below.
	for _, name := range []string{"a", "b", "c"} {
		mustAddMessage(t, f.s, 1, f.ids[name], convo.NewMessage{Type: convo.MessageOutgoing, Content: "Your refund is on its way",
			AuthorID: f.agent})
	}
	prioritised := []store.Condition{where("priority", store.OpIsPresent)} // a, b, d, e
	viewer := convo.Viewer{UserID: viewUser, AudienceIDs: []int64{viewAudience}}
	for _, tc := range []struct {
		name   string
		filter store.ConversationFilter
		want   []string
	}{
		{"Alone", store.ConversationFilter{}, []string{"a", "b", "d", "e"}},
		{"Statuses", store.ConversationFilter{Statuses: []convo.Status{convo.StatusOpen}}, []string{"a", "e"}},
		{"StatusesSeveral", store.ConversationFilter{Statuses: []convo.Status{convo.StatusPending, convo.StatusSnoozed}}, []string{"b", "d"}},
		{"StatusesResolved", store.ConversationFilter{Statuses: []convo.Status{convo.StatusResolved}}, nil},
		{"InboxID", store.ConversationFilter{InboxID: 3}, []string{"a", "d"}},
		{"TeamID", store.ConversationFilter{TeamID: 4}, []string{"a", "e"}},
		{"Labels", store.ConversationFilter{Labels: []string{"billing"}}, []string{"a", "b"}},
		{"AssigneeMine", store.ConversationFilter{Assignee: store.AssigneeMine, Agent: f.agent}, []string{"a", "d"}},
		{"AssigneeUnassigned", store.ConversationFilter{Assignee: store.AssigneeUnassigned}, []string{"e"}},
		{"AssigneeAssigned", store.ConversationFilter{Assignee: store.AssigneeAssigned}, []string{"a", "b", "d"}},
		{"Viewer", store.ConversationFilter{Viewer: &viewer}, []string{"a", "b", "d"}},
		{"Query", store.ConversationFilter{Query: "refund"}, []string{"a", "b"}}, // c matches the search, not the conditions
		{"Several", store.ConversationFilter{Statuses: store.AllStatuses, InboxID: 3, Labels: []string{"vip", "sales"},
			Assignee: store.AssigneeMine, Agent: f.agent, Viewer: &viewer}, []string{"a", "d"}},
	} {
		t.Run("And/"+tc.name, func(t *testing.T) {
			is := is.New(t)
			filter := tc.filter
			filter.Conditions = prioritised
			is.Equal(f.list(t, filter), tc.want) // the conditions and every other field of the filter
		})
	}

	t.Run("ChatwootPayload", func(t *testing.T) {
		is := is.New(t)
		list, err := store.ParseConditions([]byte(`{"payload": [
			{"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"], "query_operator": "OR"},
			{"attribute_key": "inbox_id", "filter_operator": "equal_to", "values": [{"id": 3, "name": "Support"}], "query_operator": null}]}`))
		is.NoErr(err)
		is.Equal(f.list(t, store.ConversationFilter{Conditions: list}), []string{"a", "d", "e"}) // open, or in inbox 3
	})

	t.Run("StatusSet/DefaultIsOpenWithoutConditions", func(t *testing.T) {
		is := is.New(t)
		is.Equal(f.list(t, store.ConversationFilter{}), []string{"a", "e"}) // the baseline: open only
	})
	t.Run("StatusSet/ConditionsSpanEveryStatus", func(t *testing.T) {
		is := is.New(t)
		is.Equal(f.list(t, store.ConversationFilter{Conditions: []store.Condition{where("inbox_id", store.OpIsPresent)}}),
			[]string{"a", "b", "d"}) // pending and snoozed too
		is.Equal(f.list(t, store.ConversationFilter{Conditions: []store.Condition{where("labels", store.OpIsNotPresent)}}),
			[]string{"c"}) // and resolved
	})
	t.Run("StatusSet/StatusesNarrowTheConditions", func(t *testing.T) {
		is := is.New(t)
		is.Equal(f.list(t, store.ConversationFilter{Statuses: []convo.Status{convo.StatusOpen},
			Conditions: []store.Condition{where("status", store.OpEqualTo, "pending")}}), []string(nil)) // open and pending: none
		is.Equal(f.list(t, store.ConversationFilter{Statuses: []convo.Status{convo.StatusOpen, convo.StatusPending},
			Conditions: []store.Condition{where("status", store.OpNotEqualTo, "open")}}), []string{"b"})
	})
	t.Run("CountsAreTheFourTabs", func(t *testing.T) {
		is := is.New(t)
		counts, err := f.s.CountConversations(ctx, 1, store.ConversationFilter{Conditions: prioritised, Agent: f.agent,
			Assignee: store.AssigneeUnassigned})
		is.NoErr(err)
		is.Equal(counts, store.Counts{Mine: 2, Unassigned: 1, Assigned: 3, All: 4}) // a, d mine; e unassigned; a, b, d assigned
	})
}
