package helpdesk_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/convotest"
	"github.com/convokit/convo/store"

	"example.com/helpdesk"
)

// A ticket and its conversation are one commit in one file.
func TestOpenTicket(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	s, err := helpdesk.Open(ctx, filepath.Join(t.TempDir(), "helpdesk.db"))
	is.NoErr(err)
	defer s.Close()

	ticket, err := helpdesk.OpenTicket(ctx, s, "ada@example.com", "Wrong invoice", "My invoice is wrong.")
	is.NoErr(err)
	conv, err := s.GetConversation(ctx, helpdesk.Account, ticket.ConversationID, store.GetConversationOptions{})
	is.NoErr(err)
	is.Equal(conv.Contact.Email, "ada@example.com") // the conversation the ticket names
	is.Equal(conv.MessagesCount, int64(1))

	// The same email again: the contact clashes, so neither the second
	// ticket nor its conversation is stored.
	_, err = helpdesk.OpenTicket(ctx, s, "ada@example.com", "Again", "Still wrong.")
	is.True(errors.Is(err, convo.ErrConflict))
	counts, err := s.CountConversations(ctx, helpdesk.Account, store.ConversationFilter{})
	is.NoErr(err)
	is.Equal(counts.All, 1) // nothing of the failed ticket
}

// A page of conversations goes to JSON and comes back equal; its filter
// comes from a query string.
func TestInboxJSON(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	s, err := helpdesk.Open(ctx, filepath.Join(t.TempDir(), "helpdesk.db"))
	is.NoErr(err)
	defer s.Close()
	for _, email := range []string{"ada@example.com", "grace@example.com"} {
		_, err := helpdesk.OpenTicket(ctx, s, email, "Help", "Please help.")
		is.NoErr(err)
	}

	body, err := helpdesk.InboxJSON(ctx, s, "status=open&assignee_type=unassigned&labels[]=ticket&sort=created_desc&per_page=10")
	is.NoErr(err)
	var got store.Page[convo.Conversation]
	is.NoErr(json.Unmarshal(body, &got))
	want, err := s.ListConversations(ctx, helpdesk.Account, store.ConversationFilter{
		Assignee: store.AssigneeUnassigned, Labels: []string{"ticket"}, Sort: store.SortCreatedDesc, Page: store.PageNumber(1, 10)})
	is.NoErr(err)
	is.Equal(len(got.Items), 2)
	is.Equal(got, want) // the page, through JSON and back

	_, err = helpdesk.InboxJSON(ctx, s, "assignee_type=everyone")
	var ve *convo.ValidationError
	is.True(errors.As(err, &ve))
	_, named := ve.Field("assignee_type")
	is.True(named) // a bad parameter, named for the answer
}

// A fixture loads beside rows the test built.
func TestFixtureBesideBuiltRows(t *testing.T) {
	is := is.New(t)
	s := convotest.New(t)
	built := convotest.Conversation(t, s, convotest.WithMessages(3))
	stats := convotest.LoadWithNewIDs(t, s, "testdata/fixture.jsonl")
	loaded, err := s.GetConversation(t.Context(), convotest.Account, stats.ConversationIDs[1], store.GetConversationOptions{})
	is.NoErr(err)
	is.Equal(loaded.Contact.Email, "grace@example.com")
	is.True(loaded.ID != built.ID)
	counts, err := s.CountConversations(t.Context(), convotest.Account, store.ConversationFilter{})
	is.NoErr(err)
	is.Equal(counts.All, 2) // both, side by side
}
