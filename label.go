package convo

import (
	"slices"
	"strings"
	"unicode"
)

// NormalizeLabel trims and lower-cases a label and checks that it is 1 to
// MaxLabelLength bytes of letters, digits, '-' and '_'.
func NormalizeLabel(label string) (string, bool) {
	l := strings.ToLower(strings.TrimSpace(label))
	if l == "" || len(l) > MaxLabelLength {
		return "", false
	}
	for _, r := range l {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return "", false
		}
	}
	return l, true
}

// NormalizeLabels normalises every label and returns them sorted, without
// duplicates. A bad label is a *ValidationError on field.
func NormalizeLabels(field string, labels []string) ([]string, error) {
	var p problems
	out := make([]string, 0, len(labels))
	for _, l := range labels {
		n, ok := NormalizeLabel(l)
		if !ok {
			if strings.TrimSpace(l) == "" {
				p.add(field, CodeRequired, "a label must not be empty")
			} else {
				p.add(field, CodeInvalid, "label %q must be 1 to %d letters, digits, '-' or '_'", truncate(l, 80), MaxLabelLength)
			}
			continue
		}
		out = append(out, n)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > MaxLabels {
		p.add(field, CodeOutOfRange, "at most %d labels", MaxLabels)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// truncate keeps error messages short when echoing input.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
