package main

import (
	"math/rand/v2"
	"testing"

	"github.com/matryer/is"
)

// TestPlannerDrawsTheStream checks that the planner gives the data set of
// one random stream drawn straight through, each conversation followed by
// its messages, although it skips the messages and the load draws them
// again later from where they started.
func TestPlannerDrawsTheStream(t *testing.T) {
	is := is.New(t)
	cfg := config{conversations: 300, messagesPerConv: 10, seed: 42}
	contacts := map[int64][]int64{1: {1, 2, 3}, 2: {4}}
	newStreams := func() (*rand.PCG, *rand.Rand) {
		return rand.NewPCG(cfg.seed, cfg.seed^0x5eed), rand.New(rand.NewPCG(cfg.seed, 0xa0d1e))
	}

	src, participants := newStreams()
	r := rand.New(src)
	agents := agentUUIDs(r)
	text := newTextGen(r)
	var serial uint64

	plSrc, plParticipants := newStreams()
	is.Equal(agentUUIDs(rand.New(plSrc)), agents) // the same agents
	pl := newPlanner(cfg, newLayout(cfg), plSrc, plParticipants, contacts, agents)

	var plans []plannedConversation
	var want [][]plannedMessage
	for i := 1; i <= cfg.conversations; i++ {
		wantConv, wantIn := planConversation(r, i, cfg.conversations, &layout{}, contacts, agents)
		want = append(want, planMessages(text, wantConv, cfg.messagesPerConv, agents, &serial))
		planParticipants(participants, cfg, &wantIn)

		c, in := pl.next()
		is.Equal(in, wantIn)                  // the conversation to create
		is.Equal(c.reader, wantIn.UserIDs[0]) // its reader
		wantConv.messages, wantConv.reader = c.messages, c.reader
		is.Equal(c, wantConv) // what the load keeps
		plans = append(plans, c)
	}
	is.Equal(rand.New(plSrc).Uint64(), r.Uint64())           // the main stream goes on the same after the data set
	is.Equal(plParticipants.Uint64(), participants.Uint64()) // so does the participants' one
	is.Equal(pl.messagesOf(plans[7]), want[7])               // a conversation's messages drawn out of order
	for i, c := range plans {
		is.Equal(pl.messagesOf(c), want[i]) // the messages drawn again
	}
}
