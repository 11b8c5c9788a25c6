package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestRelevanceCountsEveryTerm checks the contract's order where ts_rank of
// the whole query would break it: a message that holds kiwi twice and pear
// once, far apart, is a better match than one that holds each once, side
// by side, with as many words.
func TestRelevanceCountsEveryTerm(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, time.Now)
	contact, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelWeb, HappenedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	filler := func(n int) string { return strings.Repeat("x ", n) }
	var ids []int64
	for _, content := range []string{
		"kiwi " + filler(12) + "pear " + filler(12) + "kiwi", // the better match
		"kiwi pear " + filler(25),                            // newer
	} {
		m, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: content})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "kiwi pear", Order: store.SearchRelevance})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.Items[0].Message.ID != ids[0] {
		t.Fatalf("relevance lists %v, want the message with kiwi twice (%d) first", page.Items, ids[0])
	}
}
