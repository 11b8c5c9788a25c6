package main

import (
	"fmt"
	"math/rand/v2"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// Participants of the data set (the users API). The pools grow with the data
// set, one user per 10 conversations and one audience per 100, so that a
// user takes part in about the same number of conversations (some 25
// directly, 20 per audience) at any size, as in a host application where
// more conversations come with more users. They are drawn from a random
// source of their own, so the rest of the data set is the same as without
// them.

func userPool(conversations int) int     { return max(10, conversations/10) }
func audiencePool(conversations int) int { return max(2, conversations/100) }

// participantUser is user k of the pool, the same for a seed.
func participantUser(seed uint64, k int) uuid.UUID {
	r := rand.New(rand.NewPCG(seed^0xc0ffee, uint64(k)))
	var b [16]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuid.UUID(b)
}

// viewerOf is user k with the two audiences it belongs to.
func viewerOf(cfg config, k int) convo.Viewer {
	n := audiencePool(cfg.conversations)
	a, b := int64(1+k%n), int64(1+(k*7+3)%n)
	v := convo.Viewer{UserID: participantUser(cfg.seed, k), AudienceIDs: []int64{a}}
	if b != a {
		v.AudienceIDs = append(v.AudienceIDs, b)
	}
	return v
}

// planParticipants gives a conversation an author half of the time, 1 to 3
// participant users and, one time in five, an audience.
func planParticipants(r *rand.Rand, cfg config, in *convo.NewConversation) {
	users := userPool(cfg.conversations)
	picked := map[int]bool{}
	pick := func() uuid.UUID {
		for {
			if k := r.IntN(users); !picked[k] {
				picked[k] = true
				return participantUser(cfg.seed, k)
			}
		}
	}
	if r.IntN(2) == 0 {
		in.AuthorID = pick()
	}
	for range 1 + r.IntN(3) {
		in.UserIDs = append(in.UserIDs, pick())
	}
	if r.IntN(5) == 0 {
		in.AudienceIDs = []int64{int64(1 + r.IntN(audiencePool(cfg.conversations)))}
	}
}

// markSeen gives half of the conversations a reader: its first participant
// has seen all but the last two messages.
func (b *bench) markSeen(r *rand.Rand, plans []plannedConversation) error {
	b.logf("marking messages seen")
	for _, p := range plans {
		if r.IntN(2) == 0 || p.reader == uuid.Nil {
			continue
		}
		c, err := b.s.GetConversation(b.ctx, p.account, p.id, store.GetConversationOptions{Messages: 3})
		if err != nil {
			return fmt.Errorf("mark seen: %w", err)
		}
		if len(c.Messages) == 0 {
			continue
		}
		if _, err := b.s.MarkSeen(b.ctx, p.account, p.id, convo.Viewer{UserID: p.reader}, c.Messages[0].ID); err != nil {
			return fmt.Errorf("mark seen: %w", err)
		}
	}
	return nil
}

// unseen times a participant user's unseen count over all their conversations.
func (b *bench) unseen() error {
	users := userPool(b.cfg.conversations)
	return b.timeOp("unseen_count", b.cfg.iters, func(i int) error {
		_, err := b.s.CountUnseen(b.ctx, 1, viewerOf(b.cfg, (i*7919)%users))
		return err
	})
}
