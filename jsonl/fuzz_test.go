package jsonl_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// Fuzz targets (the seed corpora run with the normal tests):
//
//	go test ./jsonl -run '^$' -fuzz FuzzImport -fuzztime 5m

var fuzzNow = time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)

// openFuzzStore opens a fresh in-memory store, closed when the test ends.
func openFuzzStore(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(":memory:", sqlite.Options{Now: func() time.Time { return fuzzNow }})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// fuzzExport is the export of a small account with a record of each kind:
// contacts, conversations (labels, participants, audiences, a snooze),
// messages of several types and read states.
func fuzzExport(f *testing.F) []byte {
	ctx := context.Background()
	s := openFuzzStore(f)
	must := func(err error) {
		f.Helper()
		if err != nil {
			f.Fatal(err)
		}
	}
	ada, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada", Email: "ada@example.com", Identifier: "crm-1",
		CustomAttributes: convo.Attributes{"plan": "pro", "seats": 3.0}})
	must(err)
	reader, author := uuid.MustParse("5d0c7a3e-9b8f-4e21-8c6d-2f4a1b3c5d7e"), uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelEmail,
		HappenedAt: fuzzNow, Labels: []string{"billing"}, AuthorID: author, UserIDs: []uuid.UUID{reader}, AudienceIDs: []int64{7},
		Priority: convo.PriorityHigh, AdditionalAttributes: convo.Attributes{"browser": "firefox"}})
	must(err)
	hello, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Hello", SourceID: "wamid.1",
		Attachments: []convo.Attachment{{FileType: "image", URL: "https://example.com/a.png", Size: 42}}})
	must(err)
	_, err = s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageOutgoing, Content: "On it", AuthorID: author, Private: true})
	must(err)
	_, err = s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Thanks"})
	must(err)
	_, err = s.MarkSeen(ctx, 1, conv.ID, convo.Viewer{UserID: reader}, hello.ID)
	must(err)
	snoozed, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelWeb, HappenedAt: fuzzNow})
	must(err)
	_, err = s.ChangeStatus(ctx, 1, snoozed.ID, convo.StatusChange{Status: convo.StatusSnoozed, SnoozedUntil: fuzzNow.Add(time.Hour)})
	must(err)
	var b bytes.Buffer
	must(jsonl.Export(ctx, &b, s, 1))
	return b.Bytes()
}

// importErrors are the errors the contract names for Import.
var importErrors = []error{convo.ErrInvalid, convo.ErrConflict, convo.ErrNotFound}

// FuzzImport imports any JSON Lines file into a fresh store: it returns
// nil or one of the errors the contract names (never a raw driver error,
// never a panic), writes nothing when it fails, and never stops another
// account's writes.
func FuzzImport(f *testing.F) {
	export := fuzzExport(f)
	f.Add(export)
	lines := strings.Split(strings.TrimSuffix(string(export), "\n"), "\n")
	head := lines[0] + "\n"
	for _, line := range lines[1:] { // each kind of record alone
		f.Add([]byte(head + line + "\n"))
	}
	for _, n := range []int64{math.MaxInt64, store.MaxImportedID, store.MaxImportedID + 1, -1} {
		f.Add([]byte(head + fmt.Sprintf(`{"type":"contact","id":%d,"first_name":"Ada","created_at":"2026-01-01T00:00:00Z"}`, n) + "\n"))
		f.Add([]byte(strings.Replace(string(export), `"last_seq":3`, fmt.Sprintf(`"last_seq":%d`, n), 1)))
	}
	f.Add([]byte(""))
	f.Add([]byte(head))
	f.Add([]byte(head + "{}\n"))
	f.Add([]byte(head + `{"type":"message","id":1,"conversation_id":1,"seq":1}` + "\n"))
	f.Add([]byte(export[:len(export)/2]))
	f.Add([]byte(head + `{"type":"contact","id":1,"first_name":"\u0000\udfff","custom_attributes":{"a":[[[[{}]]]]}}` + "\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s := openFuzzStore(t)
		before := exportOf(t, s, 1)
		_, err := jsonl.Import(ctx, bytes.NewReader(data), s, 1, store.ImportOptions{})
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("import did not finish in 30s")
		}
		if err != nil {
			if !matchesAny(err, importErrors) {
				t.Fatalf("import: %v (%T), want nil or one of %v", err, err, importErrors)
			}
			if after := exportOf(t, s, 1); after != before {
				t.Fatalf("a failed import wrote to the account:\n%s", after)
			}
		} else {
			exportOf(t, s, 1) // what was imported reads back
			appendToAll(t, ctx, s, 1)
		}
		for _, account := range []int64{2, 1} {
			if err := writeSome(ctx, s, account); err != nil {
				t.Fatalf("account %d cannot write after the import: %v", account, err)
			}
		}
	})
}

// exportOf is the account's export; an error fails the test.
func exportOf(t *testing.T, s store.Store, account int64) string {
	t.Helper()
	var b strings.Builder
	if err := jsonl.Export(context.Background(), &b, s, account); err != nil {
		t.Fatalf("export of account %d: %v", account, err)
	}
	return b.String()
}

// appendToAll appends a message to each conversation of the account: its
// sequence goes on from its last_seq.
func appendToAll(t *testing.T, ctx context.Context, s store.Store, account int64) {
	t.Helper()
	var convs []convo.Conversation // listed first: an append moves a conversation in the list
	for c, err := range store.Conversations(ctx, s, account, store.ConversationFilter{Statuses: store.AllStatuses}) {
		if err != nil {
			t.Fatalf("list conversations: %v", err)
		}
		convs = append(convs, c)
	}
	for _, c := range convs {
		m, err := s.AddMessage(ctx, account, c.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "next"})
		if err != nil {
			t.Fatalf("append to imported conversation %d: %v", c.ID, err)
		}
		if m.Seq != c.LastSeq+1 || m.Seq < 1 {
			t.Fatalf("append to imported conversation %d (last_seq %d): seq %d", c.ID, c.LastSeq, m.Seq)
		}
	}
}

// writeSome creates a contact and a conversation in the account and
// appends a message.
func writeSome(ctx context.Context, s store.Store, account int64) error {
	c, err := s.CreateContact(ctx, account, convo.NewContact{Nickname: "after"})
	if err != nil {
		return err
	}
	conv, err := s.CreateConversation(ctx, account, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelSMS, HappenedAt: fuzzNow})
	if err != nil {
		return err
	}
	m, err := s.AddMessage(ctx, account, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "after"})
	if err == nil && (m.ID < 1 || m.Seq != 1) {
		err = fmt.Errorf("appended message %d with seq %d", m.ID, m.Seq)
	}
	return err
}

func matchesAny(err error, targets []error) bool {
	for _, target := range targets {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
