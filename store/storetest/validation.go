package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// wantInvalid checks that err is a ValidationError naming field.
func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var ve *convo.ValidationError
	if !errors.Is(err, convo.ErrInvalid) || !errors.As(err, &ve) {
		t.Fatalf("want a ValidationError on %q, got %v", field, err)
	}
	if _, ok := ve.Field(field); !ok {
		t.Fatalf("want a ValidationError on %q, got %v", field, err)
	}
}

func testValidation(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	badText := map[string]string{"invalid UTF-8": "bad \xff text", "NUL byte": "nul\x00byte"}

	t.Run("CreateContact/BadInput", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		cases := []struct {
			in    convo.NewContact
			field string
		}{
			{convo.NewContact{}, "first_name"},
			{convo.NewContact{FirstName: strings.Repeat("x", convo.MaxNameLength+1)}, "first_name"},
			{convo.NewContact{FirstName: "A", Email: "not-an-email"}, "email"},
			{convo.NewContact{FirstName: "A", AvatarURL: "ftp://x"}, "avatar_url"},
			{convo.NewContact{FirstName: "A", CustomAttributes: convo.Attributes{"f": func() {}}}, "custom_attributes"},
		}
		for _, bad := range badText {
			cases = append(cases, struct {
				in    convo.NewContact
				field string
			}{convo.NewContact{FirstName: bad}, "first_name"})
		}
		for _, tc := range cases {
			_, err := s.CreateContact(ctx, 1, tc.in)
			wantInvalid(t, err, tc.field)
		}
		page, err := s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 0) // nothing written
		for _, bad := range badText {
			_, err := s.ListContacts(ctx, 1, store.ContactFilter{Query: bad})
			wantInvalid(t, err, "query")
		}
	})

	t.Run("CreateConversation/BadInput", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "A"})
		ok := convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: fixedTime}
		with := func(f func(*convo.NewConversation)) convo.NewConversation { in := ok; f(&in); return in }
		for _, tc := range []struct {
			in    convo.NewConversation
			field string
		}{
			{with(func(in *convo.NewConversation) { in.ContactID = 0 }), "contact_id"},
			{with(func(in *convo.NewConversation) { in.ContactID = -1 }), "contact_id"},
			{with(func(in *convo.NewConversation) { in.Channel = "" }), "channel"},
			{with(func(in *convo.NewConversation) { in.Channel = "Not A Token" }), "channel"},
			{with(func(in *convo.NewConversation) { in.HappenedAt = time.Time{} }), "happened_at"},
			{with(func(in *convo.NewConversation) { in.HappenedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), "happened_at"},
			{with(func(in *convo.NewConversation) { in.Status = "closed" }), "status"},
			{with(func(in *convo.NewConversation) { in.Priority = "critical" }), "priority"},
			{with(func(in *convo.NewConversation) { in.Labels = []string{""} }), "labels"},
			{with(func(in *convo.NewConversation) { in.Labels = []string{strings.Repeat("l", 65)} }), "labels"},
			{with(func(in *convo.NewConversation) { in.SnoozedUntil = fixedTime.Add(time.Hour) }), "snoozed_until"},
			{with(func(in *convo.NewConversation) { in.InboxID = -3 }), "inbox_id"},
		} {
			_, err := s.CreateConversation(ctx, 1, tc.in)
			wantInvalid(t, err, tc.field)
		}
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Statuses: store.AllStatuses})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 0) // nothing written
	})

	t.Run("AddMessage/BadInput", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		yes := true
		cases := []struct {
			in    convo.NewMessage
			field string
		}{
			{convo.NewMessage{Type: convo.MessageIncoming}, "content"},
			{convo.NewMessage{Content: "x"}, "message_type"},
			{convo.NewMessage{Content: "x", Type: "shout"}, "message_type"},
			{convo.NewMessage{Content: "x", Type: convo.MessageIncoming, WrittenByMe: &yes}, "written_by_me"},
			{convo.NewMessage{Content: strings.Repeat("x", convo.MaxContentLength+1), Type: convo.MessageIncoming}, "content"},
			{convo.NewMessage{Content: "x", Type: convo.MessageIncoming, ContentType: "html"}, "content_type"},
			{convo.NewMessage{Content: "x", Type: convo.MessageIncoming, Status: "lost"}, "status"},
			{convo.NewMessage{Content: "x", Type: convo.MessageIncoming, SenderType: "robot"}, "sender_type"},
			{convo.NewMessage{Content: "x", Type: convo.MessageOutgoing, SenderType: convo.SenderUser}, "author_id"},
			{convo.NewMessage{Content: "x", Type: convo.MessageIncoming, SenderType: convo.SenderContact, AuthorID: uuid.New()}, "author_id"},
			{convo.NewMessage{Content: "x", Type: convo.MessageIncoming, WrittenAt: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)}, "written_at"},
			{convo.NewMessage{Type: convo.MessageIncoming, Attachments: []convo.Attachment{{FileType: "image"}}}, "attachments.url"},
			{convo.NewMessage{Content: "x", Type: convo.MessageIncoming, SourceID: "a\x00b"}, "source_id"},
		}
		for _, bad := range badText {
			cases = append(cases, struct {
				in    convo.NewMessage
				field string
			}{convo.NewMessage{Content: bad, Type: convo.MessageIncoming}, "content"})
		}
		for _, tc := range cases {
			_, err := s.AddMessage(ctx, 1, conv.ID, tc.in)
			wantInvalid(t, err, tc.field)
		}
		is.Equal(countMessages(t, s, 1, conv.ID), 0) // nothing written
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got.MessagesCount, int64(0)) // no counter moved
	})

	t.Run("Paging/BadInput", func(t *testing.T) {
		s, _, conv := seeded(t, newStore)
		for _, tc := range []struct {
			p     store.Paging
			field string
		}{
			{store.PageNumber(1, 0), "per_page"},
			{store.PageNumber(1, -1), "per_page"},
			{store.PageNumber(1, store.MaxPerPage+1), "per_page"},
			{store.PageNumber(0, 15), "page"},
			{store.PageNumber(-1, 15), "page"},
			{store.PageNumber(1<<62, 15), "page"},
			{store.After("", 0), "per_page"},
			{store.After("%%%not base64", 10), "cursor"},
			{store.After("eyJsIjoxfQ", 10), "cursor"},
		} {
			_, err := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{Page: tc.p})
			wantInvalid(t, err, tc.field)
			_, err = s.ListConversations(ctx, 1, store.ConversationFilter{Page: tc.p})
			wantInvalid(t, err, tc.field)
			_, err = s.ListContacts(ctx, 1, store.ContactFilter{Page: tc.p})
			wantInvalid(t, err, tc.field)
		}
		_, err := s.ListMessages(ctx, 1, conv.ID, store.MessageFilter{Order: store.MessageOrder(7)})
		wantInvalid(t, err, "order")
	})

	t.Run("UpdateContact/BadInput", func(t *testing.T) {
		is := is.New(t)
		s, c, _ := seeded(t, newStore)
		for _, bad := range badText {
			_, err := s.UpdateContact(ctx, 1, c.ID, convo.ContactUpdate{LastName: &bad})
			wantInvalid(t, err, "last_name")
		}
		got, err := s.GetContact(ctx, 1, c.ID)
		is.NoErr(err)
		is.Equal(got.LastName, "Doe") // nothing written
	})

	t.Run("UpdateMessage/BadInput", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		m := mustAddMessage(t, s, 1, conv.ID, text("fine"))
		for _, bad := range badText {
			_, err := s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &bad})
			wantInvalid(t, err, "content")
		}
		typ := convo.MessageType("shout")
		_, err := s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Type: &typ})
		wantInvalid(t, err, "message_type")
		got, err := s.GetMessage(ctx, 1, m.ID)
		is.NoErr(err)
		is.Equal(got.Content, "fine") // nothing written
	})
}
