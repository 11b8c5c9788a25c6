package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func testViewTimes(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	day := func(d, h, m, s int) time.Time { return time.Date(2026, 3, d, h, m, s, 0, time.UTC) }
	// Four conversations, by the clock (viewNow is 2026-03-10T15:00:00Z):
	//
	//	name      created_at  last_activity_at  waiting_since
	//	old       03-01 10:00 03-09 12:00       03-01 10:00 (an incoming message keeps the wait)
	//	eve       03-08 23:59:58 03-08 23:59:59 -  (an agent replied)
	//	midnight  03-09 00:00 03-09 00:00       03-09 00:00
	//	today     03-10 09:00 03-10 09:00       -  (resolved)
	setup := func(t *testing.T) *viewFixture {
		t.Helper()
		f := newViewFixture(t, newStore)
		c := f.contact(t, convo.NewContact{FirstName: "Tim"})
		f.clock.now = day(1, 10, 0, 0)
		old := f.conversation(t, "old", convo.NewConversation{ContactID: c.ID})
		f.clock.now = day(8, 23, 59, 58)
		eve := f.conversation(t, "eve", convo.NewConversation{ContactID: c.ID})
		mustAddMessage(t, f.s, 1, eve.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "Hello", AuthorID: f.agent})
		f.clock.now = day(9, 0, 0, 0)
		f.conversation(t, "midnight", convo.NewConversation{ContactID: c.ID})
		f.clock.now = day(9, 12, 0, 0)
		mustAddMessage(t, f.s, 1, old.ID, text("Any news?"))
		f.clock.now = day(10, 9, 0, 0)
		today := f.conversation(t, "today", convo.NewConversation{ContactID: c.ID})
		f.clock.now = day(10, 9, 30, 0)
		if _, err := f.s.ChangeStatus(ctx, 1, today.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true}); err != nil {
			t.Fatalf("resolve: %v", err)
		}
		f.clock.now = viewNow

		// The fixture is as the table says.
		for _, want := range []struct {
			name                           string
			created, activity, waitingFrom time.Time
		}{
			{"old", day(1, 10, 0, 0), day(9, 12, 0, 0), day(1, 10, 0, 0)},
			{"eve", day(8, 23, 59, 58), day(8, 23, 59, 59), time.Time{}},
			{"midnight", day(9, 0, 0, 0), day(9, 0, 0, 0), day(9, 0, 0, 0)},
			{"today", day(10, 9, 0, 0), day(10, 9, 0, 0), time.Time{}},
		} {
			got := f.get(t, want.name)
			if !got.CreatedAt.Equal(want.created) || !got.LastActivityAt.Equal(want.activity) || !got.WaitingSince.Equal(want.waitingFrom) {
				t.Fatalf("fixture %s: created %v, last activity %v, waiting since %v; want %v, %v, %v", want.name,
					got.CreatedAt, got.LastActivityAt, got.WaitingSince, want.created, want.activity, want.waitingFrom)
			}
		}
		return f
	}
	f := setup(t)
	runViewCases(t, f, []viewCase{
		// A date is midnight UTC; the bound itself is neither greater nor less.
		{[]store.Condition{where("created_at", store.OpIsGreaterThan, "2026-03-09")}, []string{"today"}},
		{[]store.Condition{where("created_at", store.OpIsGreaterThan, "2026-03-08T23:59:58Z")}, []string{"midnight", "today"}},
		// An offset is read as the instant it names: 2026-03-08T23:59:57Z.
		{[]store.Condition{where("created_at", store.OpIsGreaterThan, "2026-03-09T00:59:57+01:00")}, []string{"eve", "midnight", "today"}},
		{[]store.Condition{where("created_at", store.OpIsLessThan, "2026-03-09")}, []string{"old", "eve"}},
		{[]store.Condition{where("created_at", store.OpIsLessThan, "2026-03-09T00:00:01Z")}, []string{"old", "eve", "midnight"}},
		// days_before n: before the UTC midnight that began n days before now.
		{[]store.Condition{where("created_at", store.OpDaysBefore, "0")}, []string{"old", "eve", "midnight"}},
		{[]store.Condition{where("created_at", store.OpDaysBefore, "1")}, []string{"old", "eve"}},
		{[]store.Condition{where("created_at", store.OpDaysBefore, "8")}, []string{"old"}},
		{[]store.Condition{where("created_at", store.OpDaysBefore, "9")}, nil},

		{[]store.Condition{where("last_activity_at", store.OpIsGreaterThan, "2026-03-09")}, []string{"old", "today"}},
		{[]store.Condition{where("last_activity_at", store.OpIsLessThan, "2026-03-09T12:00:00Z")}, []string{"eve", "midnight"}},
		{[]store.Condition{where("last_activity_at", store.OpDaysBefore, "0")}, []string{"old", "eve", "midnight"}},
		{[]store.Condition{where("last_activity_at", store.OpDaysBefore, "1")}, []string{"eve"}},

		{[]store.Condition{where("waiting_since", store.OpIsPresent)}, []string{"old", "midnight"}},
		{[]store.Condition{where("waiting_since", store.OpIsNotPresent)}, []string{"eve", "today"}},
		// Not waiting is neither after nor before a time.
		{[]store.Condition{where("waiting_since", store.OpIsGreaterThan, "2026-03-02")}, []string{"midnight"}},
		{[]store.Condition{where("waiting_since", store.OpIsLessThan, "2026-03-09T00:00:00Z")}, []string{"old"}},
		{[]store.Condition{where("waiting_since", store.OpDaysBefore, "0")}, []string{"old", "midnight"}},
		{[]store.Condition{where("waiting_since", store.OpDaysBefore, "1")}, []string{"old"}},
	})

	t.Run("DaysBeforeReadsTheClock", func(t *testing.T) {
		is := is.New(t)
		f := setup(t)
		daysBefore := []store.Condition{where("created_at", store.OpDaysBefore, "1")}
		_, err := f.s.SaveView(ctx, 1, store.View{Name: "stale", Conditions: daysBefore})
		is.NoErr(err)
		is.Equal(f.list(t, store.ConversationFilter{Conditions: daysBefore}), []string{"old", "eve"})
		is.Equal(f.list(t, store.ConversationFilter{View: "stale"}), []string{"old", "eve"})
		f.clock.Advance(24 * time.Hour)                                                                           // 2026-03-11T15:00:00Z: days_before 1 is before 03-10
		is.Equal(f.list(t, store.ConversationFilter{Conditions: daysBefore}), []string{"old", "eve", "midnight"}) // the list follows the clock
		is.Equal(f.list(t, store.ConversationFilter{View: "stale"}), []string{"old", "eve", "midnight"})          // and so does a saved view
		f.clock.now = time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)                                                // the very start of the day
		is.Equal(f.list(t, store.ConversationFilter{Conditions: daysBefore}), []string{"old", "eve", "midnight"})
		f.clock.now = time.Date(2026, 3, 10, 23, 59, 59, 0, time.UTC) // the end of the day before
		is.Equal(f.list(t, store.ConversationFilter{Conditions: daysBefore}), []string{"old", "eve"})
	})
}

func testViewContact(t *testing.T, newStore NewStore) {
	f := newViewFixture(t, newStore)
	for _, c := range []struct {
		name string
		in   convo.NewContact
	}{
		{"ada", convo.NewContact{FirstName: "Ada", LastName: "Lovelace", Email: "Ada@Example.com", Phone: "+44 20 7946 0000", Identifier: "CRM-1"}},
		{"bob", convo.NewContact{FirstName: "Bob", LastName: "Stone", Email: "bob@example.org", Phone: "+1 (202) 555-0100", Identifier: "crm-2"}},
		{"nick", convo.NewContact{Nickname: "Nicky"}}, // no name but a nickname, no email, phone or identifier
		{"carl", convo.NewContact{FirstName: "Carl", Email: "carl@example.com", Blocked: true}},
		{"dan", convo.NewContact{Email: "dan@example.net"}}, // no name at all
		{"under", convo.NewContact{FirstName: "Ann_Lee"}},
		{"lookalike", convo.NewContact{FirstName: "AnnXLee"}},
	} {
		contact := f.contact(t, c.in)
		f.conversation(t, c.name, convo.NewConversation{ContactID: contact.ID})
	}
	named := []string{"ada", "bob", "nick", "carl", "under", "lookalike"}
	runViewCases(t, f, []viewCase{
		// The complete name, without regard to case.
		{[]store.Condition{where("contact.name", store.OpEqualTo, "ada lovelace")}, []string{"ada"}},
		{[]store.Condition{where("contact.name", store.OpEqualTo, "ADA LOVELACE", "bob stone")}, []string{"ada", "bob"}},
		{[]store.Condition{where("contact.name", store.OpEqualTo, "Ada")}, nil}, // the whole name
		{[]store.Condition{where("contact.name", store.OpEqualTo, "nicky")}, []string{"nick"}},
		{[]store.Condition{where("contact.name", store.OpNotEqualTo, "ada lovelace")}, []string{"bob", "nick", "carl", "dan", "under", "lookalike"}},
		{[]store.Condition{where("contact.name", store.OpContains, "LOVE")}, []string{"ada"}},
		{[]store.Condition{where("contact.name", store.OpContains, "o")}, []string{"ada", "bob"}},
		{[]store.Condition{where("contact.name", store.OpDoesNotContain, "o")}, []string{"nick", "carl", "dan", "under", "lookalike"}},
		{[]store.Condition{where("contact.name", store.OpStartsWith, "ada l", "B")}, []string{"ada", "bob"}},
		{[]store.Condition{where("contact.name", store.OpStartsWith, "lovelace")}, nil},
		// '_' and '%' are literal.
		{[]store.Condition{where("contact.name", store.OpContains, "n_l")}, []string{"under"}},
		{[]store.Condition{where("contact.name", store.OpStartsWith, "ann_")}, []string{"under"}},
		{[]store.Condition{where("contact.name", store.OpContains, "%")}, nil},
		{[]store.Condition{where("contact.name", store.OpIsPresent)}, named},
		{[]store.Condition{where("contact.name", store.OpIsNotPresent)}, []string{"dan"}},

		// Without regard to case; a contact without an email is not equal to one.
		{[]store.Condition{where("contact.email", store.OpEqualTo, "ada@example.com")}, []string{"ada"}},
		{[]store.Condition{where("contact.email", store.OpEqualTo, "BOB@EXAMPLE.ORG")}, []string{"bob"}},
		{[]store.Condition{where("contact.email", store.OpNotEqualTo, "ada@example.com")}, []string{"bob", "nick", "carl", "dan", "under", "lookalike"}},
		{[]store.Condition{where("contact.email", store.OpContains, "EXAMPLE.com")}, []string{"ada", "carl"}},
		{[]store.Condition{where("contact.email", store.OpDoesNotContain, "example.com")}, []string{"bob", "nick", "dan", "under", "lookalike"}},
		{[]store.Condition{where("contact.email", store.OpStartsWith, "CARL@")}, []string{"carl"}},
		{[]store.Condition{where("contact.email", store.OpIsPresent)}, []string{"ada", "bob", "carl", "dan"}},
		{[]store.Condition{where("contact.email", store.OpIsNotPresent)}, []string{"nick", "under", "lookalike"}},

		// Phone numbers without their formatting: stored +442079460000 and +12025550100.
		{[]store.Condition{where("contact.phone_number", store.OpEqualTo, "+44 20 7946 0000")}, []string{"ada"}},
		{[]store.Condition{where("contact.phone_number", store.OpEqualTo, "+442079460000")}, []string{"ada"}},
		{[]store.Condition{where("contact.phone_number", store.OpNotEqualTo, "+1 202 555 0100")}, []string{"ada", "nick", "carl", "dan", "under", "lookalike"}},
		{[]store.Condition{where("contact.phone_number", store.OpStartsWith, "+44 20")}, []string{"ada"}},
		{[]store.Condition{where("contact.phone_number", store.OpStartsWith, "+1 (202)")}, []string{"bob"}},
		{[]store.Condition{where("contact.phone_number", store.OpContains, "555-0100")}, []string{"bob"}},
		{[]store.Condition{where("contact.phone_number", store.OpContains, "79.46")}, []string{"ada"}},
		{[]store.Condition{where("contact.phone_number", store.OpDoesNotContain, "7946")}, []string{"bob", "nick", "carl", "dan", "under", "lookalike"}},
		{[]store.Condition{where("contact.phone_number", store.OpIsPresent)}, []string{"ada", "bob"}},
		{[]store.Condition{where("contact.phone_number", store.OpIsNotPresent)}, []string{"nick", "carl", "dan", "under", "lookalike"}},

		// The identifier as given.
		{[]store.Condition{where("contact.identifier", store.OpEqualTo, "CRM-1")}, []string{"ada"}},
		{[]store.Condition{where("contact.identifier", store.OpNotEqualTo, "CRM-1")}, []string{"bob", "nick", "carl", "dan", "under", "lookalike"}},
		{[]store.Condition{where("contact.identifier", store.OpStartsWith, "CRM-")}, []string{"ada"}},
		{[]store.Condition{where("contact.identifier", store.OpContains, "rm-")}, []string{"bob"}},
		{[]store.Condition{where("contact.identifier", store.OpDoesNotContain, "RM")}, []string{"bob", "nick", "carl", "dan", "under", "lookalike"}},
		{[]store.Condition{where("contact.identifier", store.OpIsPresent)}, []string{"ada", "bob"}},
		{[]store.Condition{where("contact.identifier", store.OpIsNotPresent)}, []string{"nick", "carl", "dan", "under", "lookalike"}},

		{[]store.Condition{where("contact.blocked", store.OpEqualTo, "true")}, []string{"carl"}},
		{[]store.Condition{where("contact.blocked", store.OpEqualTo, "false")}, []string{"ada", "bob", "nick", "dan", "under", "lookalike"}},
		{[]store.Condition{where("contact.blocked", store.OpNotEqualTo, "false")}, []string{"carl"}},
		{[]store.Condition{where("contact.blocked", store.OpEqualTo, "true", "false")}, []string{"ada", "bob", "nick", "carl", "dan", "under", "lookalike"}},
	})

	t.Run("NameIgnoresCaseBeyondASCII", func(t *testing.T) {
		is := is.New(t)
		f := newViewFixture(t, newStore)
		for _, c := range []struct{ name, first, last string }{{"emile", "Émile", "Zola"}, {"emma", "Emma", "Zola"}} {
			contact := f.contact(t, convo.NewContact{FirstName: c.first, LastName: c.last})
			f.conversation(t, c.name, convo.NewConversation{ContactID: contact.ID})
		}
		list := func(c store.Condition) []string {
			return f.list(t, store.ConversationFilter{Conditions: []store.Condition{c}})
		}
		is.Equal(list(where("contact.name", store.OpEqualTo, "ÉMILE ZOLA")), []string{"emile"}) // "without regard to case": É is é
		is.Equal(list(where("contact.name", store.OpStartsWith, "émile")), []string{"emile"})
		is.Equal(list(where("contact.name", store.OpContains, "mile")), []string{"emile"})
	})

	t.Run("FollowsTheContact", func(t *testing.T) {
		is := is.New(t)
		f := newViewFixture(t, newStore)
		c := f.contact(t, convo.NewContact{FirstName: "Eve", Email: "eve@example.com"})
		f.conversation(t, "eve", convo.NewConversation{ContactID: c.ID})
		byName := store.ConversationFilter{Conditions: []store.Condition{where("contact.name", store.OpEqualTo, "eve adams")}}
		is.Equal(f.list(t, byName), []string(nil))
		last := "Adams"
		_, err := f.s.UpdateContact(context.Background(), 1, c.ID, convo.ContactUpdate{LastName: &last})
		is.NoErr(err)
		is.Equal(f.list(t, byName), []string{"eve"}) // the contact as it is now
	})
}

// viewBags are the four attribute bags a condition reads by key.
var viewBags = []string{"custom_attributes", "additional_attributes", "contact.custom_attributes", "contact.additional_attributes"}

// newBagFixture is seven conversations, each of a contact of its own,
// with these attributes in one bag (the others empty):
//
//	name    plan        seats       vip     since                   note       tags   sub-plan
//	pro     "PRO"       10          true    "2025-01-15"            "100%_off" [a,b]  "A-1"
//	lower   "pro"       10.0        false   "2025-06-30T12:00:00Z"  "100xyoff"
//	plus    "Pro Plus"  9           "true"  "2024-12-31"            "100% off"
//	blank   ""          null        null
//	accent  "Éclair"    0           false   "2026-03-09"            "x"        []
//	text10  "10"        "10"                "2026-03-10T08:00:00Z"
//	none
func newBagFixture(t *testing.T, newStore NewStore, bag string) *viewFixture {
	t.Helper()
	f := newViewFixture(t, newStore)
	for _, c := range []struct {
		name  string
		attrs convo.Attributes
	}{
		{"pro", convo.Attributes{"plan": "PRO", "seats": 10, "vip": true, "since": "2025-01-15", "note": "100%_off",
			"tags": []any{"a", "b"}, "sub-plan": "A-1"}},
		{"lower", convo.Attributes{"plan": "pro", "seats": json.Number("10.0"), "vip": false, "since": "2025-06-30T12:00:00Z", "note": "100xyoff"}},
		{"plus", convo.Attributes{"plan": "Pro Plus", "seats": 9, "vip": "true", "since": "2024-12-31", "note": "100% off"}},
		{"blank", convo.Attributes{"plan": "", "seats": nil, "vip": nil}},
		{"accent", convo.Attributes{"plan": "Éclair", "seats": 0, "vip": false, "since": "2026-03-09", "note": "x", "tags": []any{}}},
		{"text10", convo.Attributes{"plan": "10", "seats": "10", "since": "2026-03-10T08:00:00Z"}},
		{"none", nil},
	} {
		var contact convo.NewContact
		var conv convo.NewConversation
		switch bag {
		case "custom_attributes":
			conv.CustomAttributes = c.attrs
		case "additional_attributes":
			conv.AdditionalAttributes = c.attrs
		case "contact.custom_attributes":
			contact.CustomAttributes = c.attrs
		case "contact.additional_attributes":
			contact.AdditionalAttributes = c.attrs
		}
		contact.FirstName = "Owner of " + c.name
		conv.ContactID = f.contact(t, contact).ID
		f.conversation(t, c.name, conv)
	}
	return f
}

func testViewBags(t *testing.T, newStore NewStore) {
	for _, bag := range viewBags {
		t.Run(bag, func(t *testing.T) {
			f := newBagFixture(t, newStore, bag)
			key := func(k string) string { return bag + "." + k }
			cases := []viewCase{
				// Strings: the letters A to Z match either case, no other letter does.
				{[]store.Condition{where(key("plan"), store.OpEqualTo, "pro")}, []string{"pro", "lower"}},
				{[]store.Condition{where(key("plan"), store.OpEqualTo, "PRO")}, []string{"pro", "lower"}},
				{[]store.Condition{where(key("plan"), store.OpEqualTo, "ÉCLAIR")}, []string{"accent"}},
				{[]store.Condition{where(key("plan"), store.OpEqualTo, "éclair")}, nil}, // É is not A to Z
				{[]store.Condition{where(key("plan"), store.OpEqualTo, "10")}, []string{"text10"}},
				{[]store.Condition{where(key("plan"), store.OpNotEqualTo, "pro")}, []string{"plus", "blank", "accent", "text10", "none"}},
				{[]store.Condition{where(key("plan"), store.OpContains, "PRO")}, []string{"pro", "lower", "plus"}},
				{[]store.Condition{where(key("plan"), store.OpContains, "o p")}, []string{"plus"}},
				{[]store.Condition{where(key("plan"), store.OpDoesNotContain, "pro")}, []string{"blank", "accent", "text10", "none"}},
				{[]store.Condition{where(key("plan"), store.OpStartsWith, "pro ")}, []string{"plus"}},
				{[]store.Condition{where(key("plan"), store.OpStartsWith, "Pro", "écl")}, []string{"pro", "lower", "plus"}},
				// Present: set, not null and not "".
				{[]store.Condition{where(key("plan"), store.OpIsPresent)}, []string{"pro", "lower", "plus", "accent", "text10"}},
				{[]store.Condition{where(key("plan"), store.OpIsNotPresent)}, []string{"blank", "none"}},

				// Numbers numerically: 10 and 10.0 are one number; a string
				// "10" equals the text "10", not "10.0".
				{[]store.Condition{where(key("seats"), store.OpEqualTo, "10")}, []string{"pro", "lower", "text10"}},
				{[]store.Condition{where(key("seats"), store.OpEqualTo, "10.0")}, []string{"pro", "lower"}},
				{[]store.Condition{where(key("seats"), store.OpEqualTo, "9", "0")}, []string{"plus", "accent"}},
				{[]store.Condition{where(key("seats"), store.OpNotEqualTo, "10")}, []string{"plus", "blank", "accent", "none"}},
				// 10 > 9 as numbers (not as text, where "10" < "9"); the
				// string "10" is not compared with a number.
				{[]store.Condition{where(key("seats"), store.OpIsGreaterThan, "9")}, []string{"pro", "lower"}},
				{[]store.Condition{where(key("seats"), store.OpIsGreaterThan, "9.5")}, []string{"pro", "lower"}},
				{[]store.Condition{where(key("seats"), store.OpIsGreaterThan, "-1")}, []string{"pro", "lower", "plus", "accent"}},
				{[]store.Condition{where(key("seats"), store.OpIsLessThan, "10")}, []string{"plus", "accent"}},
				{[]store.Condition{where(key("seats"), store.OpIsLessThan, "100")}, []string{"pro", "lower", "plus", "accent"}},
				// 0 is present, null is not.
				{[]store.Condition{where(key("seats"), store.OpIsPresent)}, []string{"pro", "lower", "plus", "accent", "text10"}},
				{[]store.Condition{where(key("seats"), store.OpIsNotPresent)}, []string{"blank", "none"}},

				// Booleans with "true" and "false"; the string "true" as text.
				{[]store.Condition{where(key("vip"), store.OpEqualTo, "true")}, []string{"pro", "plus"}},
				{[]store.Condition{where(key("vip"), store.OpEqualTo, "false")}, []string{"lower", "accent"}},
				{[]store.Condition{where(key("vip"), store.OpNotEqualTo, "true")}, []string{"lower", "blank", "accent", "text10", "none"}},
				// false is present.
				{[]store.Condition{where(key("vip"), store.OpIsPresent)}, []string{"pro", "lower", "plus", "accent"}},
				{[]store.Condition{where(key("vip"), store.OpIsNotPresent)}, []string{"blank", "text10", "none"}},

				// Strings compare byte by byte: dates in time order.
				{[]store.Condition{where(key("since"), store.OpIsGreaterThan, "2025-01-15")}, []string{"lower", "accent", "text10"}},
				{[]store.Condition{where(key("since"), store.OpIsLessThan, "2025-06-30")}, []string{"pro", "plus"}},
				{[]store.Condition{where(key("since"), store.OpIsLessThan, "2025-06-30T12:00:01Z")}, []string{"pro", "lower", "plus"}},
				// days_before n: before the date n days ago (now is 2026-03-10T15:00:00Z).
				{[]store.Condition{where(key("since"), store.OpDaysBefore, "1")}, []string{"pro", "lower", "plus"}},
				{[]store.Condition{where(key("since"), store.OpDaysBefore, "0")}, []string{"pro", "lower", "plus", "accent"}},

				// '%' and '_' are literal.
				{[]store.Condition{where(key("note"), store.OpContains, "%_")}, []string{"pro"}},
				{[]store.Condition{where(key("note"), store.OpContains, "_")}, []string{"pro"}},
				{[]store.Condition{where(key("note"), store.OpStartsWith, "100%")}, []string{"pro", "plus"}},
				{[]store.Condition{where(key("note"), store.OpDoesNotContain, "%")}, []string{"lower", "blank", "accent", "text10", "none"}},
				{[]store.Condition{where(key("note"), store.OpEqualTo, "100__off")}, nil},

				// Arrays are present, empty or not.
				{[]store.Condition{where(key("tags"), store.OpIsPresent)}, []string{"pro", "accent"}},
				{[]store.Condition{where(key("tags"), store.OpIsNotPresent)}, []string{"lower", "plus", "blank", "text10", "none"}},

				// A key with a dash.
				{[]store.Condition{where(key("sub-plan"), store.OpEqualTo, "a-1")}, []string{"pro"}},
				{[]store.Condition{where(key("sub-plan"), store.OpIsPresent)}, []string{"pro"}},
				// A key nobody has.
				{[]store.Condition{where(key("missing"), store.OpIsPresent)}, nil},
				{[]store.Condition{where(key("missing"), store.OpNotEqualTo, "x")}, []string{"pro", "lower", "plus", "blank", "accent", "text10", "none"}},
			}
			// The other bags hold none of these keys.
			for _, other := range viewBags {
				if other != bag {
					cases = append(cases, viewCase{[]store.Condition{where(other+".plan", store.OpIsPresent)}, nil})
				}
			}
			runViewCases(t, f, cases)
		})
	}
}
