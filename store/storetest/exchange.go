package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/store"
)

// exchangeClock is shared by the stores of one exchange test, so that what
// is derived from the clock (can_reply) reads the same in both.
type exchangeClock struct{ now time.Time }

func (c *exchangeClock) Now() time.Time { return c.now }
func (c *exchangeClock) tick()          { c.now = c.now.Add(1234567 * time.Microsecond) }

// richAccount fills account 1 with every kind of field and state, and
// account 2 with a little of its own; it returns account 1's agent.
func richAccount(t *testing.T, s store.Store, clock *exchangeClock) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	agent, author := uuid.New(), uuid.New()
	ada := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada", LastName: "Lovelace", Email: "Ada@Example.com",
		Phone: "+44 20 7946 0000", Identifier: "crm-1", AvatarURL: "https://example.com/ada.png",
		CustomAttributes: convo.Attributes{"plan": "pro", "seats": 3.0, "tags": []any{"a", "b"}},
		LastActivityAt:   clock.now.Add(-time.Hour)})
	clock.tick()
	gone := mustCreateContact(t, s, 1, convo.NewContact{Nickname: "gone"})
	must(s.DeleteContact(ctx, 1, gone.ID, store.DeleteContactOptions{})) // a gap in the ids
	clock.tick()
	// Bob is blocked at the end: a blocked contact's conversations would
	// all start resolved and muted.
	bob := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Bob",
		AdditionalAttributes: convo.Attributes{"source": "import"}})
	other := mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Mallory"})
	mustCreateConversation(t, s, 2, other.ID)

	newConv := func(in convo.NewConversation) convo.Conversation {
		t.Helper()
		clock.tick()
		c, err := s.CreateConversation(ctx, 1, in)
		must(err)
		return c
	}
	add := func(convID int64, in convo.NewMessage) convo.Message {
		t.Helper()
		clock.tick()
		return mustAddMessage(t, s, 1, convID, in)
	}
	happened := time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.FixedZone("X", 3600))

	a := newConv(convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelWhatsApp, HappenedAt: happened,
		InboxID: 3, TeamID: 4, AssigneeID: agent, AuthorID: author, Priority: convo.PriorityHigh,
		Labels: []string{"billing", "vip"}, Muted: true, CustomAttributes: convo.Attributes{"order": "A-1"},
		AdditionalAttributes: convo.Attributes{"browser": "firefox"}})
	question := add(a.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Where is <my> order?", SourceID: "wamid.1",
		ContentAttributes: convo.Attributes{"in_reply_to": 7.0}, ExternalSourceIDs: map[string]string{"slack": "S1"},
		Attachments: []convo.Attachment{{FileType: "image", URL: "https://example.com/a.png", FileName: "a.png", Size: 42, MIMEType: "image/png"}}})
	doomed := add(a.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "deleted later"})
	add(a.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "Internal: check stock", Private: true, AuthorID: author})
	reply := add(a.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "On its way.", AuthorID: agent,
		WrittenAt: happened, AdditionalAttributes: convo.Attributes{"campaign": "x"}})
	// Threads, reactions, edits and a failure: a thread on the question,
	// edited twice; reactions by users and the contact; a reply to the
	// message deleted below, which loses its edits and reactions.
	thread := add(a.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "Checking", AuthorID: agent, ReplyToID: question.ID})
	add(a.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "About that one", ReplyToSourceID: "wamid.1"})
	add(a.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Re: deleted", ReplyToID: doomed.ID})
	add(a.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "Could not send", AuthorID: agent,
		Status: convo.StatusFailed, ExternalError: "131047: re-engagement required"})
	for _, e := range []struct {
		id      int64
		content string
		by      *convo.Actor
	}{{thread.ID, "Checking now", nil}, {thread.ID, "Checking <now>", &convo.Actor{Type: convo.SenderSystem}},
		{doomed.ID, "deleted later, edited", nil}} {
		clock.tick()
		_, err := s.UpdateMessage(ctx, 1, e.id, convo.MessageUpdate{Content: &e.content, EditedBy: e.by})
		must(err)
	}
	for _, r := range []struct {
		id       int64
		by       convo.Actor
		reaction string
	}{{question.ID, convo.UserActor(agent), "👍"}, {question.ID, convo.ContactActor(), "👍"}, {question.ID, convo.ContactActor(), ":+1:"},
		{thread.ID, convo.UserActor(author), "❤️"}, {doomed.ID, convo.ContactActor(), "😢"}} {
		clock.tick()
		_, err := s.AddReaction(ctx, 1, r.id, r.by, r.reaction)
		must(err)
	}
	clock.tick()
	_, err := s.DeleteMessage(ctx, 1, doomed.ID) // a tombstone, with a reply
	must(err)
	clock.tick()
	_, err = s.UpdateMessage(ctx, 1, reply.ID, convo.MessageUpdate{Status: new(convo.StatusDelivered)})
	must(err)
	clock.tick()
	_, err = s.MarkRead(ctx, 1, a.ID, agent)
	must(err)
	add(a.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Thanks!"}) // unread again

	b := newConv(convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelEmail, HappenedAt: happened})
	add(b.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Snooze me"})
	clock.tick()
	_, err = s.ChangeStatus(ctx, 1, b.ID, convo.StatusChange{Status: convo.StatusSnoozed, SnoozedUntil: clock.now.Add(24 * time.Hour)})
	must(err)

	c := newConv(convo.NewConversation{ContactID: bob.ID, Channel: convo.Channel("matrix"), HappenedAt: happened, Status: convo.StatusPending})
	add(c.ID, convo.NewMessage{Type: convo.MessageTemplate, Content: "Template", ContentType: convo.ContentCards})
	add(c.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Hi"})
	clock.tick()
	_, err = s.MarkUnread(ctx, 1, c.ID)
	must(err)

	d := newConv(convo.NewConversation{ContactID: bob.ID, Channel: convo.ChannelSMS, HappenedAt: happened})
	add(d.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Solved?"})
	add(d.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "Yes.", AuthorID: agent})
	clock.tick()
	_, err = s.ChangeStatus(ctx, 1, d.ID, convo.StatusChange{Status: convo.StatusResolved})
	must(err)
	clock.tick()
	_, err = s.ChangeLabels(ctx, 1, d.ID, convo.LabelChange{Add: []string{"done"}})
	must(err)
	newConv(convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelWeb, HappenedAt: happened}) // no messages

	// The users API: participants, audiences and read state of every kind.
	reader, leaver := uuid.New(), uuid.New()
	e := newConv(convo.NewConversation{ContactID: bob.ID, Channel: convo.ChannelWeb, HappenedAt: happened,
		AuthorID: author, UserIDs: []uuid.UUID{reader, leaver}, AudienceIDs: []int64{7, 8}})
	first := add(e.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Hello team"})
	mine := add(e.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "On it", AuthorID: author})
	add(e.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Thanks"})
	clock.tick()
	_, err = s.MarkSeen(ctx, 1, e.ID, convo.Viewer{UserID: reader}, first.ID) // a participant who read
	must(err)
	_, err = s.MarkSeen(ctx, 1, e.ID, exchangeMember, mine.ID) // an audience member who read
	must(err)
	_, err = s.MarkUnseen(ctx, 1, e.ID, convo.Viewer{UserID: author}, first.ID) // a writer rewound before their message
	must(err)
	_, err = s.RemoveParticipants(ctx, 1, e.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{leaver}}) // keeps a horizon
	must(err)
	clock.tick()
	_, err = s.UpdateContact(ctx, 1, bob.ID, convo.ContactUpdate{Blocked: new(true)})
	must(err)
	clock.tick()
	return agent
}

// exchangeMember is a user of audience 7 who is no participant.
var exchangeMember = convo.Viewer{UserID: uuid.MustParse("0c6f3d8e-5b1a-4c2d-9e7f-1a2b3c4d5e6f"), AudienceIDs: []int64{7}}

// readerView is what one user reads of account 1: their conversations with
// unseen counts, each message's seen flag, and their total.
type readerView struct {
	UserID        uuid.UUID
	Conversations []convo.Conversation
	Seen          []bool
	Total         int
}

// viewReaders reads the account as every participant of its conversations
// and exchangeMember, each also in audience 7.
func viewReaders(t *testing.T, s store.Store, conversations []convo.Conversation) []readerView {
	t.Helper()
	ctx := context.Background()
	users := []uuid.UUID{exchangeMember.UserID}
	for _, c := range conversations {
		for _, u := range c.UserIDs {
			if !slices.Contains(users, u) {
				users = append(users, u)
			}
		}
	}
	var views []readerView
	for _, u := range users {
		v := convo.Viewer{UserID: u, AudienceIDs: exchangeMember.AudienceIDs}
		r := readerView{UserID: u}
		for c, err := range store.Conversations(ctx, s, 1, store.ConversationFilter{Statuses: store.AllStatuses, Viewer: &v}) {
			if err != nil {
				t.Fatal(err)
			}
			r.Conversations = append(r.Conversations, c)
			for m, err := range store.Messages(ctx, s, 1, c.ID, store.MessageFilter{Viewer: &v}) {
				if err != nil {
					t.Fatal(err)
				}
				r.Seen = append(r.Seen, m.Seen)
			}
		}
		var err error
		if r.Total, err = s.CountUnseen(ctx, 1, v); err != nil {
			t.Fatal(err)
		}
		views = append(views, r)
	}
	return views
}

// exportBytes is the account's export.
func exportBytes(t *testing.T, s store.Store, account int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jsonl.Export(context.Background(), &buf, s, account); err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes()
}

// accountView is everything the reading calls return for account 1.
type accountView struct {
	Contacts      []convo.Contact
	Conversations []convo.Conversation
	Messages      []convo.Message
	Versions      [][]convo.MessageVersion
	Reactions     [][]convo.Reaction
	Counts        store.Counts
	Unread        int
	Readers       []readerView
}

func viewAccount(t *testing.T, s store.Store, agent uuid.UUID) accountView {
	t.Helper()
	ctx := context.Background()
	var v accountView
	var err error
	for c, err := range store.Contacts(ctx, s, 1, store.ContactFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		v.Contacts = append(v.Contacts, c)
	}
	for c, err := range store.Conversations(ctx, s, 1, store.ConversationFilter{Statuses: store.AllStatuses}) {
		if err != nil {
			t.Fatal(err)
		}
		full, err := s.GetConversation(ctx, 1, c.ID, store.GetConversationOptions{Messages: store.AllMessages})
		if err != nil {
			t.Fatal(err)
		}
		v.Conversations = append(v.Conversations, c, full)
		for m, err := range store.Messages(ctx, s, 1, c.ID, store.MessageFilter{Order: store.NewestFirst}) {
			if err != nil {
				t.Fatal(err)
			}
			v.Messages = append(v.Messages, m)
			versions, err := s.ListMessageVersions(ctx, 1, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			reactions, err := s.ListReactions(ctx, 1, m.ID, store.ReactionFilter{Page: store.PageNumber(1, store.MaxPerPage)})
			if err != nil {
				t.Fatal(err)
			}
			v.Versions, v.Reactions = append(v.Versions, versions), append(v.Reactions, reactions.Items)
		}
	}
	if v.Counts, err = s.CountConversations(ctx, 1, store.ConversationFilter{Agent: agent}); err != nil {
		t.Fatal(err)
	}
	if v.Unread, err = s.CountUnread(ctx, 1, agent); err != nil {
		t.Fatal(err)
	}
	v.Readers = viewReaders(t, s, v.Conversations)
	return v
}

// replaceLine returns data with its line n (from 1) replaced.
func replaceLine(data []byte, n int, line string) []byte {
	lines := strings.Split(string(data), "\n")
	lines[n-1] = line
	return []byte(strings.Join(lines, "\n"))
}

// lineOf returns the number of the first line containing s.
func lineOf(t *testing.T, data []byte, s string) int {
	t.Helper()
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("no line contains %q", s)
	return 0
}

func testExchange(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	start := time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)

	// source is a rich store and its export.
	source := func(t *testing.T) (store.Store, *exchangeClock, uuid.UUID, []byte) {
		t.Helper()
		clock := &exchangeClock{now: start}
		s := newStore(t, clock.Now)
		agent := richAccount(t, s, clock)
		return s, clock, agent, exportBytes(t, s, 1)
	}

	t.Run("Export/Import/RoundTripExactly", func(t *testing.T) {
		is := is.New(t)
		src, clock, agent, data := source(t)
		dst := newStore(t, clock.Now)
		stats, err := jsonl.Import(ctx, bytes.NewReader(data), dst, 1, store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Contacts: 2, Conversations: 6, Messages: 20, Reactions: 4, Versions: 2, ReadStates: 7}) // every record written
		is.Equal(string(exportBytes(t, dst, 1)), string(data))                                                                    // exports to the same bytes
		is.Equal(viewAccount(t, dst, agent), viewAccount(t, src, agent))                                                          // reads back the same, unseen counts included

		// New records take ids after the imported ones.
		c := mustCreateContact(t, dst, 1, convo.NewContact{FirstName: "New"})
		is.True(c.ID > 3) // after the highest imported id
		conv := mustCreateConversation(t, dst, 1, c.ID)
		is.True(conv.ID > 6)
		convs := viewAccount(t, dst, agent).Conversations
		m := mustAddMessage(t, dst, 1, convs[0].ID, text("next"))
		is.Equal(m.Seq, convs[0].LastSeq+1) // the sequence goes on
	})

	t.Run("Export/OnlyTheAccount", func(t *testing.T) {
		is := is.New(t)
		src, _, _, data := source(t)
		is.True(!bytes.Contains(data, []byte("Mallory")))                                            // account 2's contact stays out
		is.True(bytes.HasPrefix(data, []byte(`{"type":"convo-export","version":1,"account_id":1}`))) // the header first
		empty := exportBytes(t, src, 3)
		is.Equal(string(empty), `{"type":"convo-export","version":1,"account_id":3}`+"\n") // an empty account: the header only
	})

	t.Run("Export/CallbackErrorAsItIs", func(t *testing.T) {
		is := is.New(t)
		src, _, _, _ := source(t)
		// The host's writer failing, as a network write can: its error
		// ends the export and is returned as it is.
		broken := &net.OpError{Op: "write", Net: "tcp", Err: syscall.EPIPE}
		calls := 0
		err := src.Export(ctx, 1, func(store.Record) error {
			calls++
			return broken
		})
		is.Equal(calls, 1)                             // the first record's error ends it
		is.Equal(err, error(broken))                   // as it is
		is.True(!errors.Is(err, convo.ErrUnavailable)) // not taken for the store's
	})

	t.Run("Import/TwiceChangesNothing", func(t *testing.T) {
		is := is.New(t)
		_, clock, agent, data := source(t)
		dst := newStore(t, clock.Now)
		_, err := jsonl.Import(ctx, bytes.NewReader(data), dst, 1, store.ImportOptions{})
		is.NoErr(err)
		before := viewAccount(t, dst, agent)
		clock.tick()
		stats, err := jsonl.Import(ctx, bytes.NewReader(data), dst, 1, store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Unchanged: 41})      // every record found as it is
		is.Equal(viewAccount(t, dst, agent), before)           // nothing changed
		is.Equal(string(exportBytes(t, dst, 1)), string(data)) // not even updated_at
	})

	t.Run("Import/BadLineIsNamedAndNothingWritten", func(t *testing.T) {
		_, clock, _, data := source(t)
		n := lineOf(t, data, `"content":"Yes."`)
		line := strings.Split(string(data), "\n")[n-1]
		for name, tc := range map[string]struct {
			line, field string
		}{
			"Content": {strings.Replace(line, `"content":"Yes."`, `"content":""`, 1), fmt.Sprintf("line %d: messages.content", n)},
			"Enum":    {strings.Replace(line, `"message_type":"outgoing"`, `"message_type":"sideways"`, 1), fmt.Sprintf("line %d: messages.message_type", n)},
			"JSON":    {line[:len(line)/2], fmt.Sprintf("line %d", n)},
			"Type":    {`{"type":"like","id":1}`, fmt.Sprintf("line %d: type", n)},
			"Field":   {strings.Replace(line, `{"type":"message",`, `{"type":"message","colour":"red",`, 1), fmt.Sprintf("line %d: messages", n)},
			"Seq":     {regexp.MustCompile(`"seq":\d+`).ReplaceAllString(line, `"seq":0`), fmt.Sprintf("line %d: messages.seq", n)},
		} {
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				dst := newStore(t, clock.Now)
				_, err := jsonl.Import(ctx, bytes.NewReader(replaceLine(data, n, tc.line)), dst, 1, store.ImportOptions{})
				wantInvalid(t, err, tc.field)
				is.Equal(string(exportBytes(t, dst, 1)), `{"type":"convo-export","version":1,"account_id":1}`+"\n") // nothing written
			})
		}
	})

	t.Run("Import/BadHeader", func(t *testing.T) {
		s := newStore(t, fixed)
		for _, header := range []string{"", `{"type":"contact","id":1}`, `{"type":"convo-export","version":2,"account_id":1}`} {
			_, err := jsonl.Import(ctx, strings.NewReader(header), s, 1, store.ImportOptions{})
			var ve *convo.ValidationError
			if !errors.As(err, &ve) || !strings.HasPrefix(ve.Errors[0].Field, "line 1") {
				t.Fatalf("header %q: want a ValidationError on line 1, got %v", header, err)
			}
		}
	})

	t.Run("Import/ConflictingIDsWriteNothing", func(t *testing.T) {
		_, clock, agent, data := source(t)
		for name, account := range map[string]int64{"SameAccount": 1, "OtherAccount": 2} {
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				dst := newStore(t, clock.Now)
				// Contact 1 exists, with other values: in the account imported into, or in another.
				mustCreateContact(t, dst, account, convo.NewContact{FirstName: "Zed"})
				before := viewAccount(t, dst, agent)
				_, err := jsonl.Import(ctx, bytes.NewReader(data), dst, 1, store.ImportOptions{})
				is.True(isConflict(err))                         // the id is taken
				is.True(strings.Contains(err.Error(), "line 2")) // on the contact's line
				is.Equal(viewAccount(t, dst, agent), before)     // nothing written
			})
		}
	})

	// Imported messages keep the file's ids, so they land both before and
	// after the messages the store already holds: search finds each of
	// them once, whichever side.
	t.Run("Import/SearchFindsEveryImportedMessage", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		const head = `{"type":"convo-export","version":1,"account_id":1}
{"type":"contact","id":1,"first_name":"Ada","created_at":"2026-01-01T00:00:00Z"}
{"type":"conversation","id":1,"uuid":"6f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b21","contact_id":1,"channel":"email","happened_at":"2026-01-01T00:00:00Z"}
`
		line := func(id, seq int, word string) string {
			return fmt.Sprintf(`{"type":"message","id":%d,"conversation_id":1,"seq":%d,"message_type":"incoming","content":"about %s"}`+"\n", id, seq, word)
		}
		found := func(account int64, word string) int {
			t.Helper()
			hits, err := s.SearchMessages(ctx, account, store.MessageSearch{Query: word})
			is.NoErr(err)
			return len(hits.Items)
		}
		_, err := jsonl.Import(ctx, strings.NewReader(head+line(1000, 1, "alpha")), s, 1, store.ImportOptions{})
		is.NoErr(err)
		other := mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Bo"})
		taken := mustAddMessage(t, s, 2, mustCreateConversation(t, s, 2, other.ID).ID, text("about beta"))
		is.True(taken.ID > 1000)      // after the imported id
		is.Equal(found(2, "beta"), 1) // searched, so the store has indexed it
		stats, err := jsonl.Import(ctx, strings.NewReader(head+line(1000, 1, "alpha")+line(500, 2, "gamma")+line(int(taken.ID)+1000, 3, "delta")), s, 1, store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Messages: 2, Unchanged: 3}) // the first file's records as they were
		is.Equal(found(1, "alpha"), 1)
		is.Equal(found(1, "gamma"), 1) // an id below every other message's
		is.Equal(found(1, "delta"), 1) // an id after them
		is.Equal(found(1, "beta"), 0)  // account 2's stays its own
		mustAddMessage(t, s, 1, 1, text("about epsilon"))
		is.Equal(found(1, "epsilon"), 1)
		is.Equal(found(1, "delta"), 1) // not indexed twice

		// A message id of another account's message is taken: nothing is written.
		_, err = jsonl.Import(ctx, strings.NewReader(head+line(int(taken.ID), 5, "zeta")), s, 1, store.ImportOptions{})
		is.True(isConflict(err))
		is.Equal(found(1, "zeta"), 0)
	})

	t.Run("Import/MissingReferenceIsNotFound", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		fixture := `{"type":"convo-export","version":1,"account_id":1}
{"type":"contact","id":1,"first_name":"Ada","created_at":"2026-01-01T00:00:00Z"}
{"type":"conversation","id":1,"uuid":"6f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b11","contact_id":9,"channel":"email","happened_at":"2026-01-01T00:00:00Z"}
`
		_, err := jsonl.Import(ctx, strings.NewReader(fixture), s, 1, store.ImportOptions{})
		is.True(isNotFound(err))                         // contact 9 is in neither the file nor the account
		is.True(strings.Contains(err.Error(), "line 3")) // named by its line
		_, err = s.GetContact(ctx, 1, 1)
		is.True(isNotFound(err)) // the contact of line 2 was not written either
	})

	t.Run("Import/HandWrittenFixture", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		fixture := `{"type":"convo-export","version":1,"account_id":7}

{"type":"contact","id":10,"first_name":"Ada","created_at":"2026-01-01T09:00:00+01:00"}
{"type":"conversation","id":20,"uuid":"6f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b11","contact_id":10,"channel":"email","happened_at":"2026-01-02T00:00:00Z","labels":["VIP"]}
{"type":"message","id":30,"conversation_id":20,"seq":1,"message_type":"incoming","content":"Hello","created_at":"2026-01-02T10:00:00Z"}
{"type":"message","id":31,"conversation_id":20,"seq":2,"message_type":"incoming","content":"Anyone?","created_at":"2026-01-02T11:00:00Z"}
`
		stats, err := jsonl.Import(ctx, strings.NewReader(fixture), s, 1, store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Contacts: 1, Conversations: 1, Messages: 2})
		conv, err := s.GetConversation(ctx, 1, 20, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)
		is.Equal(conv.Status, convo.StatusOpen)                                            // defaults
		is.Equal(conv.Labels, []string{"vip"})                                             // normalised
		is.Equal(conv.Contact.CreatedAt, time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC))      // in UTC
		is.Equal(conv.MessagesCount, int64(2))                                             // derived
		is.Equal(conv.UnreadCount, int64(2))                                               // derived
		is.Equal(conv.LastSeq, int64(2))                                                   // from the messages
		is.Equal(conv.LastActivityAt, time.Date(2026, 1, 2, 11, 0, 0, 0, time.UTC))        // the newest message
		is.Equal(conv.LastNonActivityMessage.ID, int64(31))                                // derived
		is.Equal(conv.Messages[0].WrittenAt, conv.Messages[0].CreatedAt)                   // written when created
		is.Equal(conv.Messages[0].SenderType, convo.SenderContact)                         // incoming: from the contact
		is.Equal(conv.Messages[1].UpdatedAt, time.Date(2026, 1, 2, 11, 0, 0, 0, time.UTC)) // updated when created
		_, err = jsonl.Import(ctx, strings.NewReader(fixture), s, 1, store.ImportOptions{})
		is.NoErr(err) // a fixture imports twice too
	})

	t.Run("Import/NewIDsLoadBesideRows", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		// Rows of the account's own, holding the ids the records carry.
		mustCreateContact(t, s, 1, convo.NewContact{FirstName: "First"})
		ada := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Own"}) // an id no record carries
		own := mustCreateConversation(t, s, 1, ada.ID)
		mustAddMessage(t, s, 1, own.ID, text("mine"))
		records := `{"type":"convo-export","version":1,"account_id":1}
{"type":"contact","id":1,"first_name":"Ada"}
{"type":"conversation","id":1,"uuid":"6f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b12","contact_id":1,"channel":"email","labels":["vip"],"user_ids":["5d0c7a3e-9b8f-4e21-8c6d-2f4a1b3c5d7e"]}
{"type":"message","id":1,"conversation_id":1,"seq":1,"message_type":"incoming","content":"Hello"}
{"type":"message","id":2,"conversation_id":1,"seq":2,"message_type":"outgoing","content":"Hi"}
{"type":"read_state","conversation_id":1,"user_id":"5d0c7a3e-9b8f-4e21-8c6d-2f4a1b3c5d7e","seen_seq":1}
{"type":"conversation","id":2,"uuid":"6f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b13","contact_id":` + fmt.Sprint(ada.ID) + `,"channel":"sms"}
`
		_, err := jsonl.Import(ctx, strings.NewReader(records), s, 1, store.ImportOptions{})
		is.True(isConflict(err)) // keeping ids, they clash with the account's rows
		stats, err := jsonl.Import(ctx, strings.NewReader(records), s, 1, store.ImportOptions{NewIDs: true})
		is.NoErr(err)
		is.Equal(stats.Contacts, 1)
		is.Equal(stats.Conversations, 2)
		is.Equal(stats.Messages, 2)
		is.Equal(stats.ReadStates, 1)
		conv := stats.ConversationIDs[1]
		is.True(conv != own.ID)                // a new id
		is.True(stats.ContactIDs[1] != ada.ID) // for the contact too
		got, err := s.GetConversation(ctx, 1, conv, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)
		is.Equal(got.ContactID, stats.ContactIDs[1]) // the reference followed
		is.Equal(got.Contact.FirstName, "Ada")
		is.Equal(got.Labels, []string{"vip"})
		is.Equal(len(got.Messages), 2) // and so did the messages'
		is.Equal(got.Messages[0].ID, stats.MessageIDs[1])
		is.Equal(got.Messages[1].ID, stats.MessageIDs[2])
		is.Equal(got.Messages[1].ContactID, stats.ContactIDs[1])
		is.Equal(got.UnreadCount, int64(1)) // derived as ever
		// A reference to an id no record carried is to the stored row.
		second, err := s.GetConversation(ctx, 1, stats.ConversationIDs[2], store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(second.ContactID, ada.ID)
		mine, err := s.GetConversation(ctx, 1, own.ID, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)
		is.Equal(len(mine.Messages), 1) // the account's rows are as they were
		is.Equal(mine.Messages[0].Content, "mine")
		v := convo.Viewer{UserID: uuid.MustParse("5d0c7a3e-9b8f-4e21-8c6d-2f4a1b3c5d7e")}
		seen, err := s.GetConversation(ctx, 1, conv, store.GetConversationOptions{Viewer: &v})
		is.NoErr(err)
		is.Equal(seen.UnseenMessagesCount, 1) // the read state followed its conversation
	})

	t.Run("Import/FixtureWithoutTimes", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		fixture := `{"type":"convo-export","version":1,"account_id":1}
{"type":"contact","id":1,"first_name":"Linus"}
{"type":"conversation","id":1,"uuid":"6f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b14","contact_id":1,"channel":"email"}
{"type":"message","id":1,"conversation_id":1,"seq":1,"message_type":"incoming","content":"No times here."}
`
		stats, err := jsonl.Import(ctx, strings.NewReader(fixture), s, 1, store.ImportOptions{})
		is.NoErr(err) // every timestamp may be left out
		is.Equal(stats.Messages, 1)
		got, err := s.GetConversation(ctx, 1, 1, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)
		now := fixed()
		is.True(got.Contact.CreatedAt.Equal(now.Truncate(time.Microsecond))) // the store's clock
		is.True(got.HappenedAt.Equal(now.Truncate(time.Microsecond)))
		is.True(got.CreatedAt.Equal(got.HappenedAt))
		is.True(got.Messages[0].CreatedAt.Equal(now.Truncate(time.Microsecond)))
		is.True(got.Messages[0].WrittenAt.Equal(got.Messages[0].CreatedAt))
	})

	t.Run("Import/ReadState", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		const head = `{"type":"convo-export","version":1,"account_id":1}
{"type":"contact","id":1,"first_name":"Ada","created_at":"2026-01-01T00:00:00Z"}
{"type":"conversation","id":2,"uuid":"6f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b11","contact_id":1,"channel":"email","happened_at":"2026-01-01T00:00:00Z","user_ids":["11111111-1111-4111-8111-111111111111"],"audience_ids":[5]}
{"type":"message","id":3,"conversation_id":2,"seq":1,"message_type":"incoming","content":"one","created_at":"2026-01-02T10:00:00Z"}
{"type":"message","id":4,"conversation_id":2,"seq":2,"message_type":"incoming","content":"two","created_at":"2026-01-02T11:00:00Z"}
{"type":"message","id":5,"conversation_id":2,"seq":3,"message_type":"incoming","content":"three","created_at":"2026-01-02T12:00:00Z"}
`
		participant := `{"type":"read_state","conversation_id":2,"user_id":"11111111-1111-4111-8111-111111111111","seen_seq":2,"unseen_count":99}`
		member := `{"type":"read_state","conversation_id":2,"user_id":"22222222-2222-4222-8222-222222222222","seen_seq":1}`
		fixture := head + participant + "\n" + member + "\n"
		stats, err := jsonl.Import(ctx, strings.NewReader(fixture), s, 1, store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Contacts: 1, Conversations: 1, Messages: 3, ReadStates: 2})
		unseen := func(user string, audiences ...int64) (int, int) {
			t.Helper()
			v := convo.Viewer{UserID: uuid.MustParse(user), AudienceIDs: audiences}
			c, err := s.GetConversation(ctx, 1, 2, store.GetConversationOptions{Viewer: &v})
			is.NoErr(err)
			n, err := s.CountUnseen(ctx, 1, v)
			is.NoErr(err)
			return c.UnseenMessagesCount, n
		}
		n, total := unseen("11111111-1111-4111-8111-111111111111")
		is.Equal([]int{n, total}, []int{1, 1}) // recounted from the messages, not the line's 99
		n, total = unseen("22222222-2222-4222-8222-222222222222", 5)
		is.Equal([]int{n, total}, []int{2, 2}) // an audience member's read state

		stats, err = jsonl.Import(ctx, strings.NewReader(fixture), s, 1, store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Unchanged: 7}) // read states found as they are
		before := exportBytes(t, s, 1)
		moved := strings.Replace(fixture, `"seen_seq":2`, `"seen_seq":3`, 1)
		_, err = jsonl.Import(ctx, strings.NewReader(moved), s, 1, store.ImportOptions{})
		is.True(isConflict(err))                               // stored with another horizon
		is.True(strings.Contains(err.Error(), "line 7"))       // named by its line
		is.Equal(string(exportBytes(t, s, 1)), string(before)) // nothing written

		for name, tc := range map[string]struct{ line, field string }{
			"SeenSeq":  {strings.Replace(participant, `"seen_seq":2`, `"seen_seq":-1`, 1), "line 7: read_states.seen_seq"},
			"AfterEnd": {strings.Replace(participant, `"seen_seq":2`, `"seen_seq":4`, 1), "line 7: read_states.seen_seq"},
			"User":     {`{"type":"read_state","conversation_id":2,"seen_seq":1}`, "line 7: read_states.user_id"},
			"Field":    {strings.Replace(participant, `"seen_seq"`, `"seen"`, 1), "line 7: read_states"},
		} {
			t.Run(name, func(t *testing.T) {
				dst := newStore(t, fixed)
				_, err := jsonl.Import(ctx, strings.NewReader(head+tc.line+"\n"), dst, 1, store.ImportOptions{})
				wantInvalid(t, err, tc.field)
			})
		}
		_, err = jsonl.Import(ctx, strings.NewReader(head+strings.Replace(participant, `"conversation_id":2`, `"conversation_id":9`, 1)), newStore(t, fixed), 1, store.ImportOptions{})
		is.True(isNotFound(err)) // a read state of a conversation in neither the file nor the account
	})

	t.Run("Import/IteratorErrorWritesNothing", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		// An error of the host's stream, though it reads like a broken
		// connection, is the host's: not taken for the store's.
		boom := fmt.Errorf("read the export: %w", io.ErrUnexpectedEOF)
		records := iter.Seq2[store.Record, error](func(yield func(store.Record, error) bool) {
			c := convo.Contact{ID: 1, FirstName: "Ada", CreatedAt: fixedTime}
			if yield(store.Record{Contact: &c}, nil) {
				yield(store.Record{}, boom)
			}
		})
		_, err := s.Import(ctx, 1, records, store.ImportOptions{})
		is.True(errors.Is(err, boom))                  // the iterator's error
		is.True(!errors.Is(err, convo.ErrUnavailable)) // not the store's
		_, err = s.GetContact(ctx, 1, 1)
		is.True(isNotFound(err)) // the record before it was not kept
	})

	t.Run("Import/RecordsWithoutLinesAreNamedByPosition", func(t *testing.T) {
		s := newStore(t, fixed)
		records := func(yield func(store.Record, error) bool) {
			c := convo.Contact{ID: 1, FirstName: "Ada", CreatedAt: fixedTime}
			_ = yield(store.Record{Contact: &c}, nil) && yield(store.Record{Contact: &convo.Contact{ID: 2}}, nil)
		}
		_, err := s.Import(ctx, 1, records, store.ImportOptions{})
		wantInvalid(t, err, "line 2: contacts.first_name") // a contact with no name
	})
	testImportLimits(t, newStore)
	testExchangeChat(t, newStore)
}
