package main

import (
	"testing"

	"github.com/matryer/is"
)

// TestLayout checks the accounts of -accounts: Zipf sizes falling with the
// id, account 1 with about half, every account with a conversation and a
// contact, the smallest account written first, and each account's
// conversations numbered in order.
func TestLayout(t *testing.T) {
	is := is.New(t)
	for _, n := range []int{2, 3, 5, 20, 1000} {
		cfg := config{conversations: 100000, contacts: 10000, accounts: n}
		l := newLayout(cfg)
		t.Logf("%s", l.describe())
		for _, counts := range [][]int{l.convCounts, l.contactCounts} {
			total := 0
			for k, c := range counts {
				is.True(c >= 1)                     // every account has one
				is.True(k == 0 || c <= counts[k-1]) // sizes fall with the id
				total += c
			}
			is.True(total == cfg.conversations || total == cfg.contacts)
		}
		share := float64(l.convCounts[0]) / float64(cfg.conversations)
		is.True(share > 0.45 && share < 0.7) // about half in account 1
		is.True(l.convCounts[0] > l.convCounts[medianAccount(n)-1] || n == 2)
		first, _ := l.conversation(1)
		is.Equal(first, int64(n))        // the smallest account first
		is.Equal(l.contact(1), int64(n)) // its contacts too
		seen := map[int64]int{}
		for i := 1; i <= cfg.conversations; i++ {
			acct, ordinal := l.conversation(i)
			seen[acct]++
			is.Equal(ordinal, seen[acct])
		}
		for k, c := range l.convCounts {
			is.Equal(seen[int64(k+1)], c)
		}
	}
	l := newLayout(config{conversations: 300, contacts: 100}) // without -accounts: accountOf
	for i := 1; i <= 300; i++ {
		acct, ordinal := l.conversation(i)
		is.Equal(acct, accountOf(i))
		is.Equal(ordinal, i)
		is.Equal(l.contact(i), accountOf(i))
	}
}
