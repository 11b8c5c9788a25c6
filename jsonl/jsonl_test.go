package jsonl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/store"
)

const header = `{"type":"convo-export","version":1,"account_id":1}` + "\n"

// readAll reads every record, stopping at the first error.
func readAll(t *testing.T, text string) ([]store.Record, error) {
	t.Helper()
	r, err := jsonl.NewReader(strings.NewReader(text))
	if err != nil {
		return nil, err
	}
	var recs []store.Record
	for rec, err := range r.Records() {
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

func field(err error) string {
	var ve *convo.ValidationError
	if !errors.As(err, &ve) {
		return "not a ValidationError: " + err.Error()
	}
	return ve.Errors[0].Field + " " + ve.Errors[0].Code
}

func TestReader(t *testing.T) {
	t.Run("LinesCountBlankOnes", func(t *testing.T) {
		is := is.New(t)
		recs, err := readAll(t, header+"\n  \n"+`{"type":"contact","id":4,"first_name":"Ada"}`+"\n")
		is.NoErr(err)
		is.Equal(len(recs), 1)
		is.Equal(recs[0].Line, 4)                  // blank lines are skipped but counted
		is.Equal(recs[0].Contact.FirstName, "Ada") // decoded
	})

	// A line not written by Writer may put its type anywhere, spaced or
	// escaped: it reads the same.
	t.Run("TypeAnywhere", func(t *testing.T) {
		is := is.New(t)
		recs, err := readAll(t, header+
			`{ "type" : "contact", "id":4, "first_name":"Ada"}`+"\n"+
			`{"id":5,"first_name":"Bo","type":"contact"}`+"\n"+
			`{"type":"cont\u0061ct","id":6,"first_name":"Cy"}`+"\n")
		is.NoErr(err)
		is.Equal(len(recs), 3)
		for i, name := range []string{"Ada", "Bo", "Cy"} {
			is.True(recs[i].Contact != nil)
			is.Equal(recs[i].Contact.FirstName, name)
		}
	})

	t.Run("BadLines", func(t *testing.T) {
		for name, tc := range map[string]struct{ line, want string }{
			"Garbage":    {`{"type":"contact","id":1} {}`, "line 2 invalid"},
			"NotJSON":    {`type=contact`, "line 2 invalid"},
			"NoType":     {`{"id":1}`, "line 2: type required"},
			"WrongField": {`{"type":"contact","id":"one"}`, "line 2: contacts invalid"},
			"TooLong":    {`{"type":"contact","first_name":"` + strings.Repeat("a", jsonl.MaxLineLength) + `"}`, "line 2 too_long"},
		} {
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				_, err := readAll(t, header+tc.line+"\n")
				is.Equal(field(err), tc.want) // the line and what is wrong
			})
		}
	})
}

func TestWriterRefusesAnEmptyRecord(t *testing.T) {
	is := is.New(t)
	var b strings.Builder
	w, err := jsonl.NewWriter(&b, 1)
	is.NoErr(err)
	is.True(errors.Is(w.Write(store.Record{}), convo.ErrInvalid)) // neither contact, conversation nor message
	is.Equal(b.String(), header)                                  // the header only
}
