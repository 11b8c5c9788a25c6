package main

import (
	"math/rand/v2"
	"testing"
)

func TestSearchTerms(t *testing.T) {
	g := newTextGen(rand.New(rand.NewPCG(42, 42^0x5eed)))
	word, prefix := searchTerms(g.words)
	t.Logf("word %q (%.2f%%), prefix %q", word, 100*share(g.words, func(x string) bool { return x == word }), prefix)
	if word == "" || len(prefix) < 3 {
		t.Fatalf("word %q, prefix %q", word, prefix)
	}
}
