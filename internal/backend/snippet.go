package backend

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// A snippet is made in Go from the content as stored, per the contract in
// the store package's doc ("Snippets"): at most so many words of it,
// holding a match if one fits, each match between the markers (a phrase's
// words as one match, with what lies between them), the ellipsis where
// the piece leaves out the start or the end of the content. Words are the
// contract's (store.Words), found with their place in the content.

// span is one word of a text: its bytes [start, end) and its folded form.
type span struct {
	start, end int
	word       string
}

// joinsWords holds, for each rune from U+0300 to U+0331, whether
// store.Words keeps it inside a word and drops it (the combining accents
// of a to z): asked of store.Words itself, so that both agree.
var joinsWords = func() (t [0x32]bool) {
	for i := range t {
		w := store.Words("a" + string(rune(0x300+i)) + "b")
		t[i] = len(w) == 1 && w[0] == "ab"
	}
	return t
}()

// accent reports whether r is a combining accent a word drops.
func accent(r rune) bool { return r >= 0x300 && r <= 0x331 && joinsWords[r-0x300] }

// wordRune reports whether r is a letter of a word.
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// spans returns the words of text with their places: the words of
// store.Words, in order. An accent belongs to the word it stands in or
// ends; one before any letter is part of no word.
func spans(text string) []span {
	var list []span
	start, end := -1, -1
	flush := func() {
		if start >= 0 {
			list = append(list, span{start, end, strings.Join(store.Words(text[start:end]), "")})
			start = -1
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case accent(r):
			if start >= 0 {
				end = i + size
			}
		case wordRune(r):
			if start < 0 {
				start = i
			}
			end = i + size
		default:
			flush()
		}
		i += size
	}
	flush()
	return list
}

// snippetTerm is a term of a search as words: it matches where its words
// follow one another, the last maybe as a prefix.
type snippetTerm struct {
	words  []string
	prefix bool
}

// at reports whether the term matches the words from i on.
func (t snippetTerm) at(words []span, i int) bool {
	last := len(t.words) - 1
	if i+last >= len(words) {
		return false
	}
	for j, w := range t.words[:last] {
		if words[i+j].word != w {
			return false
		}
	}
	w := words[i+last].word
	return w == t.words[last] || t.prefix && strings.HasPrefix(w, t.words[last])
}

// match is a run of words [first, last] that matches a term.
type match struct{ first, last, term int }

// matches finds every match of the search's terms in words, in order,
// overlapping ones merged into one.
func matches(words []span, s convo.Search) []match {
	var terms []snippetTerm
	for _, t := range s.Terms {
		if w := store.Words(t.Text); len(w) > 0 {
			terms = append(terms, snippetTerm{w, t.Prefix})
		}
	}
	var list []match
	for i := range words {
		for ti, t := range terms {
			if !t.at(words, i) {
				continue
			}
			m := match{i, i + len(t.words) - 1, ti}
			if n := len(list); n > 0 && m.first <= list[n-1].last {
				list[n-1].last = max(list[n-1].last, m.last)
				continue
			}
			list = append(list, m)
		}
	}
	return list
}

// Snippet returns the piece of content that shows the search's matches,
// at most words words of it, each match between start and end.
func Snippet(content string, s convo.Search, start, end string, words int) string {
	list := spans(content)
	found := matches(list, s)
	first, last := window(len(list), found, words)
	var b strings.Builder
	from, to := 0, len(content)
	if first > 0 {
		b.WriteString(store.SnippetEllipsis)
		from = list[first].start
	}
	if last < len(list) {
		to = list[last-1].end
	}
	at := from
	for _, m := range found {
		if m.first < first || m.last >= last {
			continue // not wholly in the piece
		}
		b.WriteString(content[at:list[m.first].start])
		b.WriteString(start)
		b.WriteString(content[list[m.first].start:list[m.last].end])
		b.WriteString(end)
		at = list[m.last].end
	}
	b.WriteString(content[at:to])
	if last < len(list) {
		b.WriteString(store.SnippetEllipsis)
	}
	return b.String()
}

// window chooses the words [first, last) of a snippet of at most n of the
// total words: all of them when they fit, else the n that hold the most
// terms, then the most matches (the earliest such), with the matches it
// holds in its middle. found is in order and its matches do not overlap,
// so that a window that starts at a match holds the matches after it up
// to its end: the best window is one of those.
func window(total int, found []match, n int) (first, last int) {
	if total <= n {
		return 0, total
	}
	best, bestScore, lo, hi := 0, 0, -1, -1
	for i, m := range found {
		a := min(m.first, total-n)
		terms := map[int]bool{}
		held, from, to := 0, -1, -1
		for _, h := range found[i:] {
			if h.last >= a+n {
				break
			}
			if from < 0 {
				from = h.first
			}
			terms[h.term] = true
			held++
			to = h.last
		}
		if score := len(terms)*(total+1) + held; held > 0 && score > bestScore {
			best, bestScore, lo, hi = a, score, from, to
		}
	}
	if bestScore == 0 {
		if len(found) > 0 { // no match fits: start at the first
			best = min(found[0].first, total-n)
		}
		return best, best + n
	}
	a := lo - (n-(hi-lo+1))/2
	a = max(a, hi-n+1, 0)
	a = min(a, lo, total-n)
	return a, a + n
}
