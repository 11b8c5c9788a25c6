package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// The data set of the benchmark workload, drawn from one seed.
const (
	agents, inboxes, teams, labels = 50, 10, 5, 20
	vocabularySize                 = 5000
)

// baseTime ends the year the conversations are spread over.
var baseTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// accountOf puts 1 % of contacts and conversations in account 2.
func accountOf(i int) int64 {
	if i%100 == 0 {
		return 2
	}
	return 1
}

// textGen writes message content: 8 to 40 words drawn with a Zipf law from a
// fixed vocabulary of pseudo-words.
type textGen struct {
	words []string
	zipf  *rand.Zipf
	r     *rand.Rand
}

func newTextGen(r *rand.Rand) *textGen {
	syllables := []string{"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qui", "dor", "fen", "gal", "hux", "jor"}
	seen := map[string]bool{}
	var words []string
	for len(words) < vocabularySize {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return &textGen{words: words, zipf: rand.NewZipf(r, 1.07, 1, vocabularySize-1), r: r}
}

func (g *textGen) message() string {
	n := 8 + g.r.IntN(33)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.words[g.zipf.Uint64()]
	}
	return strings.Join(parts, " ")
}

// drawingFrom is a generator of the same vocabulary drawing from r.
func (g *textGen) drawingFrom(r *rand.Rand) *textGen {
	return &textGen{words: g.words, zipf: rand.NewZipf(r, 1.07, 1, vocabularySize-1), r: r}
}

// plannedMessage is a message of the data set before it is loaded.
type plannedMessage struct {
	at  time.Time
	msg convo.NewMessage
}

// plannedConversation is what the load keeps of a conversation: what it
// needs to draw the messages again when it loads them and to set the
// conversation's state after them. Holding the messages instead would hold
// the whole data set in memory.
type plannedConversation struct {
	id       int64 // once created
	account  int64
	created  time.Time
	assignee uuid.UUID // uuid.Nil when unassigned
	reader   uuid.UUID // the first participant user, who marks messages seen
	status   convo.Status
	markRead bool
	messages messageSeed
}

// messageSeed is where a conversation's messages start in the data set's
// random stream: restoring the source to it draws them again.
type messageSeed struct {
	src    rand.PCG // the state of the random source
	serial uint64   // source ids handed out before them
}

// messageCount draws a lognormal count with the given mean and a heavy tail.
func messageCount(r *rand.Rand, mean int) int {
	v := float64(mean) * math.Exp(r.NormFloat64()-0.5)
	return max(1, min(100*mean, int(math.Round(v))))
}

func pickStatus(r *rand.Rand) convo.Status {
	switch x := r.IntN(100); {
	case x < 50:
		return convo.StatusOpen
	case x < 60:
		return convo.StatusPending
	case x < 95:
		return convo.StatusResolved
	}
	return convo.StatusSnoozed
}

// planOf is the custom attribute "plan" of the i-th conversation, counted
// over the data set or, with -accounts, over its account's (layout), for
// the custom view ops: "pro" for half the conversations (dense matches),
// "enterprise" for one in 200 (sparse), "free" for the rest. It draws
// nothing, so the rest of the data set stays as it was.
func planOf(i int) string {
	switch {
	case i%200 == 1: // never an account 2 conversation (accountOf); an account's first (layout)
		return "enterprise"
	case i%2 == 0:
		return "pro"
	}
	return "free"
}

// planConversation draws conversation i of n, without its messages, which
// are drawn next from the same source (planMessages); contacts lists each
// account's contacts and l the accounts' conversations.
func planConversation(r *rand.Rand, i, n int, l *layout, contacts map[int64][]int64, agentIDs []uuid.UUID) (plannedConversation, convo.NewConversation) {
	account, ordinal := l.conversation(i)
	cs := contacts[account]
	c := plannedConversation{account: account}
	contact := cs[r.IntN(len(cs))]
	c.status = pickStatus(r)
	span := 365 * 24 * time.Hour
	c.created = baseTime.Add(-span + time.Duration(float64(span)*float64(i-1)/float64(n)))
	in := convo.NewConversation{ContactID: contact, Channel: convo.ChannelEmail, HappenedAt: c.created,
		InboxID: int64(1 + r.IntN(inboxes)), CustomAttributes: convo.Attributes{"plan": planOf(ordinal)}}
	if r.IntN(100) < 60 {
		in.TeamID = int64(1 + r.IntN(teams))
	}
	if r.IntN(100) >= 30 {
		c.assignee = agentIDs[r.IntN(agents)]
		in.AssigneeID = c.assignee
		c.markRead = r.IntN(100) < 60
	}
	if r.IntN(100) < 30 {
		in.Priority = convo.PriorityFromRank(1 + r.IntN(4))
	}
	for range r.IntN(4) {
		in.Labels = append(in.Labels, fmt.Sprintf("label-%d", 1+r.IntN(labels)))
	}
	return c, in
}

// planMessages draws the messages of c from g's random source; serial
// counts the source ids handed out.
func planMessages(g *textGen, c plannedConversation, mean int, agentIDs []uuid.UUID, serial *uint64) []plannedMessage {
	r := g.r
	n := messageCount(r, mean)
	messages := make([]plannedMessage, 0, n)
	at := c.created
	for k := range n {
		if k > 0 {
			at = at.Add(time.Duration(r.ExpFloat64()*20*float64(time.Minute)) + time.Second)
		}
		m := convo.NewMessage{Content: g.message(), WrittenAt: at}
		switch x := r.IntN(100); {
		case k == 0 || x < 50:
			m.Type = convo.MessageIncoming
			if r.IntN(100) < 80 {
				m.SourceID = sourceID(serial)
			}
		case x < 90:
			m.Type = convo.MessageOutgoing
			m.Private = r.IntN(100) < 10
			m.AuthorID = c.assignee
			if c.assignee == uuid.Nil {
				m.AuthorID = agentIDs[r.IntN(agents)]
			}
			if !m.Private && r.IntN(100) < 30 {
				m.SourceID = sourceID(serial)
			}
		default:
			m.Type = convo.MessageActivity
		}
		messages = append(messages, plannedMessage{at: at, msg: m})
	}
	return messages
}

// planner draws the data set's conversations in order. The main stream
// draws each conversation and then its messages; the planner notes where
// the messages start (messageSeed) and skips them, so that the load can
// draw them again one conversation at a time (messagesOf) instead of
// holding them all.
type planner struct {
	cfg          config
	layout       *layout
	src          *rand.PCG // the main stream
	text         *textGen  // draws from the main stream
	participants *rand.Rand
	contacts     map[int64][]int64
	agents       []uuid.UUID
	serial       uint64 // source ids handed out
	planned      int

	replaySrc *rand.PCG // restored to a messageSeed to draw its messages again
	replay    *textGen
}

// newPlanner draws the vocabulary from src, the main stream (a rand.Rand
// keeps no state of its own, so any Rand on src continues the stream).
func newPlanner(cfg config, l *layout, src *rand.PCG, participants *rand.Rand, contacts map[int64][]int64, agents []uuid.UUID) *planner {
	p := &planner{cfg: cfg, layout: l, src: src, text: newTextGen(rand.New(src)), participants: participants,
		contacts: contacts, agents: agents, replaySrc: new(rand.PCG)}
	p.replay = p.text.drawingFrom(rand.New(p.replaySrc))
	return p
}

// next plans the next conversation: what to create and what to keep.
func (p *planner) next() (plannedConversation, convo.NewConversation) {
	p.planned++
	c, in := planConversation(p.text.r, p.planned, p.cfg.conversations, p.layout, p.contacts, p.agents)
	c.messages = messageSeed{src: *p.src, serial: p.serial}
	planMessages(p.text, c, p.cfg.messagesPerConv, p.agents, &p.serial) // drawn to move past them
	planParticipants(p.participants, p.cfg, &in)
	if len(in.UserIDs) > 0 {
		c.reader = in.UserIDs[0]
	}
	return c, in
}

// messagesOf draws the messages of c again, the same as next drew them.
func (p *planner) messagesOf(c plannedConversation) []plannedMessage {
	*p.replaySrc = c.messages.src
	serial := c.messages.serial
	return planMessages(p.replay, c, p.cfg.messagesPerConv, p.agents, &serial)
}

// sourceID gives unique, random-looking external ids.
func sourceID(serial *uint64) string {
	*serial++
	x := *serial * 0x9e3779b97f4a7c15
	x ^= x >> 31
	return fmt.Sprintf("wamid.%016x", x*0xbf58476d1ce4e5b9)
}

// agentUUIDs are the 50 agents, the same for a seed.
func agentUUIDs(r *rand.Rand) []uuid.UUID {
	ids := make([]uuid.UUID, agents)
	for i := range ids {
		var b [16]byte
		for k := range b {
			b[k] = byte(r.Uint32())
		}
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		ids[i] = uuid.UUID(b)
	}
	return ids
}

// share is the expected fraction of messages holding at least one word
// whose rank is kept by in: 8 to 40 words each, drawn with the Zipf law of
// textGen (rank k weighs (1+k)^-1.07).
func share(words []string, in func(string) bool) float64 {
	var total, q float64
	for k, w := range words {
		p := math.Pow(float64(1+k), -1.07)
		total += p
		if in(w) {
			q += p
		}
	}
	q /= total
	var none float64
	for n := 8; n <= 40; n++ {
		none += math.Pow(1-q, float64(n))
	}
	return 1 - none/33
}

// searchTerms picks the workload's search word (in 0.5-1 % of messages) and
// prefix (5-10 %): the first word from rank 300 on in its range, and the
// shortest prefix of it, or of the words after it, in its range.
func searchTerms(words []string) (word, prefix string) {
	word, prefix = words[300], words[300][:3]
	for _, w := range words[300:] {
		if s := share(words, func(x string) bool { return x == w }); s >= 0.005 && s <= 0.01 {
			word = w
			break
		}
	}
	for _, w := range words[300:] {
		for n := 3; n < len(w); n++ {
			p := w[:n]
			if s := share(words, func(x string) bool { return strings.HasPrefix(x, p) }); s >= 0.05 && s <= 0.10 {
				return word, p
			}
		}
	}
	return word, prefix
}
