package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// TestIteratorsHoldNoConnection walks every list of a store with one reader
// connection and its one writer connection, reading and writing inside each
// loop: were a walk holding a connection between yields, the call inside
// the loop would wait for it until the deadline.
func TestIteratorsHoldNoConnection(t *testing.T) {
	is := is.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := sqlite.Open(":memory:", sqlite.Options{ReadConns: 1})
	is.NoErr(err)
	defer s.Close()

	ct, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	is.NoErr(err)
	var convIDs []int64
	for range 3 {
		c, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ct.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()})
		is.NoErr(err)
		convIDs = append(convIDs, c.ID)
	}

	page := store.After("", 1)
	var walked []int64
	for c, err := range store.Conversations(ctx, s, 1, store.ConversationFilter{Sort: store.SortCreatedAsc, Page: page}) {
		is.NoErr(err)
		walked = append(walked, c.ID)
		_, err = s.AddMessage(ctx, 1, c.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hi"})
		is.NoErr(err) // a write while walking conversations
		n := 0
		for m, err := range store.Messages(ctx, s, 1, c.ID, store.MessageFilter{Page: page}) {
			is.NoErr(err)
			_, err = s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: new("edited")})
			is.NoErr(err) // a write while walking messages, inside a walk
			n++
		}
		is.Equal(n, 1)
	}
	is.Equal(walked, convIDs) // every conversation, once, in order
	for c, err := range store.Contacts(ctx, s, 1, store.ContactFilter{Page: page}) {
		is.NoErr(err)
		_, err = s.UpdateContact(ctx, 1, c.ID, convo.ContactUpdate{Nickname: new("ada")})
		is.NoErr(err) // a write while walking contacts
		_, err = s.ListConversations(ctx, 1, store.ConversationFilter{ContactID: c.ID})
		is.NoErr(err) // a read on the one reader connection
	}
	is.NoErr(ctx.Err()) // nothing waited for the deadline
}
