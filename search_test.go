package convo_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
)

func TestParseSearch(t *testing.T) {
	is := is.New(t)
	word := func(s string) convo.SearchTerm { return convo.SearchTerm{Text: s} }
	for text, want := range map[string][]convo.SearchTerm{
		"":                  nil,
		"  \t ":             nil,
		"invoice":           {word("invoice")},
		"wrong  address":    {word("wrong"), word("address")},
		`"wrong address"`:   {{Text: "wrong address", Phrase: true}},
		`"wrong address"*`:  {{Text: "wrong address", Phrase: true, Prefix: true}},
		"inv* x**":          {{Text: "inv", Prefix: true}, {Text: "x", Prefix: true}},
		`"foo`:              {{Text: "foo", Phrase: true}},
		`a "b c" d`:         {word("a"), {Text: "b c", Phrase: true}, word("d")},
		`NEAR( a OR -x`:     {word("NEAR("), word("a"), word("OR"), word("-x")},
		`col:val`:           {word("col:val")},
		`* "" " " **`:       nil,
		`a*b`:               {word("a*b")},
		`don't "say ""no"`:  {word("don't"), {Text: "say ", Phrase: true}, {Text: "no", Phrase: true}},
		"caf\u00e9 \u65e5本": {word("caf\u00e9"), word("\u65e5本")},
	} {
		got, err := convo.ParseSearch("q", text)
		is.NoErr(err)
		is.Equal(got.Terms, want) // parsed as words, phrases and prefixes, never failing
		is.Equal(got.Empty(), len(want) == 0)
	}
	for _, bad := range []string{"bad \xff", "nul\x00", strings.Repeat("x", convo.MaxSearchLength+1), strings.Repeat("a ", convo.MaxSearchTerms+1)} {
		_, err := convo.ParseSearch("q", bad)
		var ve *convo.ValidationError
		is.True(errors.As(err, &ve)) // a ValidationError
		_, named := ve.Field("q")
		is.True(named) // naming the field
	}
}
