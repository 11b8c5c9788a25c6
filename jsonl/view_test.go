package jsonl_test

import (
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/store"
)

func TestViewLines(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC)

	t.Run("RoundTrip", func(t *testing.T) {
		is := is.New(t)
		v := store.View{Name: "Urgent <pro>", Conditions: []store.Condition{
			{Attribute: "status", Operator: store.OpEqualTo, Values: []string{"open", "pending"}, Or: true},
			{Attribute: "priority", Operator: store.OpIsPresent},
			{Attribute: "contact.custom_attributes.plan", Operator: store.OpContains, Values: []string{"pro"}},
		}, CreatedAt: at, UpdatedAt: at.Add(time.Hour)}
		bare := store.View{Name: "Mine", Conditions: []store.Condition{{Attribute: "assignee_id", Operator: store.OpIsPresent}}}
		text := writeAll(t, store.Record{View: &v}, store.Record{View: &bare})
		is.Equal(text, header+
			`{"type":"view","name":"Urgent <pro>","query":{"payload":[`+
			`{"attribute_key":"status","filter_operator":"equal_to","values":["open","pending"],"query_operator":"or"},`+
			`{"attribute_key":"priority","filter_operator":"is_present","values":[],"query_operator":"and"},`+
			`{"attribute_key":"contact.custom_attributes.plan","filter_operator":"contains","values":["pro"],"query_operator":"and"}]},`+
			`"created_at":"2026-01-02T03:04:05.678901Z","updated_at":"2026-01-02T04:04:05.678901Z"}`+"\n"+
			`{"type":"view","name":"Mine","query":{"payload":[`+
			`{"attribute_key":"assignee_id","filter_operator":"is_present","values":[],"query_operator":"and"}]}}`+"\n") // zero times left out
		recs, err := readAll(t, text)
		is.NoErr(err)
		is.Equal(len(recs), 2)
		is.Equal(recs[0].Kind(), store.KindView)
		is.Equal(recs[0].Line, 2)
		is.Equal(*recs[0].View, v)    // read back as written
		is.Equal(*recs[1].View, bare) // times zero: WithDefaults fills them
		is.Equal(jsonl.TypeView, "view")
	})

	t.Run("HandWritten", func(t *testing.T) {
		is := is.New(t)
		recs, err := readAll(t, header+`{"type":"view","name":"Pro","query":{"payload":[`+
			`{"attribute_key":"plan","filter_operator":"equal_to","values":[{"id":"pro"}],"custom_attribute_type":"contact_attribute"}]}}`+"\n")
		is.NoErr(err) // a condition reads as Chatwoot writes it
		is.Equal(recs[0].View.Conditions, []store.Condition{
			{Attribute: "contact.custom_attributes.plan", Operator: store.OpEqualTo, Values: []string{"pro"}}})
	})

	t.Run("BadLines", func(t *testing.T) {
		good := `{"type":"view","name":"Open","query":{"payload":[{"attribute_key":"status","filter_operator":"equal_to","values":["open"]}]}}` + "\n"
		for name, tc := range map[string]struct{ line, want string }{
			"UnknownField":      {`{"type":"view","name":"x","query":{"payload":[]},"id":4}`, "line 3: views invalid"},
			"UnknownQueryField": {`{"type":"view","name":"x","query":{"payload":[],"filter_type":"conversation"}}`, "line 3: views invalid"},
			"ConditionsFlat":    {`{"type":"view","name":"x","conditions":[]}`, "line 3: views invalid"},
			"NameNotText":       {`{"type":"view","name":7,"query":{"payload":[]}}`, "line 3: views invalid"},
			"BadCondition":      {`{"type":"view","name":"x","query":{"payload":[{"attribute_key":"status","values":[null]}]}}`, "line 3: views invalid"},
			"BadTime":           {`{"type":"view","name":"x","query":{"payload":[]},"created_at":"today"}`, "line 3: views invalid"},
			"TypeIsExactCase":   {`{"type":"View","name":"x"}`, "line 3: type unknown"},
		} {
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				recs, err := readAll(t, header+good+tc.line+"\n")
				is.Equal(len(recs), 1)        // the good line before it
				is.Equal(field(err), tc.want) // named by its line
			})
		}
	})

	t.Run("ValidatedOnImport", func(t *testing.T) {
		is := is.New(t)
		recs, err := readAll(t, header+`{"type":"view","name":" ","query":{"payload":[{"attribute_key":"status","filter_operator":"equal_to","values":["closed"]}]}}`+"\n")
		is.NoErr(err) // read as it is: the store validates
		rec := recs[0]
		err = rec.Wrap(rec.WithDefaults(at).Validate())
		is.Equal(field(err), "line 2: views.name required") // as Import names it
	})
}
