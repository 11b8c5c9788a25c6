package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestThreadRowsGoWithTheirMessages shows the schema's references at
// work: a conversation or contact deleted with replies, reactions and
// versions in it goes in one statement (the reply key is checked at its
// end, when parent and reply are both gone), and takes their rows along.
func TestThreadRowsGoWithTheirMessages(t *testing.T) {
	ctx := context.Background()
	is := is.New(t)
	url := newConvoDatabase(t)
	s := openStore(t, url, Options{})
	user := uuid.New()
	seed := func() (contactID, conversationID int64) {
		c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
		is.NoErr(err)
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail,
			HappenedAt: c.CreatedAt})
		is.NoErr(err)
		parent, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "first"})
		is.NoErr(err)
		reply, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "second",
			ReplyToID: parent.ID})
		is.NoErr(err)
		_, err = s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "third",
			ReplyToID: reply.ID})
		is.NoErr(err)
		for _, id := range []int64{parent.ID, reply.ID} {
			_, err = s.AddReaction(ctx, 1, id, convo.UserActor(user), "👍")
			is.NoErr(err)
			_, err = s.UpdateMessage(ctx, 1, id, convo.MessageUpdate{Content: new("edited")})
			is.NoErr(err)
		}
		return c.ID, conv.ID
	}
	count := func(table string) int {
		var n int
		is.NoErr(s.pool.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n))
		return n
	}

	_, conv := seed()
	contact, _ := seed()
	is.Equal(count("convo_message_reactions"), 4)
	is.Equal(count("convo_message_versions"), 4)

	_, err := s.DeleteConversation(ctx, 1, conv)
	is.NoErr(err)
	is.Equal(count("convo_message_reactions"), 2)
	is.Equal(count("convo_message_versions"), 2)
	is.NoErr(s.DeleteContact(ctx, 1, contact, store.DeleteContactOptions{Cascade: true}))
	is.Equal(count("convo_messages"), 0)
	is.Equal(count("convo_message_reactions"), 0)
	is.Equal(count("convo_message_versions"), 0)
	is.NoErr(checkInvariants(ctx, s))
}

// TestReactionsInByteOrder shows ListReactions' order on a database
// whose collation is a language's (ICU's root locale, where "a" < "B"):
// reactions by their bytes (COLLATE "C"), then in the order they were
// added, over pages either way.
func TestReactionsInByteOrder(t *testing.T) {
	ctx := context.Background()
	is := is.New(t)
	name := fmt.Sprintf("convo_icu_%d", server.Unique())
	rawExec(t, newDatabase(t), `CREATE DATABASE `+name+` TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'und' LOCALE 'C'`)
	t.Cleanup(func() {
		if err := server.DropDatabase(name); err != nil {
			t.Error(err)
		}
	})
	s := openStore(t, server.DatabaseURL(name), Options{})
	var collates bool
	is.NoErr(s.pool.QueryRow(ctx, `SELECT 'a' < 'B'`).Scan(&collates))
	is.True(collates) // the database's own order is not the bytes'

	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	is.NoErr(err)
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
	is.NoErr(err)
	m, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hi"})
	is.NoErr(err)
	users := []uuid.UUID{uuid.New(), uuid.New()}
	// Added in this order: a collation-aware order would put "a" before
	// "B" and "é" next to "e".
	for _, r := range []string{"é", "a", "B", "e", "👍", "Z"} {
		for _, u := range users {
			_, err := s.AddReaction(ctx, 1, m.ID, convo.UserActor(u), r)
			is.NoErr(err)
		}
	}
	var got []string
	var by []uuid.UUID
	for cursor, first := "", true; first || cursor != ""; first = false {
		p, err := s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{Page: store.After(cursor, 5)})
		is.NoErr(err)
		for _, r := range p.Items {
			got = append(got, r.Reaction)
			by = append(by, r.By.UserID)
		}
		cursor = p.Next
	}
	is.Equal(got, []string{"B", "B", "Z", "Z", "a", "a", "e", "e", "é", "é", "👍", "👍"})
	for i := 0; i < len(by); i += 2 {
		is.Equal(by[i:i+2], users) // then in the order added
	}
	p, err := s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{Page: store.PageNumber(2, 5)})
	is.NoErr(err)
	is.Equal(len(p.Items), 5)
	is.Equal(p.Items[0].Reaction, "a")
	is.Equal(p.Meta.Total, 12)
}
