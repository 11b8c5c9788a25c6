package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// Fuzz targets: FuzzAddMessage, FuzzConversationFilter, FuzzCursor and
// FuzzSearchQuery. `go test -fuzz` runs only the Fuzz functions of the
// package it tests, so a backend declares one thin wrapper per target in
// its own tests, and the body stays here:
//
//	func FuzzAddMessage(f *testing.F) { storetest.FuzzAddMessage(f, newStore) }
//
// The seed corpus runs with the normal tests; `go test -fuzz` explores.
// Whatever the input, a call returns a result or convo.ErrInvalid (or the
// error the contract names for it), never panics, never returns a page
// longer than asked for.

// wantOK fails unless err is nil or one of the allowed sentinels.
func wantOK(t *testing.T, what string, err error, allowed ...error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, a := range allowed {
		if errors.Is(err, a) {
			return
		}
	}
	t.Fatalf("%s: %v (want success or one of %v)", what, err, allowed)
}

// FuzzAddMessage appends messages of arbitrary content, type, content
// type, status, source id and time: each is stored exactly as returned, or
// is ErrInvalid.
func FuzzAddMessage(f *testing.F, newStore NewStore) {
	ctx := context.Background()
	s := newStore(f, fixed)
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: fixedTime})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("hello", "incoming", "", "", "", int64(0), int32(0))
	f.Add("", "outgoing", "text", "sent", "", int64(0), int32(0))
	f.Add("bad \xff\xfe utf-8", "incoming", "", "", "", int64(0), int32(0))
	f.Add("nul \x00 byte", "template", "input_select", "read", "src-\x00", int64(-62135596800), int32(0))
	f.Add(strings.Repeat("long ", convo.MaxContentLength/5+1), "incoming", "", "", "", int64(253402300799), int32(999999999))
	f.Add("x", "bogus", "bogus", "bogus", strings.Repeat("s", convo.MaxNameLength+1), int64(1<<62), int32(-1))
	f.Add("retry", "incoming", "", "", "wamid.1", int64(1700000000), int32(5))
	f.Add("' OR 1=1; DROP TABLE messages; --", "activity", "", "failed", "wamid.1", int64(-1), int32(1))
	f.Fuzz(func(t *testing.T, content, typ, contentType, status, sourceID string, sec int64, nsec int32) {
		in := convo.NewMessage{Content: content, Type: convo.MessageType(typ), ContentType: convo.ContentType(contentType),
			Status: convo.MessageStatus(status), SourceID: sourceID}
		if sec != 0 || nsec != 0 {
			in.WrittenAt = time.Unix(sec, int64(nsec))
		}
		m, err := s.AddMessage(ctx, 1, conv.ID, in)
		wantOK(t, "add message", err, convo.ErrInvalid)
		if err != nil {
			return
		}
		got, err := s.GetMessage(ctx, 1, m.ID)
		if err != nil {
			t.Fatalf("get message: %v", err)
		}
		if fmt.Sprint(got) != fmt.Sprint(m) {
			t.Fatalf("stored %+v, returned %+v", got, m)
		}
		if sourceID == "" && got.Content != content {
			t.Fatalf("content %q came back as %q", content, got.Content)
		}
		if _, err := s.PurgeMessage(ctx, 1, m.ID); err != nil { // keep the store small: a tombstone would stay
			t.Fatalf("purge message: %v", err)
		}
	})
}

// fuzzInbox is a store with a few conversations to list, for the filter
// and cursor fuzz targets.
func fuzzInbox(f *testing.F, newStore NewStore) (store.Store, []store.Page[convo.Conversation], int64) {
	ctx := context.Background()
	s := newStore(f, fixed)
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	agent := uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	var last int64 // the conversation with the most messages
	for i := range 9 {
		in := convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: fixedTime,
			InboxID: int64(i % 3), TeamID: int64(i % 2), Labels: []string{fmt.Sprintf("l%d", i%3)}, Priority: convo.PriorityFromRank(i % 5)}
		if i%2 == 0 {
			in.AssigneeID = agent
		}
		conv, err := s.CreateConversation(ctx, 1, in)
		if err != nil {
			f.Fatal(err)
		}
		last = conv.ID
		for range i {
			if _, err := s.AddMessage(ctx, 1, conv.ID, text("m")); err != nil {
				f.Fatal(err)
			}
		}
	}
	var pages []store.Page[convo.Conversation]
	for sort := range store.SortUnreadAsc + 1 {
		p, err := s.ListConversations(ctx, 1, store.ConversationFilter{Statuses: store.AllStatuses, Sort: sort, Page: store.After("", 2)})
		if err != nil {
			f.Fatal(err)
		}
		pages = append(pages, p)
	}
	return s, pages, last
}

// FuzzConversationFilter lists and counts conversations with arbitrary
// filters: a page of at most the size asked for, ErrInvalid, or ErrNotFound
// for a contact that is not the account's.
func FuzzConversationFilter(f *testing.F, newStore NewStore) {
	ctx := context.Background()
	s, _, _ := fuzzInbox(f, newStore)
	f.Add("open", 0, false, int64(0), int64(0), "", int64(0), false, int64(0), 0, 1, 15, false)
	f.Add("open,resolved,pending,snoozed", 1, true, int64(1), int64(1), "l1,l2", int64(1), true, int64(1700000000), 7, 2, 3, true)
	f.Add("bogus", 9, false, int64(-1), int64(-1), ",,", int64(-1), false, int64(-1<<62), -1, 0, 0, false)
	f.Add("open", 2, false, int64(1<<62), int64(0), strings.Repeat("l", 65), int64(1<<62), true, int64(1<<62), 8, 1<<30, 101, true)
	f.Add("snoozed", 3, true, int64(2), int64(0), "l0,L0, l0", int64(0), false, int64(0), 4, -5, 1, false)
	f.Fuzz(func(t *testing.T, statuses string, assignee int, withAgent bool, inbox, team int64, labels string,
		contact int64, unattended bool, updatedSince int64, sort, page, perPage int, keyset bool) {
		fl := store.ConversationFilter{Assignee: store.AssigneeType(assignee), InboxID: inbox, TeamID: team,
			ContactID: contact, Unattended: unattended, Sort: store.ConversationSort(sort)}
		if statuses != "" {
			for _, st := range strings.Split(statuses, ",") {
				fl.Statuses = append(fl.Statuses, convo.Status(st))
			}
		}
		if labels != "" {
			fl.Labels = strings.Split(labels, ",")
		}
		if withAgent {
			fl.Agent = uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
		}
		if updatedSince != 0 {
			fl.UpdatedSince = time.Unix(updatedSince, 0)
		}
		fl.Page = store.PageNumber(page, perPage)
		if keyset {
			fl.Page = store.After("", perPage)
		}
		p, err := s.ListConversations(ctx, 1, fl)
		wantOK(t, "list conversations", err, convo.ErrInvalid, convo.ErrNotFound)
		if err == nil && len(p.Items) > perPage {
			t.Fatalf("%d conversations on a page of %d", len(p.Items), perPage)
		}
		_, err = s.CountConversations(ctx, 1, fl)
		wantOK(t, "count conversations", err, convo.ErrInvalid, convo.ErrNotFound)
	})
}

// FuzzCursor pages every list with arbitrary cursor strings: a page of at
// most the size asked for, or ErrInvalid.
func FuzzCursor(f *testing.F, newStore NewStore) {
	ctx := context.Background()
	s, pages, conv := fuzzInbox(f, newStore)
	for i, p := range pages {
		f.Add(p.Next, 2, uint8(i))
	}
	msgs, err := s.ListMessages(ctx, 1, conv, store.MessageFilter{Page: store.After("", 3)})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(msgs.Next, 3, uint8(8))
	contacts, err := s.ListContacts(ctx, 1, store.ContactFilter{Page: store.After("", 1)})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(contacts.Next, 1, uint8(10))
	for _, c := range []store.Cursor{
		{List: "messages:1:oldest", Keys: []int64{-1 << 63}},
		{List: "messages:1:newest", Keys: []int64{1<<63 - 1}},
		{List: "messages:1:oldest", Keys: []int64{1, 2, 3}},
		{List: "contacts", Keys: []int64{1}, Text: "\xff\x00' OR 1=1 --"},
		{List: "", Keys: nil},
	} {
		f.Add(c.Encode(), 5, uint8(9))
	}
	for _, raw := range []string{"", "!!!", "e30", "bnVsbA", strings.Repeat("A", 600), "eyJsIjoiIiwiayI6W119"} {
		f.Add(raw, 15, uint8(0))
	}
	f.Fuzz(func(t *testing.T, cursor string, perPage int, list uint8) {
		var n int
		var err error
		paging := store.After(cursor, perPage)
		switch k := int(list) % 11; {
		case k < 8:
			var p store.Page[convo.Conversation]
			p, err = s.ListConversations(ctx, 1, store.ConversationFilter{Statuses: store.AllStatuses, Sort: store.ConversationSort(k), Page: paging})
			n = len(p.Items)
		case k < 10:
			order := store.MessageOrder(k - 8)
			var p store.Page[convo.Message]
			p, err = s.ListMessages(ctx, 1, conv, store.MessageFilter{Order: order, Page: paging})
			n = len(p.Items)
		default:
			var p store.Page[convo.Contact]
			p, err = s.ListContacts(ctx, 1, store.ContactFilter{Page: paging})
			n = len(p.Items)
		}
		wantOK(t, "list", err, convo.ErrInvalid)
		if err == nil && n > perPage {
			t.Fatalf("%d items on a page of %d", n, perPage)
		}
	})
}

// FuzzSearchQuery feeds any text to every search of the store (the lists'
// q, the contacts' query, SearchMessages): a text convo.ParseSearch
// accepts gives results or none, never an error; one it refuses is a
// *convo.ValidationError. Its seeds are NastySearches and a few more.
func FuzzSearchQuery(f *testing.F, newStore NewStore) {
	for _, q := range NastySearches {
		f.Add(q)
	}
	for _, q := range []string{"", "alpha", "alpha*", `"alpha beta"`, "bad \xff", "nul\x00", strings.Repeat("x", 2000),
		`"a""b"`, `a"b"c*`, `""*`, `"*"`, "NEAR/3", "a:b:c", "\u200b", "\ufeffalpha"} {
		f.Add(q)
	}
	ctx := context.Background()
	s := newStore(f, fixed)
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Alpha", Email: "alpha@example.com"})
	if err != nil {
		f.Fatal(err)
	}
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: fixedTime})
	if err != nil {
		f.Fatal(err)
	}
	for _, content := range []string{`alpha beta "gamma" NEAR( col:val -x a OR b`, "café naïve 日本語 🙂"} {
		if _, err := s.AddMessage(ctx, 1, conv.ID, text(content)); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, parseErr := convo.ParseSearch("q", q)
		check := func(what string, err error) {
			t.Helper()
			var ve *convo.ValidationError
			switch {
			case parseErr == nil && err != nil:
				t.Fatalf("%s(%q): %v", what, q, err)
			case parseErr != nil && !errors.As(err, &ve):
				t.Fatalf("%s(%q): want a ValidationError, got %v", what, q, err)
			}
		}
		_, err := s.ListConversations(ctx, 1, store.ConversationFilter{Query: q, IncludePrivate: true})
		check("ListConversations", err)
		_, err = s.CountConversations(ctx, 1, store.ConversationFilter{Query: q})
		check("CountConversations", err)
		_, err = s.ListContacts(ctx, 1, store.ContactFilter{Query: q})
		check("ListContacts", err)
		if strings.TrimSpace(q) != "" {
			_, err = s.SearchMessages(ctx, 1, store.MessageSearch{Query: q, Order: store.SearchRelevance})
			check("SearchMessages", err)
		}
	})
}
