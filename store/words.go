package store

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words returns the words of text as every search reads them (see Search
// in the package doc), in order and folded: runs of letters, numbers and
// private-use characters, each letter in one case and, if it is one of
// the accented forms of a to z, without its accents. Everything else
// separates words, except the combining accents of those forms (U+0300
// grave to U+0331 macron below, the 25 that compose them), which a word
// drops wherever they stand, so that é written as e and a combining acute
// is e too.
//
// Case is folded as Unicode's simple case folding does (MAIL, Mail and
// mail are mail; ſ is s; µ is μ; ß and ẞ are ß), which leaves ı (dotless
// i) a letter of its own. The accented letters are those of Latin-1
// Supplement, Latin Extended-A and -B and Latin Extended Additional
// (U+00C0 to U+024F, U+1E00 to U+1EFF) made of a letter a to z and
// accents, bar the rare ǡ: the table in words.go lists them all. Letters
// that are not such a form stay as they are: æ, ø, ð, þ, ß, ł, đ, ħ, ŋ,
// œ, ǽ, and every letter of another script (й is not и).
//
// A backend keeps these words however its engine works: indexing
// Words(content) as they are, or with an engine whose own tokenizer gives
// the same words.
func Words(text string) []string {
	// A word holds no space, so the words of AppendWords's one string
	// are its fields.
	words := strings.Fields(string(AppendWords(make([]byte, 0, len(text)), text, "")))
	if len(words) == 0 {
		return nil
	}
	return words
}

// AppendWords appends the words of text (Words) to dst, each behind
// before and separated by spaces, and returns the extended buffer: the
// form a backend indexes them in, in one string rather than one for each
// word.
func AppendWords(dst []byte, text, before string) []byte {
	in, first := false, true
	for _, r := range text {
		switch {
		case combiningAccent(r):
		case wordRune(r):
			if !in {
				if !first {
					dst = append(dst, ' ')
				}
				dst = append(dst, before...)
				in, first = true, false
			}
			dst = utf8.AppendRune(dst, fold(r))
		default:
			in = false
		}
	}
	return dst
}

// wordRune reports whether r is a letter of a word: a letter, a number or
// a private-use character.
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// fold folds a letter's case and, for an accented a to z, its accents.
func fold(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	if r != 'ı' { // dotless i has no case pair of its own: ToUpper would make it I
		r = unicode.ToLower(unicode.ToUpper(r))
	}
	if base, ok := unaccented[r]; ok {
		return base
	}
	return r
}

// combiningAccent reports whether r is one of the combining accents that
// compose the accented forms of a to z.
func combiningAccent(r rune) bool {
	switch {
	case r < 0x0300 || r > 0x0331:
		return false
	case r <= 0x030C: // grave … caron, but for 0305 overline
		return r != 0x0305
	case r >= 0x0323 && r <= 0x0328: // dot below … ogonek
		return true
	}
	switch r {
	case 0x030F, 0x0311, 0x031B, 0x032D, 0x032E, 0x0330, 0x0331:
		// double grave, inverted breve, horn, circumflex below, breve
		// below, tilde below, macron below
		return true
	}
	return false
}

// accented lists, for each letter a to z, its accented forms in lower
// case (upper case folds to these first).
var accented = []struct {
	base  rune
	forms string
}{
	{'a', "àáâãäåāăąǎǟǻȁȃȧḁạảấầẩẫậắằẳẵặ"},
	{'b', "ḃḅḇ"},
	{'c', "çćĉċčḉ"},
	{'d', "ďḋḍḏḑḓ"},
	{'e', "èéêëēĕėęěȅȇȩḕḗḙḛḝẹẻẽếềểễệ"},
	{'f', "ḟ"},
	{'g', "ĝğġģǧǵḡ"},
	{'h', "ĥȟḣḥḧḩḫẖ"},
	{'i', "ìíîïĩīĭįǐȉȋḭḯỉị"},
	{'j', "ĵǰ"},
	{'k', "ķǩḱḳḵ"},
	{'l', "ĺļľḷḹḻḽ"},
	{'m', "ḿṁṃ"},
	{'n', "ñńņňǹṅṇṉṋ"},
	{'o', "òóôõöōŏőơǒǫǭȍȏȫȭȯȱṍṏṑṓọỏốồổỗộớờởỡợ"},
	{'p', "ṕṗ"},
	{'r', "ŕŗřȑȓṙṛṝṟ"},
	{'s', "śŝşšșṡṣṥṧṩ"},
	{'t', "ţťțṫṭṯṱẗ"},
	{'u', "ùúûüũūŭůűųưǔǖǘǚǜȕȗṳṵṷṹṻụủứừửữự"},
	{'v', "ṽṿ"},
	{'w', "ŵẁẃẅẇẉẘ"},
	{'x', "ẋẍ"},
	{'y', "ýÿŷȳẏẙỳỵỷỹ"},
	{'z', "źżžẑẓẕ"},
}

// unaccented maps each accented form to its letter.
var unaccented = func() map[rune]rune {
	m := make(map[rune]rune, 256)
	for _, a := range accented {
		for _, r := range a.forms {
			m[r] = a.base
		}
	}
	return m
}()
