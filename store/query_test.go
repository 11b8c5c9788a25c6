package store_test

import (
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// mustQuery parses a URL query for a test.
func mustQuery(t *testing.T, s string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var agent = uuid.MustParse("7db2c508-1758-4b84-bb68-50b5c8e1f458")

func TestParseConversationFilter(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		since := time.Date(2024, 5, 10, 7, 1, 27, 0, time.UTC)
		for _, tc := range []struct {
			query string
			want  store.ConversationFilter
		}{
			{"", store.ConversationFilter{}},
			{"api_access_token=x&_=123&foo[]=1", store.ConversationFilter{}},      // unknown parameters are ignored
			{"status=&inbox_id=&labels=&sort=&page=", store.ConversationFilter{}}, // empty is as if not given
			{"status=resolved", store.ConversationFilter{Statuses: []convo.Status{convo.StatusResolved}}},
			{"status=all", store.ConversationFilter{Statuses: store.AllStatuses}},
			{"status=open,pending&status=open", store.ConversationFilter{Statuses: []convo.Status{convo.StatusOpen, convo.StatusPending}}},
			{"assignee_type=unassigned", store.ConversationFilter{Assignee: store.AssigneeUnassigned}},
			{"assignee_type=mine&agent_id=" + agent.String(), store.ConversationFilter{Assignee: store.AssigneeMine, Agent: agent}},
			{"inbox_id=2&team_id=4&contact_id=7", store.ConversationFilter{InboxID: 2, TeamID: 4, ContactID: 7}},
			{"labels[]=billing&labels[]=VIP", store.ConversationFilter{Labels: []string{"billing", "VIP"}}},
			{"labels=billing,vip", store.ConversationFilter{Labels: []string{"billing", "vip"}}},
			{"labels=a&labels[]=b", store.ConversationFilter{Labels: []string{"a", "b"}}},
			{"conversation_type=unattended", store.ConversationFilter{Unattended: true}},
			{"updated_since=2024-05-10T07:01:27Z", store.ConversationFilter{UpdatedSince: since}},
			{"updated_since=2024-05-10T09:01:27%2B02:00", store.ConversationFilter{UpdatedSince: since}},
			{"updated_since=2024-05-10T09:01:27+02:00", store.ConversationFilter{UpdatedSince: since}}, // '+' decoded as a space
			{"updated_since=1715324487", store.ConversationFilter{UpdatedSince: since}},                // Unix seconds
			{"q=invoice+%22wrong+address%22", store.ConversationFilter{Query: `invoice "wrong address"`}},
			{"sort=priority_desc", store.ConversationFilter{Sort: store.SortPriorityDesc}},
			{"view=Enterprise%2C+waiting", store.ConversationFilter{View: "Enterprise, waiting"}},
			{"page=3", store.ConversationFilter{Page: store.PageNumber(3, store.DefaultPerPage)}},
			{"page=3&per_page=50", store.ConversationFilter{Page: store.PageNumber(3, 50)}},
			{"per_page=50", store.ConversationFilter{Page: store.PageNumber(1, 50)}},
			{"after=", store.ConversationFilter{Page: store.After("", store.DefaultPerPage)}},
			{"after=eyJsIjoiYyJ9&per_page=20", store.ConversationFilter{Page: store.After("eyJsIjoiYyJ9", 20)}},
		} {
			t.Run(tc.query, func(t *testing.T) {
				is := is.New(t)
				f, err := store.ParseConversationFilter(mustQuery(t, tc.query))
				is.NoErr(err)          // the query parses
				is.Equal(f, tc.want)   // into the filter
				is.NoErr(f.Validate()) // which is valid
			})
		}
	})

	t.Run("HostSetsWhoAsks", func(t *testing.T) {
		is := is.New(t)
		f, err := store.ParseConversationFilter(mustQuery(t, "assignee_type=mine&unseen=true"))
		is.NoErr(err) // mine without agent_id, unseen without a viewer: the host's to give
		is.True(f.Validate() != nil)
		f.Agent, f.Viewer = agent, &convo.Viewer{UserID: agent}
		is.NoErr(f.Validate()) // valid once the host said who asks
	})

	t.Run("Bad", func(t *testing.T) {
		for _, tc := range []struct {
			query, param, code string
		}{
			{"status=closed", "status", convo.CodeUnknown},
			{"status=open,closed", "status", convo.CodeUnknown},
			{"assignee_type=me", "assignee_type", convo.CodeUnknown},
			{"assignee_type=mine&assignee_type=all", "assignee_type", convo.CodeInvalid},
			{"agent_id=42", "agent_id", convo.CodeInvalid},
			{"agent_id=00000000-0000-0000-0000-000000000000", "agent_id", convo.CodeInvalid},
			{"inbox_id=two", "inbox_id", convo.CodeInvalid},
			{"inbox_id=-1", "inbox_id", convo.CodeOutOfRange},
			{"team_id=1.5", "team_id", convo.CodeInvalid},
			{"team_id=99999999999999999999", "team_id", convo.CodeOutOfRange},
			{"contact_id=-7", "contact_id", convo.CodeOutOfRange},
			{"labels[]=no+spaces", "labels", convo.CodeInvalid},
			{"conversation_type=mention", "conversation_type", convo.CodeUnknown},
			{"unseen=maybe", "unseen", convo.CodeInvalid},
			{"updated_since=yesterday", "updated_since", convo.CodeInvalid},
			{"updated_since=2024-05-10", "updated_since", convo.CodeInvalid},
			{"updated_since=99999999999999", "updated_since", convo.CodeOutOfRange},
			{"q=%FF", "q", convo.CodeInvalidUTF8},
			{"q=a&q=b", "q", convo.CodeInvalid},
			{"sort=newest", "sort", convo.CodeUnknown},
			{"page=0", "page", convo.CodeOutOfRange},
			{"page=x", "page", convo.CodeInvalid},
			{"per_page=101", "per_page", convo.CodeOutOfRange},
			{"per_page=0", "per_page", convo.CodeOutOfRange},
			{"after=!!", "after", convo.CodeInvalid},
			{"after=abc&page=2", "after", convo.CodeMismatch},
			{"after=a&after=b", "after", convo.CodeInvalid},
		} {
			t.Run(tc.query, func(t *testing.T) {
				_, err := store.ParseConversationFilter(mustQuery(t, tc.query))
				checkInvalid(t, err, tc.param, tc.code) // names the parameter
			})
		}
	})

	t.Run("EveryProblem", func(t *testing.T) {
		is := is.New(t)
		_, err := store.ParseConversationFilter(mustQuery(t, "status=closed&inbox_id=x&labels=a+b&per_page=500"))
		var ve *convo.ValidationError
		is.True(errors.As(err, &ve))
		is.Equal(len(ve.Errors), 4) // every problem at once, each once
		for _, param := range []string{"status", "inbox_id", "labels", "per_page"} {
			_, ok := ve.Field(param)
			is.True(ok) // each parameter named
		}
	})
}

func TestParseMessageFilter(t *testing.T) {
	is := is.New(t)
	f, err := store.ParseMessageFilter(mustQuery(t, "order=newest_first&per_page=50&after="))
	is.NoErr(err)
	is.Equal(f, store.MessageFilter{Order: store.NewestFirst, Page: store.After("", 50)})
	is.NoErr(f.Validate())

	f, err = store.ParseMessageFilter(url.Values{})
	is.NoErr(err)
	is.Equal(f, store.MessageFilter{}) // nothing given: the defaults

	_, err = store.ParseMessageFilter(mustQuery(t, "order=desc"))
	checkInvalid(t, err, "order", convo.CodeUnknown)
	_, err = store.ParseMessageFilter(mustQuery(t, "page=-1"))
	checkInvalid(t, err, "page", convo.CodeOutOfRange)
}

func TestParseMessageSearch(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		is := is.New(t)
		f, err := store.ParseMessageSearch(mustQuery(t, "q=invoice&conversation_id=9&contact_id=7&sender_type=user&author_id="+agent.String()+
			"&message_type=incoming,outgoing&message_type[]=incoming&since=2024-01-01T00:00:00Z&until=1715324487&order=relevance&page=2&per_page=10"))
		is.NoErr(err)
		is.Equal(f, store.MessageSearch{
			Query: "invoice", ConversationID: 9, ContactID: 7, SenderType: convo.SenderUser, AuthorID: agent,
			Types: []convo.MessageType{convo.MessageIncoming, convo.MessageOutgoing},
			Since: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 5, 10, 7, 1, 27, 0, time.UTC),
			Order: store.SearchRelevance, Page: store.PageNumber(2, 10),
		})
		is.NoErr(f.Validate())
	})
	t.Run("Bad", func(t *testing.T) {
		for _, tc := range []struct {
			query, param, code string
		}{
			{"", "q", convo.CodeRequired},
			{"q=+", "q", convo.CodeRequired},
			{"q=a&conversation_id=x", "conversation_id", convo.CodeInvalid},
			{"q=a&contact_id=-1", "contact_id", convo.CodeOutOfRange},
			{"q=a&sender_type=bot", "sender_type", convo.CodeUnknown},
			{"q=a&author_id=me", "author_id", convo.CodeInvalid},
			{"q=a&message_type=note", "message_type", convo.CodeUnknown},
			{"q=a&since=soon", "since", convo.CodeInvalid},
			{"q=a&until=0000-01-01T00:00:00Z", "until", convo.CodeOutOfRange},
			{"q=a&order=best", "order", convo.CodeUnknown},
			{"q=a&per_page=1000", "per_page", convo.CodeOutOfRange},
		} {
			t.Run(tc.query, func(t *testing.T) {
				_, err := store.ParseMessageSearch(mustQuery(t, tc.query))
				checkInvalid(t, err, tc.param, tc.code) // names the parameter
			})
		}
	})
}

func TestParseContactFilter(t *testing.T) {
	is := is.New(t)
	f, err := store.ParseContactFilter(mustQuery(t, "q=ada&page=2"))
	is.NoErr(err)
	is.Equal(f, store.ContactFilter{Query: "ada", Page: store.PageNumber(2, store.DefaultPerPage)})
	is.NoErr(f.Validate())

	_, err = store.ParseContactFilter(mustQuery(t, "q=%00"))
	checkInvalid(t, err, "q", convo.CodeNULByte) // named as the parameter, not the field
}

// A list endpoint reads its filter from the request's query with the
// parameter names of Chatwoot's and Monica's APIs, then sets who asks.
func ExampleParseConversationFilter() {
	query, _ := url.ParseQuery("status=open,pending&assignee_type=mine&labels[]=billing&inbox_id=2&sort=waiting_since_asc&page=2&per_page=25&api_access_token=ignored")
	f, err := store.ParseConversationFilter(query)
	if err != nil {
		fmt.Println(err)
		return
	}
	f.Agent = uuid.MustParse("7db2c508-1758-4b84-bb68-50b5c8e1f458") // from the host's session
	fmt.Println(f.Statuses, f.Assignee, f.Labels, f.InboxID, f.Sort, f.Page.Number(), f.Page.PerPage())
	fmt.Println(f.Validate())

	_, err = store.ParseConversationFilter(url.Values{"status": {"closed"}, "per_page": {"500"}})
	fmt.Println(err)
	// Output:
	// [open pending] mine [billing] 2 waiting_since_asc 2 25
	// <nil>
	// convo: invalid input: status: unknown value "closed": want open, resolved, pending, snoozed or all; per_page: must be between 1 and 100
}
