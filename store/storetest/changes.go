package storetest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// testChanges checks the change feed (store.Change and the Store's
// Changes, WaitChanges, AckChanges, AckedChanges and DropConsumer): what
// each call records, that failed calls record nothing, the filters and
// paging, the order of positions under concurrent writers, Watch, durable
// consumers, retention and read-only stores.
//
// Positions increase in commit order per account but need not be
// consecutive (a backend may use one sequence for every account): the
// suite never asserts a position's value, only order and what "after P"
// returns.
func testChanges(t *testing.T, cfg config) {
	t.Run("Records", func(t *testing.T) { testChangeRecords(t, cfg.newStore) })
	t.Run("ChatRecords", func(t *testing.T) { testChangeRecordsChat(t, cfg.newStore) })
	t.Run("Failed", func(t *testing.T) { testChangesFailed(t, cfg.newStore) })
	t.Run("Model", func(t *testing.T) { testChangesModel(t, cfg.newStore) })
	t.Run("Filters", func(t *testing.T) { testChangeFilters(t, cfg.newStore) })
	t.Run("Concurrency", func(t *testing.T) { testChangesConcurrency(t, cfg) })
	t.Run("Watch", func(t *testing.T) { testChangesWatch(t, cfg) })
	t.Run("Consumers", func(t *testing.T) { testChangeConsumers(t, cfg.newStore) })
	t.Run("Retention", func(t *testing.T) { testChangeRetention(t, cfg.newStore) })
	t.Run("ReadOnly", func(t *testing.T) { testChangesReadOnly(t, cfg) })
}

// feedClock is a settable clock safe for concurrent use: the feed's tests
// read it from goroutines (Watch, writers) while the test moves it.
type feedClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFeedClock() *feedClock {
	return &feedClock{now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *feedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *feedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// feedFixture is a store on a settable clock with a contact and one of its
// conversations in account 1.
type feedFixture struct {
	s       store.Store
	clock   *feedClock
	contact convo.Contact
	conv    convo.Conversation
	agent   uuid.UUID
}

func newFeed(t *testing.T, newStore NewStore) *feedFixture {
	t.Helper()
	clock := newFeedClock()
	s := newStore(t, clock.Now)
	c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Feed", Email: "feed@example.com"})
	conv := mustCreateConversation(t, s, 1, c.ID)
	clock.Advance(time.Minute)
	return &feedFixture{s: s, clock: clock, contact: c, conv: conv, agent: uuid.New()}
}

// head is the position of the account's newest change: Changes with
// FromNow returns it as Next.
func head(t *testing.T, s store.Store, account int64) int64 {
	t.Helper()
	page, err := s.Changes(context.Background(), account, store.FromNow, store.ChangeFilter{})
	if err != nil {
		t.Fatalf("changes from now: %v", err)
	}
	if len(page.Changes) != 0 || page.More {
		t.Fatalf("changes from now: got %d changes (more %v), want none", len(page.Changes), page.More)
	}
	return page.Next
}

// readAll reads every change of the account after position after that f
// keeps, page by page, and checks that positions only go up.
func readAll(t *testing.T, s store.Store, account, after int64, f store.ChangeFilter) []store.Change {
	t.Helper()
	if f.Limit == 0 {
		f.Limit = store.MaxChangeLimit
	}
	var out []store.Change
	last := after
	for range 10000 {
		page, err := s.Changes(context.Background(), account, after, f)
		if err != nil {
			t.Fatalf("changes after %d: %v", after, err)
		}
		for _, c := range page.Changes {
			if c.Position <= last {
				t.Fatalf("changes after %d: position %d after %d", after, c.Position, last)
			}
			last = c.Position
		}
		// Next is the last change returned, or, at the end of the feed, the
		// newest position the read looked at.
		if page.More && page.Next != last || !page.More && page.Next < last {
			t.Fatalf("changes after %d: next %d (more %v), last change at %d", after, page.Next, page.More, last)
		}
		out = append(out, page.Changes...)
		if !page.More {
			return out
		}
		after = page.Next
	}
	t.Fatal("changes: more than 10000 pages")
	return nil
}

// during runs the call fn and returns the changes it recorded: those after
// the head read just before it. The clock moves one second first, so that
// the call's time is its own; every change must carry that time and the
// account, and a message change the message as stored.
func (f *feedFixture) during(t *testing.T, fn func()) []store.Change {
	t.Helper()
	f.clock.Advance(time.Second)
	before := head(t, f.s, 1)
	fn()
	got := readAll(t, f.s, 1, before, store.ChangeFilter{})
	now := f.clock.Now()
	for _, c := range got {
		if c.AccountID != 1 {
			t.Errorf("%v: account %d, want 1", entryOf(c), c.AccountID)
		}
		if !c.At.Equal(now) {
			t.Errorf("%v: at %v, want the call's time %v", entryOf(c), c.At, now)
		}
		checkMessage(t, f.s, c)
	}
	return got
}

// checkMessage checks a change's Message: nil but for a message change,
// and then the message as stored, or nil when it is gone.
func checkMessage(t *testing.T, s store.Store, c store.Change) {
	t.Helper()
	switch c.Kind {
	case store.MessageCreated, store.MessageUpdated:
		m, err := s.GetMessage(context.Background(), c.AccountID, c.MessageID)
		switch {
		case isNotFound(err):
			if c.Message != nil {
				t.Errorf("%v: carries message %d, which is deleted", entryOf(c), c.Message.ID)
			}
		case err != nil:
			t.Fatalf("get message %d: %v", c.MessageID, err)
		default:
			is.New(t).Equal(msgOf(t, c), m) // the message as stored
		}
	default:
		if c.Message != nil {
			t.Errorf("%v: carries a message", entryOf(c))
		}
	}
}

// msgOf is the message a message change carries; it fails when there is
// none.
func msgOf(t *testing.T, c store.Change) convo.Message {
	t.Helper()
	if c.Message == nil {
		t.Fatalf("%v: no message", entryOf(c))
	}
	return *c.Message
}

// entry is what a change says, without its position, time and message:
// what the record tests compare.
type entry struct {
	Kind         store.ChangeKind
	Contact      int64
	Conversation int64
	Message      int64
	User         uuid.UUID
	SeenSeq      int64
	Fields       []string
}

func (e entry) String() string {
	var b strings.Builder
	b.WriteString(string(e.Kind))
	for _, id := range []struct {
		name string
		v    int64
	}{{"contact", e.Contact}, {"conversation", e.Conversation}, {"message", e.Message}, {"seen_seq", e.SeenSeq}} {
		if id.v != 0 {
			fmt.Fprintf(&b, " %s=%d", id.name, id.v)
		}
	}
	if e.User != uuid.Nil {
		fmt.Fprintf(&b, " user=%s", e.User)
	}
	if len(e.Fields) > 0 {
		fmt.Fprintf(&b, " %v", e.Fields)
	}
	return b.String()
}

func entryOf(c store.Change) entry {
	e := entry{Kind: c.Kind, Contact: c.ContactID, Conversation: c.ConversationID, Message: c.MessageID,
		User: c.UserID, SeenSeq: c.SeenSeq}
	if len(c.Fields) > 0 {
		e.Fields = c.Fields
	}
	return e
}

func entriesOf(cs []store.Change) []entry {
	out := make([]entry, 0, len(cs))
	for _, c := range cs {
		out = append(out, entryOf(c))
	}
	return out
}

func sameEntries(a, b []entry) bool {
	return slices.EqualFunc(a, b, func(x, y entry) bool { return x.String() == y.String() })
}

// want checks that got says exactly want, in this order.
func want(t *testing.T, got []store.Change, want ...entry) {
	t.Helper()
	if g := entriesOf(got); !sameEntries(g, want) {
		t.Fatalf("changes:\n got  %v\n want %v", g, want)
	}
}

// wantAnyOrder checks that got says exactly want, in any order: for the
// calls whose changes the contract does not order.
func wantAnyOrder(t *testing.T, got []store.Change, want ...entry) {
	t.Helper()
	g := entriesOf(got)
	key := func(a, b entry) int { return strings.Compare(a.String(), b.String()) }
	sg, sw := slices.Clone(g), slices.Clone(want)
	slices.SortFunc(sg, key)
	slices.SortFunc(sw, key)
	if !sameEntries(sg, sw) {
		t.Fatalf("changes (in any order):\n got  %v\n want %v", g, want)
	}
}

func fields(names ...string) []string { return names }

// mergeSorted is the sorted union of a and b.
func mergeSorted(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// newest returns the conversation's newest n messages, oldest first.
func newest(t *testing.T, s store.Store, convID int64, n int) []convo.Message {
	t.Helper()
	c, err := s.GetConversation(context.Background(), 1, convID, store.GetConversationOptions{Messages: n})
	if err != nil {
		t.Fatalf("get conversation: %v", err)
	}
	if len(c.Messages) != n {
		t.Fatalf("conversation %d: %d messages, want at least %d", convID, len(c.Messages), n)
	}
	return c.Messages
}

// created is the MessageCreated entry of a message.
func created(m convo.Message) entry {
	return entry{Kind: store.MessageCreated, Conversation: m.ConversationID, Message: m.ID}
}

// convUpdated is the ConversationUpdated entry of conversation c naming fs.
func convUpdated(c convo.Conversation, fs ...string) entry {
	return entry{Kind: store.ConversationUpdated, Contact: c.ContactID, Conversation: c.ID, Fields: fs}
}

// testChangeRecords checks, call by call, exactly what each mutating
// method records: each line of store.Change's doc comment.
func testChangeRecords(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	ptr := func(s string) *string { return &s }
	yes, no := true, false

	cases := []struct {
		name string
		run  func(t *testing.T, f *feedFixture)
	}{
		{"CreateContact", func(t *testing.T, f *feedFixture) {
			var c convo.Contact
			got := f.during(t, func() { c = mustCreateContact(t, f.s, 1, convo.NewContact{FirstName: "New"}) })
			want(t, got, entry{Kind: store.ContactCreated, Contact: c.ID})
			is.New(t).Equal(got[0].At, c.CreatedAt) // the time of what it wrote
		}},
		{"UpdateContact/NamesTheFields", func(t *testing.T, f *feedFixture) {
			var c convo.Contact
			got := f.during(t, func() {
				var err error
				c, err = f.s.UpdateContact(ctx, 1, f.contact.ID, convo.ContactUpdate{
					FirstName: ptr("Fed"), Email: ptr("fed@example.com"), Nickname: ptr(""), Blocked: &no})
				is.New(t).NoErr(err)
			})
			// The nickname was empty and the contact not blocked: not changes.
			want(t, got, entry{Kind: store.ContactUpdated, Contact: f.contact.ID, Fields: fields("email", "first_name")})
			is.New(t).Equal(got[0].At, c.UpdatedAt)
		}},
		{"UpdateContact/SameValuesRecordNothing", func(t *testing.T, f *feedFixture) {
			got := f.during(t, func() {
				_, err := f.s.UpdateContact(ctx, 1, f.contact.ID, convo.ContactUpdate{
					FirstName: ptr(f.contact.FirstName), Email: ptr(f.contact.Email), Blocked: &no})
				is.New(t).NoErr(err)
			})
			want(t, got)
		}},
		{"UpdateContact/SameValuesOtherForm", func(t *testing.T, f *feedFixture) {
			attrs := convo.Attributes{"plan": "pro", "seats": 3}
			_, err := f.s.UpdateContact(ctx, 1, f.contact.ID, convo.ContactUpdate{Phone: ptr("+442079460000"), CustomAttributes: &attrs})
			is.New(t).NoErr(err)
			same := convo.Attributes{"seats": 3, "plan": "pro"}
			got := f.during(t, func() {
				// The phone in another form, stored the same; the same attributes.
				_, err := f.s.UpdateContact(ctx, 1, f.contact.ID, convo.ContactUpdate{Phone: ptr("+44 20 7946 0000"), CustomAttributes: &same})
				is.New(t).NoErr(err)
			})
			want(t, got)
		}},
		{"UpdateContact/LastActivityAt", func(t *testing.T, f *feedFixture) {
			// Set by the caller, not moved by a message: the call changes the
			// contact's last_activity_at, and records it.
			at := f.clock.Now().Add(-time.Hour)
			var c convo.Contact
			got := f.during(t, func() {
				var err error
				c, err = f.s.UpdateContact(ctx, 1, f.contact.ID, convo.ContactUpdate{LastActivityAt: &at})
				is.New(t).NoErr(err)
			})
			is.New(t).True(c.LastActivityAt.Equal(at)) // stored
			t.Logf("updated_at %v, the call's time %v", c.UpdatedAt, f.clock.Now())
			want(t, got, entry{Kind: store.ContactUpdated, Contact: f.contact.ID, Fields: fields("last_activity_at")})
		}},
		{"DeleteContact", func(t *testing.T, f *feedFixture) {
			c := mustCreateContact(t, f.s, 1, convo.NewContact{FirstName: "Gone"})
			got := f.during(t, func() { is.New(t).NoErr(f.s.DeleteContact(ctx, 1, c.ID, store.DeleteContactOptions{})) })
			want(t, got, entry{Kind: store.ContactDeleted, Contact: c.ID})
		}},
		{"DeleteContact/Cascade", func(t *testing.T, f *feedFixture) {
			other := mustCreateConversation(t, f.s, 1, f.contact.ID)
			mustAddMessage(t, f.s, 1, f.conv.ID, text("one"))
			mustAddMessage(t, f.s, 1, other.ID, text("two"))
			got := f.during(t, func() {
				is.New(t).NoErr(f.s.DeleteContact(ctx, 1, f.contact.ID, store.DeleteContactOptions{Cascade: true}))
			})
			if len(got) != 3 {
				t.Fatalf("changes: %v, want two conversations' deletions, then the contact's", entriesOf(got))
			}
			// Each conversation's deletion first, in any order; no message
			// deletions; the contact's last.
			wantAnyOrder(t, got[:2],
				entry{Kind: store.ConversationDeleted, Contact: f.contact.ID, Conversation: f.conv.ID},
				entry{Kind: store.ConversationDeleted, Contact: f.contact.ID, Conversation: other.ID})
			want(t, got[2:], entry{Kind: store.ContactDeleted, Contact: f.contact.ID})
		}},
		{"MergeContacts", func(t *testing.T, f *feedFixture) {
			merged := mustCreateContact(t, f.s, 1, convo.NewContact{FirstName: "Dup", Phone: "+442079460000"})
			moved := mustCreateConversation(t, f.s, 1, merged.ID)
			mustAddMessage(t, f.s, 1, moved.ID, text("from the phone"))
			got := f.during(t, func() {
				_, err := f.s.MergeContacts(ctx, 1, f.contact.ID, merged.ID)
				is.New(t).NoErr(err)
			})
			// The contract does not order these three. The kept contact
			// takes the phone, and the merged one's last activity (its
			// message's), later than its own (none).
			wantAnyOrder(t, got,
				entry{Kind: store.ConversationUpdated, Contact: f.contact.ID, Conversation: moved.ID, Fields: fields("contact_id")},
				entry{Kind: store.ContactUpdated, Contact: f.contact.ID, Fields: fields("last_activity_at", "phone")},
				entry{Kind: store.ContactDeleted, Contact: merged.ID})
		}},
		{"MergeContacts/TakesFields", func(t *testing.T, f *feedFixture) {
			attrs := convo.Attributes{"plan": "pro"}
			_, err := f.s.UpdateContact(ctx, 1, f.contact.ID, convo.ContactUpdate{CustomAttributes: &attrs})
			is.New(t).NoErr(err)
			merged := mustCreateContact(t, f.s, 1, convo.NewContact{FirstName: "Dup", Identifier: "ext-9", Blocked: true,
				CustomAttributes: convo.Attributes{"plan": "free", "seats": 2}})
			got := f.during(t, func() {
				_, err := f.s.MergeContacts(ctx, 1, f.contact.ID, merged.ID)
				is.New(t).NoErr(err)
			})
			// Blocked as the merged one was, its identifier, its other
			// attribute keys; its name is not taken (the kept has one).
			wantAnyOrder(t, got,
				entry{Kind: store.ContactUpdated, Contact: f.contact.ID, Fields: fields("blocked", "custom_attributes", "identifier")},
				entry{Kind: store.ContactDeleted, Contact: merged.ID})
		}},
		{"MergeContacts/AfterASnoozeEnds", func(t *testing.T, f *feedFixture) {
			// The merge is the write that wakes the moved conversation's
			// snooze: however the wake and the move are recorded, a change
			// that names contact_id names the conversation's contact after
			// it, the kept one.
			merged := mustCreateContact(t, f.s, 1, convo.NewContact{FirstName: "Dup"})
			moved := mustCreateConversation(t, f.s, 1, merged.ID)
			_, err := f.s.ChangeStatus(ctx, 1, moved.ID, convo.StatusChange{Status: convo.StatusSnoozed,
				SnoozedUntil: f.clock.Now().Add(time.Hour), Quiet: true})
			is.New(t).NoErr(err)
			got := f.during(t, func() {
				f.clock.Advance(time.Hour)
				_, err := f.s.MergeContacts(ctx, 1, f.contact.ID, merged.ID)
				is.New(t).NoErr(err)
			})
			fieldsOf := []string{}
			for _, c := range got {
				if c.Kind != store.ConversationUpdated {
					continue
				}
				is.New(t).Equal(c.ConversationID, moved.ID)
				fieldsOf = mergeSorted(fieldsOf, c.Fields)
				if c.Changed("contact_id") && c.ContactID != f.contact.ID {
					t.Errorf("%v: names contact %d, not the kept contact %d the conversation now belongs to", entryOf(c), c.ContactID, f.contact.ID)
				}
			}
			is.New(t).Equal(fieldsOf, []string{"contact_id", "snoozed_until", "status"}) // the wake and the move
		}},
		{"MergeContacts/KeptUnchanged", func(t *testing.T, f *feedFixture) {
			merged := mustCreateContact(t, f.s, 1, convo.NewContact{FirstName: "Other"})
			got := f.during(t, func() {
				_, err := f.s.MergeContacts(ctx, 1, f.contact.ID, merged.ID)
				is.New(t).NoErr(err)
			})
			// The kept contact has a first name already: it takes nothing.
			want(t, got, entry{Kind: store.ContactDeleted, Contact: merged.ID})
		}},
		{"CreateConversation", func(t *testing.T, f *feedFixture) {
			var c convo.Conversation
			got := f.during(t, func() { c = mustCreateConversation(t, f.s, 1, f.contact.ID) })
			want(t, got, entry{Kind: store.ConversationCreated, Contact: f.contact.ID, Conversation: c.ID})
			is.New(t).Equal(got[0].At, c.CreatedAt)
		}},
		{"UpdateConversation/Quiet", func(t *testing.T, f *feedFixture) {
			high := convo.PriorityHigh
			attrs := convo.Attributes{"tier": "gold"}
			var c convo.Conversation
			got := f.during(t, func() {
				var err error
				c, err = f.s.UpdateConversation(ctx, 1, f.conv.ID, convo.ConversationUpdate{Priority: &high, CustomAttributes: &attrs, Quiet: true})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "custom_attributes", "priority"))
			is.New(t).Equal(got[0].At, c.UpdatedAt)
		}},
		{"UpdateConversation/ActivityAfter", func(t *testing.T, f *feedFixture) {
			high := convo.PriorityHigh
			got := f.during(t, func() {
				_, err := f.s.UpdateConversation(ctx, 1, f.conv.ID, convo.ConversationUpdate{Priority: &high})
				is.New(t).NoErr(err)
			})
			// The conversation's update, then its activity message.
			want(t, got, convUpdated(f.conv, "priority"), created(newest(t, f.s, f.conv.ID, 1)[0]))
		}},
		{"UpdateConversation/SameValuesRecordNothing", func(t *testing.T, f *feedFixture) {
			team := int64(5)
			_, err := f.s.UpdateConversation(ctx, 1, f.conv.ID, convo.ConversationUpdate{TeamID: &team})
			is.New(t).NoErr(err)
			got := f.during(t, func() {
				_, err := f.s.UpdateConversation(ctx, 1, f.conv.ID, convo.ConversationUpdate{TeamID: &team, Muted: &no})
				is.New(t).NoErr(err)
			})
			want(t, got)
		}},
		{"UpdateConversation/Mute", func(t *testing.T, f *feedFixture) {
			mustAddMessage(t, f.s, 1, f.conv.ID, text("spam"))
			got := f.during(t, func() {
				_, err := f.s.UpdateConversation(ctx, 1, f.conv.ID, convo.ConversationUpdate{Muted: &yes})
				is.New(t).NoErr(err)
			})
			// The conversation's update (muted and resolved), the contact's
			// block, then the activity messages in timeline order: the
			// status change's, then the mute's.
			msgs := newest(t, f.s, f.conv.ID, 2)
			is.New(t).Equal(msgs[1].Content, "Conversation was muted")
			want(t, got, convUpdated(f.conv, "muted", "status"),
				entry{Kind: store.ContactUpdated, Contact: f.contact.ID, Fields: fields("blocked")},
				created(msgs[0]), created(msgs[1]))
		}},
		{"UpdateConversation/Unmute", func(t *testing.T, f *feedFixture) {
			_, err := f.s.UpdateConversation(ctx, 1, f.conv.ID, convo.ConversationUpdate{Muted: &yes, Quiet: true})
			is.New(t).NoErr(err)
			got := f.during(t, func() {
				_, err := f.s.UpdateConversation(ctx, 1, f.conv.ID, convo.ConversationUpdate{Muted: &no})
				is.New(t).NoErr(err)
			})
			// Unmuting leaves the status as it is.
			want(t, got, convUpdated(f.conv, "muted"),
				entry{Kind: store.ContactUpdated, Contact: f.contact.ID, Fields: fields("blocked")},
				created(newest(t, f.s, f.conv.ID, 1)[0]))
		}},
		{"UpdateConversation/MuteSnoozedQuiet", func(t *testing.T, f *feedFixture) {
			_, err := f.s.ChangeStatus(ctx, 1, f.conv.ID, convo.StatusChange{Status: convo.StatusSnoozed,
				SnoozedUntil: f.clock.Now().Add(time.Hour), Quiet: true})
			is.New(t).NoErr(err)
			got := f.during(t, func() {
				_, err := f.s.UpdateConversation(ctx, 1, f.conv.ID, convo.ConversationUpdate{Muted: &yes, Quiet: true})
				is.New(t).NoErr(err)
			})
			// Resolved, its snooze time cleared; quiet: no activity messages.
			want(t, got, convUpdated(f.conv, "muted", "snoozed_until", "status"),
				entry{Kind: store.ContactUpdated, Contact: f.contact.ID, Fields: fields("blocked")})
		}},
		{"UpdateConversation/MuteBlockedContact", func(t *testing.T, f *feedFixture) {
			// The contact is blocked already (by another conversation's
			// mute): muting this one changes no contact flag.
			other := mustCreateConversation(t, f.s, 1, f.contact.ID)
			_, err := f.s.UpdateConversation(ctx, 1, other.ID, convo.ConversationUpdate{Muted: &yes, Quiet: true})
			is.New(t).NoErr(err)
			_, err = f.s.ChangeStatus(ctx, 1, f.conv.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
			is.New(t).NoErr(err)
			got := f.during(t, func() {
				_, err := f.s.UpdateConversation(ctx, 1, f.conv.ID, convo.ConversationUpdate{Muted: &yes, Quiet: true})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "muted"))
		}},
		{"DeleteConversation", func(t *testing.T, f *feedFixture) {
			mustAddMessage(t, f.s, 1, f.conv.ID, text("goes with it"))
			got := f.during(t, func() {
				_, err := f.s.DeleteConversation(ctx, 1, f.conv.ID)
				is.New(t).NoErr(err)
			})
			want(t, got, entry{Kind: store.ConversationDeleted, Contact: f.contact.ID, Conversation: f.conv.ID})
		}},
		{"ChangeStatus", func(t *testing.T, f *feedFixture) {
			var c convo.Conversation
			got := f.during(t, func() {
				var err error
				c, err = f.s.ChangeStatus(ctx, 1, f.conv.ID, convo.StatusChange{Status: convo.StatusResolved})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "status"), created(newest(t, f.s, f.conv.ID, 1)[0]))
			is.New(t).Equal(got[0].At, c.UpdatedAt)
		}},
		{"ChangeStatus/Quiet", func(t *testing.T, f *feedFixture) {
			got := f.during(t, func() {
				_, err := f.s.ChangeStatus(ctx, 1, f.conv.ID, convo.StatusChange{Status: convo.StatusSnoozed,
					SnoozedUntil: f.clock.Now().Add(time.Hour), Quiet: true})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "snoozed_until", "status"))
		}},
		{"ChangeStatus/SameStatus", func(t *testing.T, f *feedFixture) {
			// The status is open already: no conversation update; an activity
			// message, if the backend writes one, is recorded.
			var c convo.Conversation
			got := f.during(t, func() {
				var err error
				c, err = f.s.ChangeStatus(ctx, 1, f.conv.ID, convo.StatusChange{Status: convo.StatusOpen})
				is.New(t).NoErr(err)
			})
			var wants []entry
			if n := int(c.MessagesCount - f.conv.MessagesCount); n > 0 {
				for _, m := range newest(t, f.s, f.conv.ID, n) {
					wants = append(wants, created(m))
				}
			}
			want(t, got, wants...)
		}},
		{"Assign", func(t *testing.T, f *feedFixture) {
			got := f.during(t, func() {
				_, err := f.s.Assign(ctx, 1, f.conv.ID, convo.Assignment{AssigneeID: f.agent})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "assignee_id"), created(newest(t, f.s, f.conv.ID, 1)[0]))
		}},
		{"Assign/Quiet", func(t *testing.T, f *feedFixture) {
			got := f.during(t, func() {
				_, err := f.s.Assign(ctx, 1, f.conv.ID, convo.Assignment{AssigneeID: f.agent, Quiet: true})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "assignee_id"))
		}},
		{"ChangeLabels", func(t *testing.T, f *feedFixture) {
			got := f.during(t, func() {
				_, err := f.s.ChangeLabels(ctx, 1, f.conv.ID, convo.LabelChange{Add: []string{"vip"}})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "labels"), created(newest(t, f.s, f.conv.ID, 1)[0]))
		}},
		{"ChangeLabels/SameLabelsRecordNothing", func(t *testing.T, f *feedFixture) {
			set := []string{"vip", "billing"}
			_, err := f.s.ChangeLabels(ctx, 1, f.conv.ID, convo.LabelChange{Set: &set, Quiet: true})
			is.New(t).NoErr(err)
			again := []string{"Billing", "VIP"}
			got := f.during(t, func() {
				_, err := f.s.ChangeLabels(ctx, 1, f.conv.ID, convo.LabelChange{Set: &again}) // the same, in another case and order
				is.New(t).NoErr(err)
			})
			want(t, got)
		}},
		{"ChangeLabels/Quiet", func(t *testing.T, f *feedFixture) {
			got := f.during(t, func() {
				_, err := f.s.ChangeLabels(ctx, 1, f.conv.ID, convo.LabelChange{Add: []string{"vip"}, Quiet: true})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "labels"))
		}},
		{"MarkRead", func(t *testing.T, f *feedFixture) {
			mustAddMessage(t, f.s, 1, f.conv.ID, text("unread"))
			got := f.during(t, func() {
				_, err := f.s.MarkRead(ctx, 1, f.conv.ID, f.agent)
				is.New(t).NoErr(err)
			})
			// Not the assignee: only the agents' horizon.
			want(t, got, convUpdated(f.conv, "agent_last_seen_at"))
		}},
		{"MarkRead/Assignee", func(t *testing.T, f *feedFixture) {
			_, err := f.s.Assign(ctx, 1, f.conv.ID, convo.Assignment{AssigneeID: f.agent, Quiet: true})
			is.New(t).NoErr(err)
			mustAddMessage(t, f.s, 1, f.conv.ID, text("unread"))
			got := f.during(t, func() {
				_, err := f.s.MarkRead(ctx, 1, f.conv.ID, f.agent)
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "agent_last_seen_at", "assignee_last_seen_at"))
		}},
		{"MarkUnread", func(t *testing.T, f *feedFixture) {
			_, err := f.s.Assign(ctx, 1, f.conv.ID, convo.Assignment{AssigneeID: f.agent, Quiet: true})
			is.New(t).NoErr(err)
			mustAddMessage(t, f.s, 1, f.conv.ID, text("read, then unread"))
			f.clock.Advance(time.Minute)
			_, err = f.s.MarkRead(ctx, 1, f.conv.ID, f.agent)
			is.New(t).NoErr(err)
			got := f.during(t, func() {
				_, err := f.s.MarkUnread(ctx, 1, f.conv.ID)
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "agent_last_seen_at", "assignee_last_seen_at"))
		}},
		{"MarkUnread/NoIncomingRecordsNothing", func(t *testing.T, f *feedFixture) {
			got := f.during(t, func() {
				_, err := f.s.MarkUnread(ctx, 1, f.conv.ID)
				is.New(t).NoErr(err)
			})
			want(t, got)
		}},
		{"AddParticipants", func(t *testing.T, f *feedFixture) {
			got := f.during(t, func() {
				_, err := f.s.AddParticipants(ctx, 1, f.conv.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{f.agent}, AudienceIDs: []int64{7}})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "audience_ids", "user_ids"))
			got = f.during(t, func() {
				_, err := f.s.AddParticipants(ctx, 1, f.conv.ID, convo.ParticipantChange{AudienceIDs: []int64{7, 8}})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "audience_ids")) // audience 8 only
			got = f.during(t, func() {
				_, err := f.s.AddParticipants(ctx, 1, f.conv.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{f.agent}})
				is.New(t).NoErr(err)
			})
			want(t, got) // already there
		}},
		{"RemoveParticipants", func(t *testing.T, f *feedFixture) {
			_, err := f.s.AddParticipants(ctx, 1, f.conv.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{f.agent}, AudienceIDs: []int64{7}})
			is.New(t).NoErr(err)
			got := f.during(t, func() {
				_, err := f.s.RemoveParticipants(ctx, 1, f.conv.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{f.agent}})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "user_ids"))
			got = f.during(t, func() {
				_, err := f.s.RemoveParticipants(ctx, 1, f.conv.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{f.agent}, AudienceIDs: []int64{7}})
				is.New(t).NoErr(err)
			})
			want(t, got, convUpdated(f.conv, "audience_ids")) // the user was gone already
		}},
		{"MarkSeen/MarkUnseen", func(t *testing.T, f *feedFixture) {
			user := uuid.New()
			_, err := f.s.AddParticipants(ctx, 1, f.conv.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{user}})
			is.New(t).NoErr(err)
			m1 := mustAddMessage(t, f.s, 1, f.conv.ID, text("one"))
			m2 := mustAddMessage(t, f.s, 1, f.conv.ID, text("two"))
			m3 := mustAddMessage(t, f.s, 1, f.conv.ID, text("three"))
			v := convo.Viewer{UserID: user}
			got := f.during(t, func() {
				_, err := f.s.MarkSeen(ctx, 1, f.conv.ID, v, m2.ID)
				is.New(t).NoErr(err)
			})
			want(t, got, entry{Kind: store.ReadStateUpdated, Conversation: f.conv.ID, User: user, SeenSeq: m2.Seq})
			got = f.during(t, func() {
				_, err := f.s.MarkSeen(ctx, 1, f.conv.ID, v, m1.ID)
				is.New(t).NoErr(err)
			})
			want(t, got) // the horizon never moves back: nothing
			got = f.during(t, func() {
				_, err := f.s.MarkUnseen(ctx, 1, f.conv.ID, v, m2.ID)
				is.New(t).NoErr(err)
			})
			want(t, got, entry{Kind: store.ReadStateUpdated, Conversation: f.conv.ID, User: user, SeenSeq: m2.Seq - 1})
			got = f.during(t, func() {
				_, err := f.s.MarkUnseen(ctx, 1, f.conv.ID, v, m3.ID)
				is.New(t).NoErr(err)
			})
			want(t, got) // nor forward
		}},
		{"AddMessage", func(t *testing.T, f *feedFixture) {
			var m convo.Message
			got := f.during(t, func() { m = mustAddMessage(t, f.s, 1, f.conv.ID, text("hello")) })
			want(t, got, created(m))
			is := is.New(t)
			is.True(got[0].Message != nil)
			is.Equal(msgOf(t, got[0]), m) // the message AddMessage returned
			is.Equal(got[0].At, m.CreatedAt)
		}},
		{"AddMessage/AuthorsHorizonIsPartOfIt", func(t *testing.T, f *feedFixture) {
			user := uuid.New()
			_, err := f.s.AddParticipants(ctx, 1, f.conv.ID, convo.ParticipantChange{UserIDs: []uuid.UUID{user}})
			is.New(t).NoErr(err)
			mustAddMessage(t, f.s, 1, f.conv.ID, text("before"))
			var m convo.Message
			got := f.during(t, func() { m = mustAddMessage(t, f.s, 1, f.conv.ID, fromUser(user, "mine")) })
			want(t, got, created(m)) // no read state change of its own
		}},
		{"AddMessage/ReopensResolved", func(t *testing.T, f *feedFixture) {
			_, err := f.s.ChangeStatus(ctx, 1, f.conv.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
			is.New(t).NoErr(err)
			var m convo.Message
			got := f.during(t, func() { m = mustAddMessage(t, f.s, 1, f.conv.ID, text("I'm back")) })
			want(t, got, created(m), convUpdated(f.conv, "status")) // the message, then the reopening
		}},
		{"AddMessage/ReopensSnoozed", func(t *testing.T, f *feedFixture) {
			_, err := f.s.ChangeStatus(ctx, 1, f.conv.ID, convo.StatusChange{Status: convo.StatusSnoozed,
				SnoozedUntil: f.clock.Now().Add(time.Hour), Quiet: true})
			is.New(t).NoErr(err)
			var m convo.Message
			got := f.during(t, func() { m = mustAddMessage(t, f.s, 1, f.conv.ID, text("wake up")) })
			want(t, got, created(m), convUpdated(f.conv, "snoozed_until", "status"))
		}},
		{"AddMessages/EachReopeningAfterItsMessage", func(t *testing.T, f *feedFixture) {
			other := mustCreateConversation(t, f.s, 1, f.contact.ID)
			for _, id := range []int64{f.conv.ID, other.ID} {
				_, err := f.s.ChangeStatus(ctx, 1, id, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
				is.New(t).NoErr(err)
			}
			var ms []convo.Message
			got := f.during(t, func() {
				var err error
				ms, err = f.s.AddMessages(ctx, 1, []store.MessageTo{
					{ConversationID: f.conv.ID, Message: text("a")},
					{ConversationID: other.ID, Message: text("b")},
					{ConversationID: f.conv.ID, Message: text("c")},
				})
				is.New(t).NoErr(err)
			})
			want(t, got, created(ms[0]), convUpdated(f.conv, "status"),
				created(ms[1]), convUpdated(other, "status"), created(ms[2]))
		}},
		{"AddMessage/MutedStaysResolved", func(t *testing.T, f *feedFixture) {
			_, err := f.s.UpdateConversation(ctx, 1, f.conv.ID, convo.ConversationUpdate{Muted: &yes, Quiet: true})
			is.New(t).NoErr(err)
			var m convo.Message
			got := f.during(t, func() { m = mustAddMessage(t, f.s, 1, f.conv.ID, text("spam")) })
			want(t, got, created(m))
		}},
		{"AddMessage/RepeatedSourceIDRecordsNothing", func(t *testing.T, f *feedFixture) {
			in := convo.NewMessage{Type: convo.MessageIncoming, Content: "once", SourceID: "wamid.1"}
			first := mustAddMessage(t, f.s, 1, f.conv.ID, in)
			got := f.during(t, func() {
				again := mustAddMessage(t, f.s, 1, f.conv.ID, in)
				is.New(t).Equal(again, first)
			})
			want(t, got)
		}},
		{"AddMessages", func(t *testing.T, f *feedFixture) {
			other := mustCreateConversation(t, f.s, 1, f.contact.ID)
			kept := mustAddMessage(t, f.s, 1, f.conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "kept", SourceID: "src.1"})
			var ms []convo.Message
			got := f.during(t, func() {
				var err error
				ms, err = f.s.AddMessages(ctx, 1, []store.MessageTo{
					{ConversationID: f.conv.ID, Message: text("a")},
					{ConversationID: other.ID, Message: text("b")},
					{ConversationID: f.conv.ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "kept", SourceID: "src.1"}},
					{ConversationID: f.conv.ID, Message: text("c")},
				})
				is.New(t).NoErr(err)
			})
			is.New(t).Equal(ms[2], kept) // the repeat returns the stored message
			want(t, got, created(ms[0]), created(ms[1]), created(ms[3]))
			for i, j := range []int{0, 1, 3} {
				is.New(t).Equal(msgOf(t, got[i]), ms[j]) // as AddMessages returned it
			}
		}},
		{"AddMessages/ManyInOrder", func(t *testing.T, f *feedFixture) {
			// More changes than a backend may store by one statement.
			var batch []store.MessageTo
			for i := range 150 {
				batch = append(batch, store.MessageTo{ConversationID: f.conv.ID, Message: text(fmt.Sprint("message ", i))})
			}
			var ms []convo.Message
			got := f.during(t, func() {
				var err error
				ms, err = f.s.AddMessages(ctx, 1, batch)
				is.New(t).NoErr(err)
			})
			var wanted []entry
			for _, m := range ms {
				wanted = append(wanted, created(m))
			}
			want(t, got, wanted...) // one change per message, in the batch's order
		}},
		{"UpdateMessage", func(t *testing.T, f *feedFixture) {
			m := mustAddMessage(t, f.s, 1, f.conv.ID, text("typo"))
			delivered := convo.StatusDelivered
			var up convo.Message
			got := f.during(t, func() {
				var err error
				up, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: ptr("fixed"), Status: &delivered})
				is.New(t).NoErr(err)
			})
			// A new content is an edit.
			want(t, got, entry{Kind: store.MessageUpdated, Conversation: f.conv.ID, Message: m.ID, Fields: fields("content", "edit_count", "edited_at", "status")})
			is := is.New(t)
			is.Equal(msgOf(t, got[0]), up) // the message UpdateMessage returned
			is.Equal(got[0].At, up.UpdatedAt)
		}},
		{"UpdateMessage/WrittenAt", func(t *testing.T, f *feedFixture) {
			m := mustAddMessage(t, f.s, 1, f.conv.ID, text("late"))
			at := f.clock.Now().Add(-time.Hour)
			got := f.during(t, func() {
				_, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{WrittenAt: &at})
				is.New(t).NoErr(err)
			})
			want(t, got, entry{Kind: store.MessageUpdated, Conversation: f.conv.ID, Message: m.ID, Fields: fields("written_at")})
		}},
		{"UpdateMessage/Direction", func(t *testing.T, f *feedFixture) {
			m := mustAddMessage(t, f.s, 1, f.conv.ID, text("which way"))
			out := convo.MessageOutgoing
			var up convo.Message
			got := f.during(t, func() {
				var err error
				up, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Type: &out})
				is.New(t).NoErr(err)
			})
			is.New(t).True(up.SenderType != m.SenderType) // the sender follows the direction
			want(t, got, entry{Kind: store.MessageUpdated, Conversation: f.conv.ID, Message: m.ID, Fields: fields("message_type", "sender_type")})
		}},
		{"UpdateMessage/SameValuesRecordNothing", func(t *testing.T, f *feedFixture) {
			m := mustAddMessage(t, f.s, 1, f.conv.ID, text("as is"))
			got := f.during(t, func() {
				_, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: ptr("as is")})
				is.New(t).NoErr(err)
			})
			want(t, got)
		}},
		{"DeleteMessage", func(t *testing.T, f *feedFixture) {
			m := mustAddMessage(t, f.s, 1, f.conv.ID, text("oops"))
			got := f.during(t, func() {
				_, err := f.s.DeleteMessage(ctx, 1, m.ID)
				is.New(t).NoErr(err)
			})
			// A tombstone: what it wiped, and when.
			want(t, got, entry{Kind: store.MessageUpdated, Conversation: f.conv.ID, Message: m.ID, Fields: fields("content", "deleted_at")})
		}},
		{"PurgeMessage", func(t *testing.T, f *feedFixture) {
			m := mustAddMessage(t, f.s, 1, f.conv.ID, text("erase"))
			got := f.during(t, func() {
				_, err := f.s.PurgeMessage(ctx, 1, m.ID)
				is.New(t).NoErr(err)
			})
			want(t, got, entry{Kind: store.MessageDeleted, Conversation: f.conv.ID, Message: m.ID})
		}},
		{"Import", func(t *testing.T, f *feedFixture) {
			// The fixture's account exported, imported into a new store.
			mustAddMessage(t, f.s, 1, f.conv.ID, text("exported"))
			var records []store.Record
			is.New(t).NoErr(f.s.Export(ctx, 1, func(r store.Record) error {
				records = append(records, r)
				return nil
			}))
			dst := &feedFixture{s: newStore(t, f.clock.Now), clock: f.clock}
			load := func() {
				_, err := dst.s.Import(ctx, 1, recordsOf(records), store.ImportOptions{})
				is.New(t).NoErr(err)
			}
			got := dst.during(t, load)
			want(t, got, entry{Kind: store.AccountImported}) // one change, not one per record
			got = dst.during(t, load)
			want(t, got) // importing the same records again writes nothing
		}},
		{"SnoozeEnds", func(t *testing.T, f *feedFixture) {
			_, err := f.s.ChangeStatus(ctx, 1, f.conv.ID, convo.StatusChange{Status: convo.StatusSnoozed,
				SnoozedUntil: f.clock.Now().Add(time.Hour), Quiet: true})
			is.New(t).NoErr(err)
			var c convo.Contact
			got := f.during(t, func() {
				f.clock.Advance(time.Hour)
				c = mustCreateContact(t, f.s, 1, convo.NewContact{FirstName: "Wakes it"})
			})
			// Recorded by the write that woke it, beside that write's own.
			wantAnyOrder(t, got, convUpdated(f.conv, "snoozed_until", "status"),
				entry{Kind: store.ContactCreated, Contact: c.ID})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newFeed(t, newStore)) })
	}
}

// testChangesFailed checks that a call that fails, or is cancelled before
// it starts, records nothing.
func testChangesFailed(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	// Each case has a store of its own, set up the same way: f's
	// conversation holds m, delivered, with a source id; other is a second
	// conversation of the contact.
	var (
		f     *feedFixture
		m     convo.Message
		other convo.Conversation
	)
	setup := func(t *testing.T) {
		f = newFeed(t, newStore)
		m = mustAddMessage(t, f.s, 1, f.conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "taken", SourceID: "src.taken"})
		delivered := convo.StatusDelivered
		if _, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &delivered}); err != nil {
			t.Fatal(err)
		}
		other = mustCreateConversation(t, f.s, 1, f.contact.ID)
	}
	name := "Changed"
	high := convo.PriorityHigh
	sent := convo.StatusSent
	yes := true
	isInvalid := func(err error) bool { return errors.Is(err, convo.ErrInvalid) }
	isCancelled := func(err error) bool { return errors.Is(err, context.Canceled) }

	cases := []struct {
		name string
		call func() error
		is   func(error) bool
	}{
		{"CreateContact/Invalid", func() error {
			_, err := f.s.CreateContact(ctx, 1, convo.NewContact{})
			return err
		}, isInvalid},
		{"CreateContact/Conflict", func() error {
			_, err := f.s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Twin", Email: f.contact.Email})
			return err
		}, isConflict},
		{"UpdateContact/NotFound", func() error {
			_, err := f.s.UpdateContact(ctx, 1, f.contact.ID+1000, convo.ContactUpdate{FirstName: &name})
			return err
		}, isNotFound},
		{"DeleteContact/Conflict", func() error {
			return f.s.DeleteContact(ctx, 1, f.contact.ID, store.DeleteContactOptions{})
		}, isConflict},
		{"MergeContacts/Invalid", func() error {
			_, err := f.s.MergeContacts(ctx, 1, f.contact.ID, f.contact.ID)
			return err
		}, isInvalid},
		{"UpdateConversation/NotFound", func() error {
			_, err := f.s.UpdateConversation(ctx, 1, other.ID+1000, convo.ConversationUpdate{Priority: &high})
			return err
		}, isNotFound},
		{"ChangeStatus/Invalid", func() error {
			_, err := f.s.ChangeStatus(ctx, 1, f.conv.ID, convo.StatusChange{Status: convo.StatusSnoozed, SnoozedUntil: f.clock.Now().Add(-time.Hour)})
			return err
		}, isInvalid},
		{"MarkSeen/NotFound", func() error {
			_, err := f.s.MarkSeen(ctx, 1, f.conv.ID, convo.Viewer{UserID: uuid.New()}, m.ID)
			return err
		}, isNotFound},
		{"AddMessage/Conflict", func() error {
			_, err := f.s.AddMessage(ctx, 1, other.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "taken", SourceID: "src.taken"})
			return err
		}, isConflict},
		{"AddMessages/OneBadItem", func() error {
			_, err := f.s.AddMessages(ctx, 1, []store.MessageTo{
				{ConversationID: f.conv.ID, Message: text("fine")},
				{ConversationID: other.ID, Message: convo.NewMessage{Type: convo.MessageIncoming}},
			})
			return err
		}, isInvalid},
		{"AddMessages/OneMissingConversation", func() error {
			_, err := f.s.AddMessages(ctx, 1, []store.MessageTo{
				{ConversationID: f.conv.ID, Message: text("fine")},
				{ConversationID: other.ID + 1000, Message: text("lost")},
			})
			return err
		}, isNotFound},
		{"UpdateMessage/StatusBackwards", func() error {
			_, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &name, Status: &sent})
			return err
		}, isInvalid},
		{"Import/BadRecordLast", func() error {
			c := convo.Contact{ID: 1 << 40, AccountID: 1, FirstName: "Imported", CreatedAt: fixedTime, UpdatedAt: fixedTime}
			bad := convo.Contact{ID: 1<<40 + 1, AccountID: 1, CreatedAt: fixedTime, UpdatedAt: fixedTime}
			_, err := f.s.Import(ctx, 1, recordsOf([]store.Record{{Contact: &c}, {Contact: &bad}}), store.ImportOptions{})
			return err
		}, isInvalid},
		{"AddMessage/Cancelled", func() error {
			_, err := f.s.AddMessage(cancelled, 1, f.conv.ID, text("never"))
			return err
		}, isCancelled},
		{"AddMessages/Cancelled", func() error {
			_, err := f.s.AddMessages(cancelled, 1, []store.MessageTo{{ConversationID: f.conv.ID, Message: text("never")}})
			return err
		}, isCancelled},
		{"UpdateConversation/Cancelled", func() error {
			_, err := f.s.UpdateConversation(cancelled, 1, f.conv.ID, convo.ConversationUpdate{Muted: &yes})
			return err
		}, isCancelled},
		{"DeleteContact/Cancelled", func() error {
			return f.s.DeleteContact(cancelled, 1, f.contact.ID, store.DeleteContactOptions{Cascade: true})
		}, isCancelled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			setup(t)
			before := head(t, f.s, 1)
			err := tc.call()
			if !tc.is(err) {
				t.Fatalf("the call returned %v", err)
			}
			got := readAll(t, f.s, 1, before, store.ChangeFilter{})
			is.Equal(len(got), 0)             // nothing recorded
			is.Equal(head(t, f.s, 1), before) // the head did not move
		})
	}
	t.Run("StoreStillRecords", func(t *testing.T) {
		// A failure leaves the feed working: the next call records.
		setup(t)
		for _, tc := range cases {
			if err := tc.call(); !tc.is(err) {
				t.Fatalf("%s returned %v", tc.name, err)
			}
		}
		var m convo.Message
		got := f.during(t, func() { m = mustAddMessage(t, f.s, 1, f.conv.ID, text("after the failures")) })
		want(t, got, created(m))
	})
}

// recordsOf yields records for Import.
func recordsOf(records []store.Record) iter.Seq2[store.Record, error] {
	return func(yield func(store.Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}
}
