package main

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/convokit/convo/store"
)

// layout says which account each contact and conversation of the data set
// belongs to. Without -accounts (accounts == 0) it is accountOf's two
// accounts. With -accounts N the data set is spread over accounts 1..N of
// Zipf-distributed sizes: account k weighs k^-s, with s at least 1 and
// chosen so that account 1 holds half the weight (the sum of k^-s over
// 1..N is 2). Every account gets one conversation and one contact, the
// rest are shared out in proportion to the weights (largest remainders),
// so that account 1 is the largest and N the smallest.
//
// Write order: each account's conversations are spread evenly over the
// load, account k's j-th (from 0) at the fraction j/c_k of it, c_k being
// its size, smaller accounts first where fractions tie. The load thus
// starts with the first conversation of every account, smallest to
// largest: the smallest accounts are written before the large ones, and
// every account's rows go on being written until the end. Contacts are
// laid out the same way.
type layout struct {
	accounts int
	s        float64 // the Zipf exponent

	// The account of conversation i is convAccount[i-1], and it is the
	// convOrdinal[i-1]-th (from 1) conversation of its account.
	convAccount, convOrdinal []int32
	contactAccount           []int32
	convCounts               []int // conversations of account k at k-1
	contactCounts            []int
}

func newLayout(cfg config) *layout {
	l := &layout{accounts: cfg.accounts}
	if l.accounts == 0 {
		return l
	}
	l.s = zipfExponent(l.accounts)
	weights := make([]float64, l.accounts)
	for k := range weights {
		weights[k] = math.Pow(float64(k+1), -l.s)
	}
	l.convCounts = apportion(cfg.conversations, weights)
	l.contactCounts = apportion(cfg.contacts, weights)
	l.convAccount = interleave(l.convCounts)
	l.contactAccount = interleave(l.contactCounts)
	l.convOrdinal = make([]int32, len(l.convAccount))
	seen := make([]int32, l.accounts)
	for i, k := range l.convAccount {
		seen[k-1]++
		l.convOrdinal[i] = seen[k-1]
	}
	return l
}

// conversation gives the account of conversation i (from 1) and its
// ordinal among the account's conversations (for planOf).
func (l *layout) conversation(i int) (account int64, ordinal int) {
	if l.accounts == 0 {
		return accountOf(i), i
	}
	return int64(l.convAccount[i-1]), int(l.convOrdinal[i-1])
}

// contact gives the account of contact i (from 1).
func (l *layout) contact(i int) int64 {
	if l.accounts == 0 {
		return accountOf(i)
	}
	return int64(l.contactAccount[i-1])
}

// describe sums the layout up for the log.
func (l *layout) describe() string {
	total := 0
	for _, c := range l.convCounts {
		total += c
	}
	share := func(k int) string {
		return fmt.Sprintf("account %d %d (%.1f%%)", k, l.convCounts[k-1], 100*float64(l.convCounts[k-1])/float64(total))
	}
	return fmt.Sprintf("%d accounts, Zipf s=%.3f; conversations: %s, %s, %s; the smallest written first",
		l.accounts, l.s, share(1), share(medianAccount(l.accounts)), share(l.accounts))
}

// medianAccount is the account of median size: sizes fall with the id.
func medianAccount(accounts int) int { return (accounts + 1) / 2 }

// zipfExponent is the s >= 1 for which account 1 of n holds half the
// weight, the sum of k^-s over 1..n being 2 (below 4 accounts even s = 1
// gives account 1 more than half).
func zipfExponent(n int) float64 {
	sum := func(s float64) float64 {
		var t float64
		for k := 1; k <= n; k++ {
			t += math.Pow(float64(k), -s)
		}
		return t
	}
	lo, hi := 1.0, 4.0
	if sum(lo) <= 2 {
		return lo
	}
	for range 60 {
		mid := (lo + hi) / 2
		if sum(mid) > 2 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// apportion shares total out over the weights: one each, the rest in
// proportion, by largest remainders (the lower index first on a tie), so
// that sizes never grow with the index when the weights do not.
func apportion(total int, weights []float64) []int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	rest := total - len(weights)
	counts := make([]int, len(weights))
	fracs := make([]float64, len(weights))
	given := 0
	for k, w := range weights {
		q := float64(rest) * w / sum
		counts[k] = 1 + int(q)
		fracs[k] = q - math.Floor(q)
		given += int(q)
	}
	order := make([]int, len(weights))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(fracs[b], fracs[a]) })
	for _, k := range order[:rest-given] {
		counts[k]++
	}
	return counts
}

// interleave lays the accounts' rows out in write order (see layout):
// account k's j-th row at j/counts[k-1], the smaller account first on a
// tie. It gives each row's account.
func interleave(counts []int) []int32 {
	type slot struct{ k, j int }
	var slots []slot
	for k, c := range counts {
		for j := range c {
			slots = append(slots, slot{k, j})
		}
	}
	slices.SortFunc(slots, func(a, b slot) int {
		// j_a/c_a against j_b/c_b, exactly.
		if c := cmp.Compare(int64(a.j)*int64(counts[b.k]), int64(b.j)*int64(counts[a.k])); c != 0 {
			return c
		}
		if c := cmp.Compare(counts[a.k], counts[b.k]); c != 0 {
			return c
		}
		return cmp.Compare(b.k, a.k)
	})
	accounts := make([]int32, len(slots))
	for i, s := range slots {
		accounts[i] = int32(s.k + 1)
	}
	return accounts
}

// accountReads times the read ops in the largest, the median and the
// smallest account (-accounts), each op's name suffixed with @largest,
// @median or @smallest: one account's cost should not depend on the
// others'.
func (b *bench) accountReads() error {
	if b.cfg.accounts == 0 {
		return nil
	}
	for _, m := range []struct {
		tag     string
		account int64
	}{{"largest", 1}, {"median", int64(medianAccount(b.cfg.accounts))}, {"smallest", int64(b.cfg.accounts)}} {
		b.logf("reads in the %s account (%d)", m.tag, m.account)
		if err := b.readAccount(m.tag, m.account); err != nil {
			return err
		}
	}
	return nil
}

// readAccount times inbox_page1, inbox_keyset, inbox_counts,
// get_conversation, search and search_prefix in one account, as the
// usual ops do in account 1.
func (b *bench) readAccount(tag string, account int64) error {
	convs, messages := b.accountConvs[account], b.accountMessages[account]
	about := fmt.Sprintf("account %d: %d conversations, %d messages loaded", account, len(convs), messages)
	emit := func(op string, n int, note string, fn func(i int) error) error {
		r, err := b.measure(op+"@"+tag, n, fn)
		if err != nil {
			return err
		}
		r.Account, r.Conversations, r.Messages = account, len(convs), messages
		r.Note = about + note
		return b.emit(r)
	}
	if err := emit("inbox_page1", b.cfg.iters, "", func(i int) error {
		_, err := b.s.ListConversations(b.ctx, account, b.inboxFilter(i, store.PageNumber(1, 25)))
		return err
	}); err != nil {
		return err
	}
	cursors, pages, err := b.keysetCursors(account, 40)
	if err != nil {
		return err
	}
	if err := emit("inbox_keyset", b.cfg.iters, fmt.Sprintf("; keyset page %d/%d/%d (mine/unassigned/all), 40 or the last", pages[0], pages[1], pages[2]), func(i int) error {
		_, err := b.s.ListConversations(b.ctx, account, b.inboxFilter(i, store.After(cursors[i%len(tabs)], 25)))
		return err
	}); err != nil {
		return err
	}
	if err := emit("inbox_counts", b.cfg.iters, "", func(int) error {
		_, err := b.s.CountConversations(b.ctx, account, store.ConversationFilter{Agent: b.agents[6]})
		return err
	}); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(b.cfg.seed, 0xacc0+uint64(account)))
	if err := emit("get_conversation", b.cfg.iters, "", func(int) error {
		_, err := b.s.GetConversation(b.ctx, account, convs[r.IntN(len(convs))], store.GetConversationOptions{Messages: 50})
		return err
	}); err != nil {
		return err
	}
	word, prefix := searchTerms(b.words)
	for _, q := range []struct {
		op     string
		term   string
		prefix bool
	}{{"search", word, false}, {"search_prefix", prefix, true}} {
		query, err := b.accountQuery(account, q.term, q.prefix)
		if err != nil {
			return fmt.Errorf("%s@%s: %w", q.op, tag, err)
		}
		all, err := b.s.SearchMessages(b.ctx, account, store.MessageSearch{Query: query, IncludePrivate: true, Page: store.PageNumber(1, 1)})
		if err != nil {
			return fmt.Errorf("%s@%s: %w", q.op, tag, err)
		}
		note := fmt.Sprintf("; q=%q: %d matching messages (%.2f%%)", query, all.Meta.Total, 100*float64(all.Meta.Total)/float64(max(1, messages)))
		if global := termQuery(q.term, q.prefix); query != global {
			note += fmt.Sprintf(", the workload's q=%q finding no conversation of the account", global)
		}
		filter := store.ConversationFilter{Query: query, Page: store.After("", 25)}
		if err := emit(q.op, max(b.cfg.iters/5, 20), note, func(int) error {
			page, err := b.s.ListConversations(b.ctx, account, filter)
			if err == nil && len(page.Items) == 0 {
				err = fmt.Errorf("no conversation matches %q", query)
			}
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

func termQuery(term string, prefix bool) string {
	if prefix {
		return term + "*"
	}
	return term
}

// accountQuery gives the query of term (a word, or a prefix) if the list's
// q finds a conversation of the account with it. Otherwise, where the
// account is too small to hold it, it gives the vocabulary's word (or the
// prefix of the same length of a word) of rank nearest to term's that the
// list finds: a term found in the account's own messages, as rare overall
// as can be.
func (b *bench) accountQuery(account int64, term string, prefix bool) (string, error) {
	center := slices.Index(b.words, term)
	if prefix {
		center = slices.IndexFunc(b.words, func(w string) bool { return strings.HasPrefix(w, term) })
	}
	center = max(0, center)
	tried := map[string]bool{}
	for d := 0; d < len(b.words); d++ {
		for _, k := range []int{center - d, center + d} {
			if k < 0 || k >= len(b.words) {
				continue
			}
			t := b.words[k]
			if prefix {
				t = t[:min(len(term), len(t))]
			}
			if d == 0 {
				t = term
			}
			if tried[t] {
				continue
			}
			tried[t] = true
			q := termQuery(t, prefix)
			page, err := b.s.ListConversations(b.ctx, account, store.ConversationFilter{Query: q, Page: store.After("", 1)})
			if err != nil {
				return "", err
			}
			if len(page.Items) > 0 {
				return q, nil
			}
		}
	}
	return "", fmt.Errorf("no word of the vocabulary in account %d", account)
}
