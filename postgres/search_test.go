package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

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

// TestSearchInEveryExecMode: a search asks for a plan made with its words
// in the way the connection's exec mode allows (planWithWords), so it
// works on a connection that keeps no statement descriptions, as a host
// behind a pooler may set, and in pgx's other modes.
func TestSearchInEveryExecMode(t *testing.T) {
	ctx := context.Background()
	url := newConvoDatabase(t)
	s := openStore(t, url, Options{})
	conv := newConversation(t, s, 1)
	if _, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "the invoice is late"}); err != nil {
		t.Fatal(err)
	}
	for _, params := range []string{"description_cache_capacity=0", "default_query_exec_mode=cache_describe",
		"default_query_exec_mode=describe_exec", "default_query_exec_mode=exec", "default_query_exec_mode=simple_protocol"} {
		t.Run(params, func(t *testing.T) {
			is := is.New(t)
			sep := "?"
			if strings.Contains(url, "?") {
				sep = "&"
			}
			s := openStore(t, url+sep+params, Options{})
			searchPastGeneric(is, s)
		})
	}
}

// searchPastGeneric runs the three searches that walk (SearchMessages, the
// list's q, the contact search) past the five calls after which a
// prepared statement may go generic, each finding account 1's one
// message, conversation and contact "Ada".
func searchPastGeneric(is *is.I, s *Store) {
	ctx := context.Background()
	for range 7 {
		hits, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "invoice"})
		is.NoErr(err)
		is.Equal(len(hits.Items), 1)
		list, err := s.ListConversations(ctx, 1, store.ConversationFilter{Query: "inv*", Page: store.After("", 25)})
		is.NoErr(err)
		is.Equal(len(list.Items), 1)
		contacts, err := s.ListContacts(ctx, 1, store.ContactFilter{Query: "ada"})
		is.NoErr(err)
		is.Equal(len(contacts.Items), 1)
	}
}

// TestSearchPlannedWithItsWords: on a connection that prepares its
// statements (pgx's default mode), the searches that walk (the list's q,
// SearchMessages, the contact search) are never prepared, so that each
// call is planned with its words rather than by a generic plan; the
// store's other statements are.
func TestSearchPlannedWithItsWords(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	s := openStore(t, newConvoDatabase(t), Options{MaxConns: 1}) // one connection: the one asked below
	conv := newConversation(t, s, 1)
	_, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "the invoice is late"})
	is.NoErr(err)
	searchPastGeneric(is, s)
	// The counts of page-number paging stay prepared: a count reads every
	// match, from the words index, whatever the words.
	var searches, others int
	is.NoErr(s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE statement LIKE $1 AND statement NOT LIKE 'SELECT count(*)%'),
	count(*) FILTER (WHERE statement NOT LIKE $1) FROM pg_prepared_statements`, "%words @@%").Scan(&searches, &others))
	is.Equal(searches, 0) // no search was prepared
	is.True(others > 0)   // while the store's other statements were
}
