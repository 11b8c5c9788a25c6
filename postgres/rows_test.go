package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// A row whose stored JSON is not of its column's shape (written by hand,
// around the store) fails the call that reads it, saying why, and the
// store goes on working.
func TestBadStoredJSON(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	url := newConvoDatabase(t)
	s := openStore(t, url, Options{})
	bad := newConversation(t, s, 1)
	good := newConversation(t, s, 1)
	m, err := s.AddMessage(ctx, 1, good.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "hello"})
	is.NoErr(err)
	rawExec(t, url,
		fmt.Sprintf(`UPDATE convo_conversations SET custom_attributes = '[1]' WHERE id = %d`, bad.ID),
		fmt.Sprintf(`UPDATE convo_messages SET attachments = '{"not": "a list"}' WHERE id = %d`, m.ID))

	for _, f := range []store.ConversationFilter{{}, {Page: store.After("", 25)}} {
		_, err = s.ListConversations(ctx, 1, f)
		is.True(err != nil)                                          // the list fails
		is.True(strings.Contains(err.Error(), "decode JSON column")) // saying why
	}
	_, err = s.GetConversation(ctx, 1, good.ID, store.GetConversationOptions{Messages: 10})
	is.True(err != nil) // so does the get of the message's conversation

	rawExec(t, url,
		fmt.Sprintf(`UPDATE convo_conversations SET custom_attributes = '{}' WHERE id = %d`, bad.ID),
		fmt.Sprintf(`UPDATE convo_messages SET attachments = '[]' WHERE id = %d`, m.ID))
	page, err := s.ListConversations(ctx, 1, store.ConversationFilter{})
	is.NoErr(err) // and once mended, the store reads them
	is.Equal(len(page.Items), 2)
	got, err := s.GetConversation(ctx, 1, good.ID, store.GetConversationOptions{Messages: 10})
	is.NoErr(err)
	is.Equal(len(got.Messages), 1)
}
