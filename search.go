package convo

import (
	"strings"
	"unicode"
)

// Limits on search text, enforced by ParseSearch.
const (
	MaxSearchLength = 1024 // bytes of search text
	MaxSearchTerms  = 32   // words, phrases and prefixes in one search
)

// SearchTerm is one term of a search: a word, a "quoted phrase" or a
// prefix* that must all match. Text is what the user typed for it, without
// the quotes or the trailing star; it is never query syntax, so a backend
// must quote it as a whole (it may contain quotes, parentheses, colons,
// operators of any query language).
type SearchTerm struct {
	Text   string
	Phrase bool // typed in double quotes: its words must appear in this order, side by side
	Prefix bool // typed with a trailing *: matches words that begin with Text
}

// Search is parsed search text: every term must match. The zero value
// (no terms) searches for nothing in particular; a backend treats it as
// "no filter" only when the text was blank, see SearchText.
type Search struct {
	Terms []SearchTerm
}

// ParseSearch parses what a user typed into a search box. The language is
// small and forgiving: words (all must match), "quoted phrases" and
// prefix* words. Any other character is text, never syntax, so a
// search for `"foo`, `NEAR(`, `a OR`, `-x` or `col:val` parses (an
// unclosed quote runs to the end). What a term matches is the same in
// every store, and the Search section of package
// [github.com/convokit/convo/store] says it: how text splits into words,
// how case and accents fold, what a phrase and a prefix match. Text that
// is not valid UTF-8, contains a NUL byte, is longer than MaxSearchLength
// bytes or holds more than MaxSearchTerms terms is a *ValidationError on
// field.
func ParseSearch(field, text string) (Search, error) {
	if err := ValidateText(field, text, MaxSearchLength); err != nil {
		return Search{}, err
	}
	var s Search
	rest := text
	for {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			break
		}
		var t SearchTerm
		if rest[0] == '"' {
			body, after, closed := strings.Cut(rest[1:], `"`)
			t = SearchTerm{Text: body, Phrase: true}
			if closed && strings.HasPrefix(after, "*") {
				t.Prefix = true
				after = strings.TrimLeft(after, "*")
			}
			rest = after
		} else {
			end := strings.IndexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			word := rest[:end]
			rest = rest[end:]
			if trimmed := strings.TrimRight(word, "*"); trimmed != word {
				t = SearchTerm{Text: trimmed, Prefix: true}
			} else {
				t = SearchTerm{Text: word}
			}
		}
		if strings.TrimSpace(t.Text) == "" {
			continue // "" or a lone *: nothing to look for
		}
		s.Terms = append(s.Terms, t)
	}
	if len(s.Terms) > MaxSearchTerms {
		return Search{}, Invalid(field, CodeTooLong, "must have at most 32 words, phrases and prefixes")
	}
	return s, nil
}

// Empty reports whether the search has no term.
func (s Search) Empty() bool { return len(s.Terms) == 0 }
