package store_test

import (
	"fmt"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo/store"
)

func ExampleWords() {
	fmt.Printf("%q\n", store.Words("Mail bob@Example.org: +1 555-0100, Café CRÈME (l'été) — Łódź!"))
	// Output:
	// ["mail" "bob" "example" "org" "1" "555" "0100" "cafe" "creme" "l" "ete" "łodz"]
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"", nil},
		{" \t\n.,;!?", nil}, // separators only
		{"Hello, World", []string{"hello", "world"}},                        // case folded
		{"bob@example.org", []string{"bob", "example", "org"}},              // an email splits at its punctuation
		{"+44 (20) 7946-0958", []string{"44", "20", "7946", "0958"}},        // a phone number too
		{"co-op, l'été, it’s", []string{"co", "op", "l", "ete", "it", "s"}}, // hyphens and apostrophes
		{"ÀÉÎÕÜ àéîõü ÇçÑñ Ÿÿ", []string{"aeiou", "aeiou", "ccnn", "yy"}},   // Latin-1 accents
		{"ĀăĄćČďĒėĘğĦħİıĲĳĶŁłŃňŌőŒœŘśŞšŢťŪůŰųŴŶŹżŽ",
			[]string{"aaaccdeeegħħiıĳĳkłłnnooœœrsssttuuuuwyzzz"}}, // Latin Extended-A: ħ, ı, ĳ, ł, œ have no accent to fold
		{"ȘșȚț ǍǎǑǒ ƠơƯư", []string{"sstt", "aaoo", "oouu"}},                                // Latin Extended-B
		{"Ạ ạ Ắ ế Ỗ ự Ỹ ḍ ṃ ẅ", []string{"a", "a", "a", "e", "o", "u", "y", "d", "m", "w"}}, // Latin Extended Additional
		{"e\u0301te\u0301 N\u0303", []string{"ete", "n"}},                                   // combining accents, dropped
		{"x\u0305y", []string{"x", "y"}},                                                    // other marks separate
		{"Æ æ Ø ø Ð ð Þ þ ß ẞ", []string{"æ", "æ", "ø", "ø", "ð", "ð", "þ", "þ", "ß", "ß"}}, // letters of their own, in one case
		{"ǡ ǽ ǿ", []string{"ǡ", "ǽ", "ǿ"}},                                                  // not a to z with accents
		{"ſ µ K Å", []string{"s", "μ", "k", "a"}},                                           // case folding's odd pairs
		{"ΣΊΣΥΦΟΣ ς", []string{"σίσυφοσ", "σ"}},                                             // other scripts: case, not accents
		{"ЙОД йод иод", []string{"йод", "йод", "иод"}},                                      //
		{"日本語のテキスト", []string{"日本語のテキスト"}},                                                  // letters run on
		{"x² ½ ⅷ 42", []string{"x²", "½", "ⅷ", "42"}},                                       // numbers of every kind
		{"great👍job 😀", []string{"great", "job"}},                                           // emoji separate
		{"a\ue000b", []string{"a\ue000b"}},                                                  // private use is part of a word
		{"\u0301e x\u0301 \u0301 y", []string{"e", "x", "y"}},                               // an accent before any letter, or alone
	} {
		is := is.New(t)
		is.Equal(store.Words(tc.text), tc.want) // the words of tc.text
		want := ""
		for i, w := range tc.want {
			if i > 0 {
				want += " "
			}
			want += ">" + w
		}
		is.Equal(string(store.AppendWords([]byte("x"), tc.text, ">")), "x"+want) // AppendWords, after what dst held
	}
}
