package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/wiretest"
	"github.com/convokit/convo/store"
)

// cond is a condition joined to the next with "and".
func cond(attribute string, op store.Operator, values ...string) store.Condition {
	return store.Condition{Attribute: attribute, Operator: op, Values: values}
}

// or is c joined to the next with "or".
func or(c store.Condition) store.Condition {
	c.Or = true
	return c
}

// problem fails the test unless err is a *convo.ValidationError naming
// field with code and a message containing each of words; it returns the
// problem.
func problem(t *testing.T, err error, field, code string, words ...string) convo.FieldError {
	t.Helper()
	var ve *convo.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a *convo.ValidationError on %q", err, field)
	}
	fe, ok := ve.Field(field)
	if !ok {
		t.Fatalf("error %v does not name %q", err, field)
	}
	if fe.Code != code {
		t.Errorf("%s: code %q, want %q", field, fe.Code, code)
	}
	for _, w := range words {
		if !strings.Contains(fe.Message, w) {
			t.Errorf("%s: message %q does not name %q", field, fe.Message, w)
		}
	}
	return fe
}

var viewUser = uuid.MustParse("7db2c508-1758-4b84-bb68-50b5c8e1f458")

func TestValidateConditions(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for i, list := range [][]store.Condition{
			nil,
			{cond("status", store.OpEqualTo, "open", "snoozed")},
			{cond("status", store.OpNotEqualTo, "resolved")},
			{cond("priority", store.OpEqualTo, "none", "low", "medium", "high", "urgent")},
			{cond("priority", store.OpIsNotPresent)},
			{cond("assignee_id", store.OpEqualTo, viewUser.String())},
			{cond("assignee_id", store.OpIsPresent)},
			{cond("inbox_id", store.OpNotEqualTo, "3", "7")},
			{cond("team_id", store.OpIsNotPresent)},
			{cond("labels", store.OpEqualTo, "billing", "VIP")},
			{cond("labels", store.OpIsPresent)},
			{cond("created_at", store.OpIsGreaterThan, "2024-05-10")},
			{cond("last_activity_at", store.OpIsLessThan, "2024-05-10T09:01:27+02:00")},
			{cond("waiting_since", store.OpDaysBefore, "0")},
			{cond("waiting_since", store.OpIsPresent)},
			{cond("created_at", store.OpDaysBefore, fmt.Sprint(store.MaxDaysBefore))},
			{cond("contact.name", store.OpContains, "ada")},
			{cond("contact.email", store.OpStartsWith, "ada@")},
			{cond("contact.phone_number", store.OpDoesNotContain, "555")},
			{cond("contact.identifier", store.OpEqualTo, "")}, // blank is a value for equal_to
			{cond("contact.blocked", store.OpEqualTo, "false")},
			{cond("custom_attributes.plan", store.OpEqualTo, "pro", "3", "true")},
			{cond("additional_attributes.browser_language", store.OpIsNotPresent)},
			{cond("contact.custom_attributes.signed_up", store.OpDaysBefore, "30")},
			{cond("contact.additional_attributes.Seat-Count_2", store.OpIsGreaterThan, "10")},
			{cond("custom_attributes."+strings.Repeat("k", store.MaxAttributeKeyLength), store.OpIsPresent)},
			{cond("status", store.OpEqualTo, strings.Split(strings.Repeat("open,", store.MaxConditionValues-1)+"open", ",")...)},
			make([]store.Condition, store.MaxConditions), // filled below
		} {
			for i := range list {
				if list[i].Attribute == "" {
					list[i] = cond("status", store.OpEqualTo, "open")
				}
			}
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				is := is.New(t)
				is.NoErr(store.ValidateConditions(list)) // valid
			})
		}
	})

	t.Run("Bad", func(t *testing.T) {
		tooMany := make([]string, store.MaxConditionValues+1)
		for i := range tooMany {
			tooMany[i] = "open"
		}
		for _, tc := range []struct {
			name  string
			c     store.Condition
			field string // after "conditions[0]."
			code  string
			words []string // in the message
		}{
			{"UnknownAttribute", cond("display_id", store.OpEqualTo, "1"), "attribute_key", convo.CodeUnknown, []string{`"display_id"`}},
			{"BarePrefix", cond("contact.custom", store.OpEqualTo, "1"), "attribute_key", convo.CodeUnknown, []string{`"contact.custom"`}},
			{"NoAttribute", cond("", store.OpEqualTo, "1"), "attribute_key", convo.CodeUnknown, nil},
			{"CaseMatters", cond("Status", store.OpEqualTo, "open"), "attribute_key", convo.CodeUnknown, []string{`"Status"`}},
			{"StatusContains", cond("status", store.OpContains, "op"), "filter_operator", convo.CodeNotAllowed, []string{`"contains"`, `"status"`}},
			{"StatusPresent", cond("status", store.OpIsPresent), "filter_operator", convo.CodeNotAllowed, []string{`"is_present"`, `"status"`}},
			{"CreatedAtPresent", cond("created_at", store.OpIsNotPresent), "filter_operator", convo.CodeNotAllowed, []string{`"is_not_present"`, `"created_at"`}},
			{"CreatedAtEqual", cond("created_at", store.OpEqualTo, "2024-05-10"), "filter_operator", convo.CodeNotAllowed, []string{`"equal_to"`, `"created_at"`}},
			{"LabelsContains", cond("labels", store.OpContains, "bill"), "filter_operator", convo.CodeNotAllowed, []string{`"contains"`, `"labels"`}},
			{"NameGreater", cond("contact.name", store.OpIsGreaterThan, "a"), "filter_operator", convo.CodeNotAllowed, []string{`"is_greater_than"`, `"contact.name"`}},
			{"BlockedPresent", cond("contact.blocked", store.OpIsPresent), "filter_operator", convo.CodeNotAllowed, []string{`"is_present"`, `"contact.blocked"`}},
			{"UnknownOperator", cond("custom_attributes.plan", "like", "pro"), "filter_operator", convo.CodeNotAllowed, []string{`"like"`, `"custom_attributes.plan"`}},
			{"NoOperator", cond("custom_attributes.plan", "", "pro"), "filter_operator", convo.CodeNotAllowed, nil},

			{"PresentWithValues", cond("labels", store.OpIsPresent, "billing"), "values", convo.CodeInvalid, []string{`"is_present"`}},
			{"NotPresentWithValues", cond("team_id", store.OpIsNotPresent, "1"), "values", convo.CodeInvalid, []string{`"is_not_present"`}},
			{"GreaterWithTwo", cond("created_at", store.OpIsGreaterThan, "2024-05-10", "2024-05-11"), "values", convo.CodeInvalid, []string{`"is_greater_than"`, "one"}},
			{"LessWithNone", cond("custom_attributes.seats", store.OpIsLessThan), "values", convo.CodeInvalid, []string{`"is_less_than"`}},
			{"DaysBeforeWithTwo", cond("created_at", store.OpDaysBefore, "1", "2"), "values", convo.CodeInvalid, []string{`"days_before"`}},
			{"EqualWithNone", cond("status", store.OpEqualTo), "values", convo.CodeRequired, []string{`"equal_to"`}},
			{"NotEqualWithEmpty", cond("inbox_id", store.OpNotEqualTo, []string{}...), "values", convo.CodeRequired, []string{`"not_equal_to"`}},
			{"TooManyValues", cond("status", store.OpEqualTo, tooMany...), "values", convo.CodeOutOfRange, []string{fmt.Sprint(store.MaxConditionValues)}},

			{"Status", cond("status", store.OpEqualTo, "open", "closed"), "values[1]", convo.CodeInvalid, []string{"status"}},
			{"StatusCase", cond("status", store.OpEqualTo, "Open"), "values[0]", convo.CodeInvalid, []string{"status"}},
			{"Priority", cond("priority", store.OpEqualTo, "critical"), "values[0]", convo.CodeInvalid, []string{"priority"}},
			{"AssigneeNotUUID", cond("assignee_id", store.OpEqualTo, "42"), "values[0]", convo.CodeInvalid, []string{"UUID"}},
			{"AssigneeNil", cond("assignee_id", store.OpEqualTo, uuid.Nil.String()), "values[0]", convo.CodeInvalid, []string{"UUID"}},
			{"InboxNotNumber", cond("inbox_id", store.OpEqualTo, "three"), "values[0]", convo.CodeInvalid, []string{"id"}},
			{"InboxZero", cond("inbox_id", store.OpEqualTo, "0"), "values[0]", convo.CodeInvalid, []string{"positive"}},
			{"TeamNegative", cond("team_id", store.OpNotEqualTo, "2", "-2"), "values[1]", convo.CodeInvalid, []string{"positive"}},
			{"TeamFraction", cond("team_id", store.OpEqualTo, "1.5"), "values[0]", convo.CodeInvalid, nil},
			{"Label", cond("labels", store.OpEqualTo, "no spaces"), "values[0]", convo.CodeInvalid, []string{"no spaces"}},
			{"LabelBlank", cond("labels", store.OpEqualTo, " "), "values[0]", convo.CodeInvalid, nil},
			{"Time", cond("created_at", store.OpIsGreaterThan, "yesterday"), "values[0]", convo.CodeInvalid, []string{"RFC 3339"}},
			{"TimeUnix", cond("last_activity_at", store.OpIsLessThan, "1715324487"), "values[0]", convo.CodeInvalid, nil},
			{"TimeYearZero", cond("created_at", store.OpIsLessThan, "0001-01-01T00:00:00+01:00"), "values[0]", convo.CodeInvalid, nil},
			{"DaysNotNumber", cond("created_at", store.OpDaysBefore, "a week"), "values[0]", convo.CodeInvalid, []string{"days"}},
			{"DaysNegative", cond("waiting_since", store.OpDaysBefore, "-1"), "values[0]", convo.CodeInvalid, []string{"days"}},
			{"DaysTooMany", cond("created_at", store.OpDaysBefore, fmt.Sprint(store.MaxDaysBefore+1)), "values[0]", convo.CodeInvalid, []string{fmt.Sprint(store.MaxDaysBefore)}},
			{"DaysFraction", cond("custom_attributes.signed_up", store.OpDaysBefore, "1.5"), "values[0]", convo.CodeInvalid, []string{"days"}},
			{"Blocked", cond("contact.blocked", store.OpEqualTo, "yes"), "values[0]", convo.CodeInvalid, []string{`"true"`, `"false"`}},
			{"BlockedOne", cond("contact.blocked", store.OpEqualTo, "1"), "values[0]", convo.CodeInvalid, []string{`"true"`}},
			{"BlockedCase", cond("contact.blocked", store.OpNotEqualTo, "True"), "values[0]", convo.CodeInvalid, []string{`"true"`}},
			{"ContainsBlank", cond("contact.name", store.OpContains, "ada", ""), "values[1]", convo.CodeInvalid, []string{"blank"}},
			{"DoesNotContainBlank", cond("custom_attributes.plan", store.OpDoesNotContain, ""), "values[0]", convo.CodeInvalid, []string{"blank"}},
			{"StartsWithBlank", cond("contact.email", store.OpStartsWith, ""), "values[0]", convo.CodeInvalid, []string{"blank"}},
			{"ContainsOnlySeparators", cond("contact.phone_number", store.OpContains, " - "), "values[0]", convo.CodeInvalid, []string{"blank"}},
			{"ValueTooLong", cond("contact.name", store.OpEqualTo, strings.Repeat("a", store.MaxConditionValueBytes+1)), "values[0]", convo.CodeTooLong, nil},
			{"ValueNotUTF8", cond("custom_attributes.plan", store.OpEqualTo, "\xff"), "values[0]", convo.CodeInvalidUTF8, nil},
			{"ValueNUL", cond("contact.identifier", store.OpEqualTo, "a\x00b"), "values[0]", convo.CodeNULByte, nil},

			{"KeyEmpty", cond("custom_attributes.", store.OpIsPresent), "attribute_key", convo.CodeInvalid, []string{`"custom_attributes."`}},
			{"KeyDot", cond("custom_attributes.a.b", store.OpIsPresent), "attribute_key", convo.CodeInvalid, []string{`"custom_attributes.a.b"`}},
			{"KeySpace", cond("contact.custom_attributes.the plan", store.OpIsPresent), "attribute_key", convo.CodeInvalid, []string{"the plan"}},
			{"KeyQuote", cond("additional_attributes.a'b", store.OpIsPresent), "attribute_key", convo.CodeInvalid, nil},
			{"KeyNotASCII", cond("contact.additional_attributes.école", store.OpIsPresent), "attribute_key", convo.CodeInvalid, nil},
			{"KeyTooLong", cond("custom_attributes."+strings.Repeat("k", store.MaxAttributeKeyLength+1), store.OpIsPresent), "attribute_key", convo.CodeInvalid, []string{fmt.Sprint(store.MaxAttributeKeyLength)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				list := []store.Condition{cond("status", store.OpEqualTo, "open"), tc.c}
				err := store.ValidateConditions(list)
				is := is.New(t)
				is.True(errors.Is(err, convo.ErrInvalid)) // ErrInvalid
				problem(t, err, "conditions[1]."+tc.field, tc.code, tc.words...)
				is.Equal(len(err.(*convo.ValidationError).Errors), 1) // one problem: the first condition is fine
			})
		}
	})

	t.Run("TooManyConditions", func(t *testing.T) {
		is := is.New(t)
		list := make([]store.Condition, store.MaxConditions+1)
		for i := range list {
			list[i] = cond("status", store.OpEqualTo, "open")
		}
		err := store.ValidateConditions(list)
		problem(t, err, "conditions", convo.CodeOutOfRange, fmt.Sprint(store.MaxConditions))
		is.Equal(len(err.(*convo.ValidationError).Errors), 1) // the count only
	})

	t.Run("EveryCondition", func(t *testing.T) {
		is := is.New(t)
		err := store.ValidateConditions([]store.Condition{
			cond("nope", store.OpEqualTo, "1"),
			cond("status", store.OpEqualTo, "open"),
			or(cond("status", store.OpContains, "x")),
			cond("inbox_id", store.OpEqualTo, "x", "0"),
		})
		var ve *convo.ValidationError
		is.True(errors.As(err, &ve))
		is.Equal(len(ve.Errors), 4) // each problem of each condition
		for _, field := range []string{"conditions[0].attribute_key", "conditions[2].filter_operator",
			"conditions[3].values[0]", "conditions[3].values[1]"} {
			_, ok := ve.Field(field)
			is.True(ok) // named
		}
	})
}

func TestConditions(t *testing.T) {
	now := time.Date(2026, 5, 4, 1, 30, 0, 0, time.FixedZone("UTC+5", 5*3600)) // 2026-05-03 20:30 UTC

	// terms resolves a valid list.
	terms := func(t *testing.T, list ...store.Condition) [][]store.Term {
		t.Helper()
		if err := store.ValidateConditions(list); err != nil {
			t.Fatalf("invalid list: %v", err)
		}
		return store.Conditions(list, now)
	}
	// term resolves one condition.
	term := func(t *testing.T, c store.Condition) store.Term {
		t.Helper()
		g := terms(t, c)
		if len(g) != 1 || len(g[0]) != 1 {
			t.Fatalf("one condition gave %v", g)
		}
		return g[0][0]
	}

	t.Run("Empty", func(t *testing.T) {
		is := is.New(t)
		is.Equal(len(store.Conditions(nil, now)), 0) // no groups
	})

	t.Run("GroupsByOr", func(t *testing.T) {
		is := is.New(t)
		open := store.Term{Field: store.FieldStatus, Operator: store.OpEqualTo, Statuses: []convo.Status{convo.StatusOpen}}
		high := store.Term{Field: store.FieldPriority, Operator: store.OpEqualTo, Priorities: []convo.Priority{convo.PriorityHigh}}
		inbox := store.Term{Field: store.FieldInbox, Operator: store.OpEqualTo, IDs: []int64{3}}
		labelled := store.Term{Field: store.FieldLabels, Operator: store.OpIsPresent}
		is.Equal(terms(t,
			cond("status", store.OpEqualTo, "open"), or(cond("priority", store.OpEqualTo, "high")),
			cond("inbox_id", store.OpEqualTo, "3"), cond("labels", store.OpIsPresent),
		), [][]store.Term{{open, high}, {inbox, labelled}}) // a, b or c, d: (a and b) or (c and d)
		is.Equal(terms(t,
			or(cond("status", store.OpEqualTo, "open")), or(cond("priority", store.OpEqualTo, "high")), cond("inbox_id", store.OpEqualTo, "3"),
		), [][]store.Term{{open}, {high}, {inbox}}) // a or b or c
		is.Equal(terms(t, cond("status", store.OpEqualTo, "open"), or(cond("inbox_id", store.OpEqualTo, "3"))),
			[][]store.Term{{open, inbox}}) // "or" after the last condition joins nothing
	})

	t.Run("NegativeOperators", func(t *testing.T) {
		for _, tc := range []struct {
			c    store.Condition
			want store.Term
		}{
			{cond("status", store.OpNotEqualTo, "resolved"),
				store.Term{Field: store.FieldStatus, Operator: store.OpEqualTo, Not: true, Statuses: []convo.Status{convo.StatusResolved}}},
			{cond("contact.name", store.OpDoesNotContain, "bot"),
				store.Term{Field: store.FieldContactName, Operator: store.OpContains, Not: true, Texts: []string{"bot"}}},
			{cond("team_id", store.OpIsNotPresent),
				store.Term{Field: store.FieldTeam, Operator: store.OpIsPresent, Not: true}},
			{cond("contact.email", store.OpStartsWith, "ada"),
				store.Term{Field: store.FieldContactEmail, Operator: store.OpStartsWith, Texts: []string{"ada"}}}, // positive: as it is
		} {
			t.Run(string(tc.c.Operator), func(t *testing.T) {
				is := is.New(t)
				is.Equal(term(t, tc.c), tc.want)
			})
		}
	})

	t.Run("DaysBefore", func(t *testing.T) {
		is := is.New(t)
		day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC) // midnight UTC, two days before 2026-05-03
		is.Equal(term(t, cond("created_at", store.OpDaysBefore, "2")),
			store.Term{Field: store.FieldCreatedAt, Operator: store.OpIsLessThan, Time: day}) // before the day began
		is.Equal(term(t, cond("waiting_since", store.OpDaysBefore, "0")).Time,
			time.Date(2026, 5, 3, 0, 0, 0, 0, time.UTC)) // 0: today, in UTC
		is.Equal(term(t, cond("contact.custom_attributes.signed_up", store.OpDaysBefore, "2")),
			store.Term{Field: store.FieldCustomAttribute, Contact: true, Key: "signed_up", Operator: store.OpIsLessThan,
				Texts: []string{"2026-05-01"}}) // a custom attribute compares the date as text
		is.Equal(store.Conditions([]store.Condition{cond("last_activity_at", store.OpDaysBefore, "365")},
			time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))[0][0].Time,
			time.Date(2023, 3, 2, 0, 0, 0, 0, time.UTC)) // calendar days: 2024 is a leap year
	})

	t.Run("Times", func(t *testing.T) {
		is := is.New(t)
		is.Equal(term(t, cond("created_at", store.OpIsGreaterThan, "2024-05-10")),
			store.Term{Field: store.FieldCreatedAt, Operator: store.OpIsGreaterThan, Time: time.Date(2024, 5, 10, 0, 0, 0, 0, time.UTC)}) // a date is midnight UTC
		is.Equal(term(t, cond("last_activity_at", store.OpIsLessThan, "2024-05-10T09:01:27.5+02:00")),
			store.Term{Field: store.FieldLastActivityAt, Operator: store.OpIsLessThan, Time: time.Date(2024, 5, 10, 7, 1, 27, 5e8, time.UTC)}) // in UTC
	})

	t.Run("Folding", func(t *testing.T) {
		for _, tc := range []struct {
			c    store.Condition
			want []string
		}{
			{cond("contact.name", store.OpEqualTo, "Ada LOVELACE", "ÉLODIE"), []string{"ada lovelace", "élodie"}}, // strings.ToLower
			{cond("contact.email", store.OpContains, "Ada@Example.COM"), []string{"ada@example.com"}},
			{cond("contact.phone_number", store.OpStartsWith, "+1 (555) 010-99.00"), []string{"+15550109900"}},
			{cond("contact.identifier", store.OpEqualTo, "CRM-1 a"), []string{"CRM-1 a"}}, // as given
			{cond("labels", store.OpEqualTo, "VIP", " Billing "), []string{"vip", "billing"}},
			{cond("custom_attributes.school", store.OpEqualTo, "ÉCOLE PRO"), []string{"École pro"}}, // A to Z only
		} {
			t.Run(tc.c.Attribute, func(t *testing.T) {
				is := is.New(t)
				is.Equal(term(t, tc.c).Texts, tc.want)
			})
		}
	})

	t.Run("Values", func(t *testing.T) {
		other := uuid.MustParse("5d0c7a3e-9b8f-4e21-8c6d-2f4a1b3c5d7e")
		for _, tc := range []struct {
			c    store.Condition
			want store.Term
		}{
			{cond("status", store.OpEqualTo, "open", "snoozed"),
				store.Term{Field: store.FieldStatus, Operator: store.OpEqualTo, Statuses: []convo.Status{convo.StatusOpen, convo.StatusSnoozed}}},
			{cond("priority", store.OpEqualTo, "none", "urgent"),
				store.Term{Field: store.FieldPriority, Operator: store.OpEqualTo, Priorities: []convo.Priority{convo.PriorityNone, convo.PriorityUrgent}}},
			{cond("assignee_id", store.OpNotEqualTo, viewUser.String(), strings.ToUpper(other.String())),
				store.Term{Field: store.FieldAssignee, Operator: store.OpEqualTo, Not: true, Users: []uuid.UUID{viewUser, other}}},
			{cond("team_id", store.OpEqualTo, "3", "70"),
				store.Term{Field: store.FieldTeam, Operator: store.OpEqualTo, IDs: []int64{3, 70}}},
			{cond("contact.blocked", store.OpEqualTo, "true", "false"),
				store.Term{Field: store.FieldContactBlocked, Operator: store.OpEqualTo, Bools: []bool{true, false}}},
			{cond("custom_attributes.seats", store.OpEqualTo, "3", "2.50", "-1e2", "true", "Pro", "NaN"),
				store.Term{Field: store.FieldCustomAttribute, Key: "seats", Operator: store.OpEqualTo,
					Numbers: []float64{3, 2.5, -100}, Bools: []bool{true},
					Texts: []string{"3", "2.50", "-1e2", "true", "pro", "nan"}}}, // every value as text; numbers and booleans too
			{cond("additional_attributes.seats", store.OpIsGreaterThan, "10"),
				store.Term{Field: store.FieldAdditionalAttribute, Key: "seats", Operator: store.OpIsGreaterThan,
					Numbers: []float64{10}}}, // a number bound is compared as a number only
			{cond("contact.additional_attributes.since", store.OpIsLessThan, "2024-05-10"),
				store.Term{Field: store.FieldAdditionalAttribute, Contact: true, Key: "since", Operator: store.OpIsLessThan,
					Texts: []string{"2024-05-10"}}}, // else as text
			{cond("contact.custom_attributes.plan", store.OpIsNotPresent),
				store.Term{Field: store.FieldCustomAttribute, Contact: true, Key: "plan", Operator: store.OpIsPresent, Not: true}},
		} {
			t.Run(tc.c.Attribute+" "+string(tc.c.Operator), func(t *testing.T) {
				is := is.New(t)
				is.Equal(term(t, tc.c), tc.want)
			})
		}
	})
}

func TestParseConditions(t *testing.T) {
	// A filter as Chatwoot's dashboard posts it.
	const dashboard = `{"payload": [
		{"attribute_key": "status", "filter_operator": "equal_to", "values": [{"id": "open", "name": "Open"}], "query_operator": "and", "attribute_model": "standard"},
		{"attribute_key": "inbox_id", "filter_operator": "equal_to", "values": [{"id": 3, "name": "Support"}, 7], "query_operator": "OR"},
		{"attribute_key": "plan", "filter_operator": "equal_to", "values": ["pro"], "query_operator": "And", "custom_attribute_type": "conversation_attribute"},
		{"attribute_key": "tier", "filter_operator": "is_greater_than", "values": [2.50], "query_operator": null, "custom_attribute_type": "contact_attribute"},
		{"attribute_key": "browser_language", "filter_operator": "equal_to", "values": ["en"]},
		{"attribute_key": "contact.blocked", "filter_operator": "equal_to", "values": [true], "custom_attribute_type": ""},
		{"attribute_key": "additional_attributes.referer", "filter_operator": "is_present", "values": []}
	]}`
	want := []store.Condition{
		cond("status", store.OpEqualTo, "open"),
		or(cond("inbox_id", store.OpEqualTo, "3", "7")),
		cond("custom_attributes.plan", store.OpEqualTo, "pro"),
		cond("contact.custom_attributes.tier", store.OpIsGreaterThan, "2.50"), // a number as written
		cond("additional_attributes.browser_language", store.OpEqualTo, "en"),
		cond("contact.blocked", store.OpEqualTo, "true"),
		cond("additional_attributes.referer", store.OpIsPresent),
	}

	t.Run("Payload", func(t *testing.T) {
		is := is.New(t)
		got, err := store.ParseConditions([]byte(dashboard))
		is.NoErr(err)
		is.Equal(got, want)
	})

	t.Run("List", func(t *testing.T) {
		is := is.New(t)
		list := strings.TrimSuffix(strings.TrimPrefix(dashboard, `{"payload": `), "}")
		got, err := store.ParseConditions([]byte("\n  " + list))
		is.NoErr(err)
		is.Equal(got, want) // the list alone reads the same
	})

	t.Run("QueryOperator", func(t *testing.T) {
		for _, tc := range []struct {
			member string
			or     bool
		}{
			{`"query_operator": "or"`, true},
			{`"query_operator": "OR"`, true},
			{`"query_operator": "and"`, false},
			{`"query_operator": "AND"`, false},
			{`"query_operator": null`, false},
			{`"other": 1`, false},
		} {
			t.Run(tc.member, func(t *testing.T) {
				is := is.New(t)
				got, err := store.ParseConditions([]byte(`[{"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"], ` + tc.member + `},
					{"attribute_key": "team_id", "filter_operator": "is_present", "values": []}]`))
				is.NoErr(err)
				is.Equal(got[0].Or, tc.or)
				is.Equal(got[1].Or, false)
			})
		}
	})

	t.Run("Empty", func(t *testing.T) {
		for _, data := range []string{`{"payload": []}`, `[]`} {
			t.Run(data, func(t *testing.T) {
				is := is.New(t)
				got, err := store.ParseConditions([]byte(data))
				is.NoErr(err)
				is.Equal(len(got), 0) // no conditions
			})
		}
	})

	t.Run("Bad", func(t *testing.T) {
		ok := `{"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"]}`
		for _, tc := range []struct {
			name, data, field, code string
		}{
			{"NotJSON", `payload=status`, "payload", convo.CodeInvalid},
			{"Nothing", ``, "payload", convo.CodeInvalid},
			{"BrokenList", `[` + ok, "payload", convo.CodeInvalid},
			{"PayloadNotList", `{"payload": {"attribute_key": "status"}}`, "payload", convo.CodeInvalid},
			{"ItemNotObject", `{"payload": [` + ok + `, "status"]}`, "payload[1]", convo.CodeInvalid},
			{"ValuesNotList", `[{"attribute_key": "status", "filter_operator": "equal_to", "values": "open"}]`, "payload[0]", convo.CodeInvalid},
			{"NullValue", `[{"attribute_key": "status", "filter_operator": "equal_to", "values": ["open", null]}]`, "payload[0].values[1]", convo.CodeInvalid},
			{"ListValue", `[{"attribute_key": "status", "filter_operator": "equal_to", "values": [["open"]]}]`, "payload[0].values[0]", convo.CodeInvalid},
			{"ObjectWithoutID", `[{"attribute_key": "inbox_id", "filter_operator": "equal_to", "values": [{"name": "Support"}]}]`, "payload[0].values[0]", convo.CodeInvalid},
			{"QueryOperator", `[` + ok + `, {"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"], "query_operator": "xor"}]`, "payload[1].query_operator", convo.CodeUnknown},
			{"AttributeType", `[{"attribute_key": "plan", "filter_operator": "equal_to", "values": ["pro"], "custom_attribute_type": "user_attribute"}]`, "payload[0].custom_attribute_type", convo.CodeUnknown},
			{"UnknownAttribute", `[` + ok + `, {"attribute_key": "display_id", "filter_operator": "equal_to", "values": [1]}]`, "payload[1].attribute_key", convo.CodeUnknown},
			{"Operator", `[{"attribute_key": "status", "filter_operator": "contains", "values": ["open"]}]`, "payload[0].filter_operator", convo.CodeNotAllowed},
			{"Value", `{"payload": [` + ok + `, {"attribute_key": "status", "filter_operator": "equal_to", "values": ["closed"]}]}`, "payload[1].values[0]", convo.CodeInvalid},
			{"Key", `[{"attribute_key": "the plan", "filter_operator": "is_present", "custom_attribute_type": "contact_attribute"}]`, "payload[0].attribute_key", convo.CodeInvalid},
			{"Count", `[` + strings.Repeat(ok+",", store.MaxConditions) + ok + `]`, "payload", convo.CodeOutOfRange},
		} {
			t.Run(tc.name, func(t *testing.T) {
				is := is.New(t)
				got, err := store.ParseConditions([]byte(tc.data))
				is.True(got == nil) // no conditions
				problem(t, err, tc.field, tc.code)
			})
		}
	})
}

func TestConditionJSON(t *testing.T) {
	t.Run("RoundTrip", func(t *testing.T) {
		for _, tc := range []struct {
			c    store.Condition
			json string
		}{
			{cond("status", store.OpEqualTo, "open", "pending"),
				`{"attribute_key":"status","filter_operator":"equal_to","values":["open","pending"],"query_operator":"and"}`},
			{or(cond("labels", store.OpIsNotPresent)),
				`{"attribute_key":"labels","filter_operator":"is_not_present","values":[],"query_operator":"or"}`}, // no values: a list still
			{cond("contact.custom_attributes.plan", store.OpContains, "pro"),
				`{"attribute_key":"contact.custom_attributes.plan","filter_operator":"contains","values":["pro"],"query_operator":"and"}`},
			{cond("additional_attributes.browser_language", store.OpEqualTo, "en"),
				`{"attribute_key":"additional_attributes.browser_language","filter_operator":"equal_to","values":["en"],"query_operator":"and"}`},
			{cond("custom_attributes.seats", store.OpIsGreaterThan, "3"),
				`{"attribute_key":"custom_attributes.seats","filter_operator":"is_greater_than","values":["3"],"query_operator":"and"}`},
		} {
			t.Run(tc.c.Attribute, func(t *testing.T) {
				is := is.New(t)
				is.Equal(wiretest.RoundTrip(t, tc.c), tc.json) // Chatwoot's form
			})
		}
	})

	t.Run("ReadsChatwoot", func(t *testing.T) {
		is := is.New(t)
		var c store.Condition
		is.NoErr(json.Unmarshal([]byte(`{"attribute_key": "plan", "filter_operator": "equal_to", "values": [{"id": 2}, true],
			"query_operator": "OR", "custom_attribute_type": "conversation_attribute"}`), &c))
		is.Equal(c, or(cond("custom_attributes.plan", store.OpEqualTo, "2", "true")))
	})

	t.Run("Bad", func(t *testing.T) {
		is := is.New(t)
		var c store.Condition
		err := json.Unmarshal([]byte(`{"attribute_key": "status", "filter_operator": "equal_to", "values": [null]}`), &c)
		is.True(errors.Is(err, convo.ErrInvalid)) // a ValidationError
		problem(t, err, "values[0]", convo.CodeInvalid)
		is.Equal(c, store.Condition{}) // left alone
	})
}

func TestViewJSON(t *testing.T) {
	t.Run("RoundTrip", func(t *testing.T) {
		is := is.New(t)
		v := store.View{Name: "Urgent & open", Conditions: []store.Condition{
			or(cond("status", store.OpEqualTo, "open")), cond("priority", store.OpEqualTo, "urgent"),
		}, CreatedAt: fixtureTime, UpdatedAt: fixtureTime.Add(time.Hour)}
		is.Equal(wiretest.RoundTrip(t, v), `{"name":"Urgent \u0026 open","query":{"payload":[`+
			`{"attribute_key":"status","filter_operator":"equal_to","values":["open"],"query_operator":"or"},`+
			`{"attribute_key":"priority","filter_operator":"equal_to","values":["urgent"],"query_operator":"and"}]},`+
			`"created_at":"2024-05-10T09:01:27.415094Z","updated_at":"2024-05-10T10:01:27.415094Z"}`)
	})

	t.Run("ZeroTimesLeftOut", func(t *testing.T) {
		is := is.New(t)
		v := store.View{Name: "Mine", Conditions: []store.Condition{cond("assignee_id", store.OpIsPresent)}}
		is.Equal(wiretest.RoundTrip(t, v), `{"name":"Mine","query":{"payload":[`+
			`{"attribute_key":"assignee_id","filter_operator":"is_present","values":[],"query_operator":"and"}]}}`)
	})

	t.Run("ReadsChatwoot", func(t *testing.T) {
		is := is.New(t)
		var v store.View
		is.NoErr(json.Unmarshal([]byte(`{"id": 4, "name": "Pro plan", "filter_type": "conversation",
			"query": {"payload": [{"attribute_key": "plan", "filter_operator": "equal_to", "values": ["pro"],
			"query_operator": null, "custom_attribute_type": "contact_attribute"}]},
			"created_at": "2024-05-10T11:01:27.415094+02:00"}`), &v))
		is.Equal(v.Name, "Pro plan")
		is.Equal(v.Conditions, []store.Condition{cond("contact.custom_attributes.plan", store.OpEqualTo, "pro")})
		is.True(v.CreatedAt.Equal(fixtureTime)) // the time read
		is.True(v.UpdatedAt.IsZero())           // left out: zero
	})

	t.Run("Bad", func(t *testing.T) {
		is := is.New(t)
		var v store.View
		err := json.Unmarshal([]byte(`{"name": "x", "query": {"payload": [{"attribute_key": "status", "values": [{}]}]}}`), &v)
		is.True(errors.Is(err, convo.ErrInvalid)) // a bad condition is a ValidationError
		is.True(json.Unmarshal([]byte(`{"name": 3}`), &v) != nil)
	})
}

func TestView(t *testing.T) {
	ok := []store.Condition{cond("status", store.OpEqualTo, "open")}

	t.Run("OK", func(t *testing.T) {
		is := is.New(t)
		is.NoErr(store.View{Name: "Open", Conditions: ok}.Validate())
		is.NoErr(store.View{Name: strings.Repeat("é", store.MaxViewNameLength/2), Conditions: ok}.Validate()) // bytes, not runes
		is.NoErr(store.ValidateViewName(" Open "))                                                            // compared exactly: spaces kept
	})

	t.Run("Bad", func(t *testing.T) {
		for _, tc := range []struct {
			name, field, code string
			v                 store.View
		}{
			{"NoName", "name", convo.CodeRequired, store.View{Conditions: ok}},
			{"BlankName", "name", convo.CodeRequired, store.View{Name: " \t", Conditions: ok}},
			{"LongName", "name", convo.CodeTooLong, store.View{Name: strings.Repeat("a", store.MaxViewNameLength+1), Conditions: ok}},
			{"NameNotUTF8", "name", convo.CodeInvalidUTF8, store.View{Name: "a\xff", Conditions: ok}},
			{"NameNUL", "name", convo.CodeNULByte, store.View{Name: "a\x00", Conditions: ok}},
			{"NoConditions", "conditions", convo.CodeRequired, store.View{Name: "Open"}},
			{"BadCondition", "conditions[0].values[0]", convo.CodeInvalid, store.View{Name: "Open",
				Conditions: []store.Condition{cond("status", store.OpEqualTo, "closed")}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				problem(t, tc.v.Validate(), tc.field, tc.code)
				if tc.field == "name" {
					problem(t, store.ValidateViewName(tc.v.Name), "name", tc.code)
				}
			})
		}
	})
}

func TestConversationFilterConditions(t *testing.T) {
	t.Run("Validate", func(t *testing.T) {
		is := is.New(t)
		is.NoErr(store.ConversationFilter{Conditions: []store.Condition{cond("status", store.OpEqualTo, "open")}, View: "Mine"}.Validate())
		err := store.ConversationFilter{Conditions: []store.Condition{
			cond("status", store.OpEqualTo, "open"), cond("labels", store.OpDaysBefore, "1"),
		}}.Validate()
		problem(t, err, "conditions[1].filter_operator", convo.CodeNotAllowed, `"days_before"`, `"labels"`)
		problem(t, store.ConversationFilter{View: "  "}.Validate(), "view", convo.CodeRequired)
		problem(t, store.ConversationFilter{View: strings.Repeat("v", store.MaxViewNameLength+1)}.Validate(), "view", convo.CodeTooLong)
	})

	t.Run("StatusSet", func(t *testing.T) {
		resolved := []convo.Status{convo.StatusResolved}
		c := []store.Condition{cond("priority", store.OpIsPresent)}
		for _, tc := range []struct {
			name string
			f    store.ConversationFilter
			want []convo.Status
			has  bool
		}{
			{"None", store.ConversationFilter{}, []convo.Status{convo.StatusOpen}, false},
			{"Conditions", store.ConversationFilter{Conditions: c}, store.AllStatuses, true},
			{"View", store.ConversationFilter{View: "Mine"}, store.AllStatuses, true},
			{"ConditionsAndStatuses", store.ConversationFilter{Conditions: c, Statuses: resolved}, resolved, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				is := is.New(t)
				is.Equal(tc.f.StatusSet(), tc.want)
				is.Equal(tc.f.HasConditions(), tc.has)
			})
		}
	})
}

func TestViewRecord(t *testing.T) {
	now := time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)
	v := store.View{Name: "Open", Conditions: []store.Condition{cond("status", store.OpEqualTo, "open")}}

	t.Run("Kind", func(t *testing.T) {
		is := is.New(t)
		is.Equal(store.Record{View: &v}.Kind(), store.KindView)
		is.Equal(store.KindView, "view")
		is.Equal(store.Record{View: &v, Contact: &convo.Contact{}}.Kind(), "") // not exactly one
	})

	t.Run("WithDefaults", func(t *testing.T) {
		is := is.New(t)
		r := store.Record{View: &v}.WithDefaults(now)
		is.Equal(r.View.CreatedAt, now) // now
		is.Equal(r.View.UpdatedAt, now) // its CreatedAt
		is.True(v.CreatedAt.IsZero())   // the record's view is a copy
		is.Equal(r.View.Conditions, v.Conditions)

		created := v
		created.CreatedAt = now.Add(-time.Hour)
		r = store.Record{View: &created}.WithDefaults(now)
		is.Equal(r.View.CreatedAt, now.Add(-time.Hour)) // kept
		is.Equal(r.View.UpdatedAt, now.Add(-time.Hour)) // its CreatedAt

		both := created
		both.UpdatedAt = now.Add(-time.Minute)
		is.Equal(*store.Record{View: &both}.WithDefaults(now).View, both) // nothing to fill
	})

	t.Run("Validate", func(t *testing.T) {
		is := is.New(t)
		is.NoErr(store.Record{View: &v}.WithDefaults(now).Validate())
		err := store.Record{View: &v}.Validate()
		problem(t, err, "created_at", convo.CodeRequired)
		problem(t, err, "updated_at", convo.CodeRequired)
		bad := store.View{Name: " ", Conditions: []store.Condition{cond("inbox_id", store.OpEqualTo, "x")}}
		err = store.Record{View: &bad}.WithDefaults(now).Validate()
		problem(t, err, "name", convo.CodeRequired)
		problem(t, err, "conditions[0].values[0]", convo.CodeInvalid)
		problem(t, store.Record{View: &v, Message: &convo.Message{}}.Validate(), "type", convo.CodeRequired, "view")
	})
}

// A body that has no payload list is an error, not a filter keeping every
// conversation.
func TestParseConditionsWithoutPayload(t *testing.T) {
	for _, body := range []string{`{}`, `null`, `{"payload": null}`, `{"paylod": []}`} {
		_, err := store.ParseConditions([]byte(body))
		if !errors.Is(err, convo.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", body, err)
		}
	}
	list, err := store.ParseConditions([]byte(`{"payload": []}`))
	if err != nil || len(list) != 0 {
		t.Errorf("an empty payload: %v, %v; want no conditions", list, err)
	}
}
