package backend

import (
	"strings"
	"testing"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

func TestSnippet(t *testing.T) {
	for _, tc := range []struct {
		content, query string
		words          int
		want           string
	}{
		// Content of no more words than the snippet's is whole, as stored.
		{"Hello, my Parcel never arrived!", "parcel", 16, "Hello, my [Parcel] never arrived!"},
		{"¡parcel!", "parcel", 1, "¡[parcel]!"},
		// Every match is marked; a prefix matches the words it begins.
		{"parcel, PARCELS and parc", "parc*", 16, "[parcel], [PARCELS] and [parc]"},
		// A phrase is one match, with what lies between its words.
		{"the parcel-tracking is broken", `"parcel tracking"`, 16, "the [parcel-tracking] is broken"},
		{"parcel then tracking", `"parcel tracking"`, 16, "parcel then tracking"},
		// Overlapping matches are one.
		{"a b a b a", `"a b" "b a"`, 16, "[a b a b a]"},
		// A piece leaves out words at either end, with the ellipsis.
		{"one two three four five six seven eight nine parcel", "parcel", 3, "…eight nine [parcel]"},
		{"parcel one two three four five", "parcel", 3, "[parcel] one two…"},
		{"one two three four parcel five six seven eight", "parcel", 3, "…four [parcel] five…"},
		// The piece holds the most terms, then the most matches.
		{"kiwi a b c d kiwi pear e f g", "kiwi pear", 3, "…[kiwi] [pear] e…"},
		{"kiwi a b c kiwi kiwi d e f", "kiwi", 3, "…[kiwi] [kiwi] d…"},
		// A match that does not fit is not marked; the piece starts at it.
		{"a b parcel tracking c", `"parcel tracking"`, 1, "…parcel…"},
		// An accent written apart belongs to its word.
		{"Cafe\u0301 au lait", "cafe", 16, "[Cafe\u0301] au lait"},
		// No words: the content as it is.
		{"👍 !", "parcel", 3, "👍 !"},
	} {
		search, err := convo.ParseSearch("q", tc.query)
		if err != nil {
			t.Fatal(err)
		}
		if got := Snippet(tc.content, search, "[", "]", tc.words); got != tc.want {
			t.Errorf("snippet(%q, %q, %d) = %q, want %q", tc.content, tc.query, tc.words, got, tc.want)
		}
	}
}

// TestSnippetForm checks the contract's form on every window of a longer
// text: at most n words, a piece of the content, the ellipsis exactly
// where words are left out, a match in it.
func TestSnippetForm(t *testing.T) {
	content := "¡Hola! Where is my parcel? I ordered it a week ago, the parcel number is 1234, and nobody answers."
	search, _ := convo.ParseSearch("q", "parcel")
	for n := 1; n <= store.MaxSnippetWords; n++ {
		got := Snippet(content, search, "[", "]", n)
		piece, cutStart := strings.CutPrefix(got, store.SnippetEllipsis)
		piece, cutEnd := strings.CutSuffix(piece, store.SnippetEllipsis)
		if !strings.Contains(piece, "[parcel]") {
			t.Errorf("%d words: %q holds no match", n, got)
		}
		plain := strings.NewReplacer("[", "", "]", "").Replace(piece)
		at := strings.Index(content, plain)
		switch {
		case at < 0:
			t.Errorf("%d words: %q is not a piece of the content", n, got)
		case len(store.Words(plain)) > n:
			t.Errorf("%d words: %q has more", n, got)
		case cutStart != (at > 0), cutEnd != (at+len(plain) < len(content)):
			t.Errorf("%d words: %q has an ellipsis where nothing is left out, or none where words are", n, got)
		}
	}
}

func TestSpansAreTheContractsWords(t *testing.T) {
	for _, text := range []string{
		"Mail bob@example.org today", "Cafe\u0301 cre\u0300me", "\u0301e x\u0301", "Ærøskøbing, Straße, Łódź",
		"l'été", "great👍job 😀 ❤ #42", "日本語のテキスト", "bad \xff byte", "",
	} {
		var words []string
		for _, s := range spans(text) {
			if got := store.Words(text[s.start:s.end]); len(got) != 1 || got[0] != s.word {
				t.Errorf("spans(%q): %q is not the word %q", text, text[s.start:s.end], s.word)
			}
			words = append(words, s.word)
		}
		if want := store.Words(text); strings.Join(words, " ") != strings.Join(want, " ") {
			t.Errorf("spans(%q) = %q, store.Words %q", text, words, want)
		}
	}
}
