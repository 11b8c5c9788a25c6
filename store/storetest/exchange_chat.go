package storetest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/jsonl"
	"github.com/convokit/convo/store"
)

// threadsHead is a file with a contact, a conversation and three
// messages (lines 1 to 5); threadsFixture adds a reply, a tombstone
// replying too, reactions and versions (lines 6 to 12).
const threadsHead = `{"type":"convo-export","version":1,"account_id":1}
{"type":"contact","id":1,"first_name":"Ada","created_at":"2026-01-01T00:00:00Z"}
{"type":"conversation","id":1,"uuid":"6f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b21","contact_id":1,"channel":"whatsapp","happened_at":"2026-01-01T00:00:00Z"}
{"type":"message","id":1,"conversation_id":1,"seq":1,"message_type":"incoming","content":"Hello","created_at":"2026-01-02T10:00:00Z"}
{"type":"conversation","id":2,"uuid":"6f1c1b9e-8a4e-4a57-9a43-3f0d6c1c2b22","contact_id":1,"channel":"email","happened_at":"2026-01-01T00:00:00Z"}
`

const threadsFixture = threadsHead +
	`{"type":"message","id":2,"conversation_id":1,"seq":2,"message_type":"outgoing","content":"Hi, edited twice","author_id":"11111111-1111-4111-8111-111111111111","reply_to_id":1,"created_at":"2026-01-02T11:00:00Z","updated_at":"2026-01-02T13:00:00Z"}
{"type":"message","id":3,"conversation_id":1,"seq":3,"message_type":"incoming","reply_to_id":1,"created_at":"2026-01-02T12:00:00Z","updated_at":"2026-01-02T14:00:00Z","deleted_at":"2026-01-02T14:00:00Z"}
{"type":"message","id":4,"conversation_id":1,"seq":4,"message_type":"outgoing","content":"Failed","author_id":"11111111-1111-4111-8111-111111111111","status":"failed","external_error":"131047","created_at":"2026-01-02T12:30:00Z"}
{"type":"reaction","message_id":1,"reaction":"👍","by":{"type":"user","user_id":"11111111-1111-4111-8111-111111111111"},"created_at":"2026-01-02T11:30:00Z"}
{"type":"reaction","message_id":1,"reaction":"👍","by":{"type":"contact"},"created_at":"2026-01-02T11:31:00Z"}
{"type":"message_version","message_id":2,"version":1,"content":"Hi","edited_at":"2026-01-02T12:00:00Z","edited_by":{"type":"user","user_id":"11111111-1111-4111-8111-111111111111"}}
{"type":"message_version","message_id":2,"version":2,"content":"Hi, edited","edited_at":"2026-01-02T13:00:00Z","edited_by":{"type":"system"}}
`

// withLine is the file head followed by lines.
func withLine(lines ...string) string { return threadsHead + strings.Join(lines, "\n") + "\n" }

func testExchangeChat(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	user := convo.UserActor(uuid.MustParse("11111111-1111-4111-8111-111111111111"))

	t.Run("Import/Threads", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		stats, err := jsonl.Import(ctx, strings.NewReader(threadsFixture), s, 1, store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Contacts: 1, Conversations: 2, Messages: 4, Reactions: 2, Versions: 2})
		get := func(id int64) convo.Message {
			m, err := s.GetMessage(ctx, 1, id)
			is.NoErr(err)
			return m
		}
		parent := get(1)
		is.Equal(parent.ReplyCount, 2)                           // derived from its replies, the tombstone too
		is.Equal(parent.LastReplyAt, at("2026-01-02T12:00:00Z")) // the newest reply's creation
		is.Equal(parent.Reactions, map[string]int{"👍": 2})       // derived from its reactions
		edited := get(2)
		is.Equal(edited.ReplyToID, int64(1))
		is.Equal(edited.EditCount, 2)                         // derived from its versions
		is.Equal(edited.EditedAt, at("2026-01-02T13:00:00Z")) // the last one's
		tomb := get(3)
		is.True(tomb.Deleted())
		is.Equal(tomb.ReplyToID, int64(1))
		is.Equal(get(4).ExternalError, "131047")
		versions, err := s.ListMessageVersions(ctx, 1, 2)
		is.NoErr(err)
		is.Equal(versions, []convo.MessageVersion{
			{MessageID: 2, Version: 1, Content: "Hi", EditedAt: at("2026-01-02T12:00:00Z"), EditedBy: user},
			{MessageID: 2, Version: 2, Content: "Hi, edited", EditedAt: at("2026-01-02T13:00:00Z"), EditedBy: convo.SystemActor()},
		})
		reactions, err := s.ListReactions(ctx, 1, 1, store.ReactionFilter{})
		is.NoErr(err)
		is.Equal(reactions.Items, []convo.Reaction{
			{MessageID: 1, Reaction: "👍", By: user, CreatedAt: at("2026-01-02T11:30:00Z")},
			{MessageID: 1, Reaction: "👍", By: convo.ContactActor(), CreatedAt: at("2026-01-02T11:31:00Z")},
		})
		conv, err := s.GetConversation(ctx, 1, 1, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(conv.MessagesCount, int64(4)) // the tombstone counts
		is.Equal(conv.UnreadCount, int64(1))   // but is not unread
		is.Equal(conv.LastNonActivityMessage.ID, int64(4))
		replies, err := s.ListReplies(ctx, 1, 1, store.MessageFilter{})
		is.NoErr(err)
		is.Equal(ids(replies.Items), []int64{2, 3})

		before := exportBytes(t, s, 1)
		stats, err = jsonl.Import(ctx, strings.NewReader(threadsFixture), s, 1, store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Unchanged: 11})      // every record found as it is
		is.Equal(string(exportBytes(t, s, 1)), string(before)) // nothing written
		dst := newStore(t, fixed)
		_, err = jsonl.Import(ctx, bytes.NewReader(before), dst, 1, store.ImportOptions{})
		is.NoErr(err)
		is.Equal(string(exportBytes(t, dst, 1)), string(before)) // its export round-trips exactly
	})

	t.Run("Import/DerivedFieldsAreRecounted", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		var records []store.Record
		rd, err := jsonl.NewReader(strings.NewReader(threadsFixture))
		is.NoErr(err)
		for r, err := range rd.Records() {
			is.NoErr(err)
			if r.Message != nil && r.Message.ID == 1 {
				m := *r.Message
				m.ReplyCount, m.LastReplyAt = 99, fixedTime
				m.Reactions, m.OwnReactions = map[string]int{"🦄": 7}, []string{"🦄"}
				m.EditCount, m.EditedAt = 5, fixedTime
				r.Message = &m
			}
			records = append(records, r)
		}
		_, err = s.Import(ctx, 1, recordsOf(records), store.ImportOptions{})
		is.NoErr(err)
		m, err := s.GetMessage(ctx, 1, 1)
		is.NoErr(err)
		is.Equal(m.ReplyCount, 2) // recounted, whatever the record said
		is.Equal(m.LastReplyAt, at("2026-01-02T12:00:00Z"))
		is.Equal(m.Reactions, map[string]int{"👍": 2})
		is.Equal(m.EditCount, 0)
		is.True(m.EditedAt.IsZero())
	})

	t.Run("Export/Order", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		_, err := jsonl.Import(ctx, strings.NewReader(threadsFixture), s, 1, store.ImportOptions{})
		is.NoErr(err)
		// More reactions, added out of order: bytewise by reaction, then as added.
		for _, r := range []struct {
			id       int64
			by       convo.Actor
			reaction string
		}{{2, user, "👍"}, {1, user, "Zed"}, {1, convo.ContactActor(), "Zed"}, {1, user, ":+1:"}, {1, user, "a"}} {
			_, err := s.AddReaction(ctx, 1, r.id, r.by, r.reaction)
			is.NoErr(err)
		}
		content := "Hello, edited"
		_, err = s.UpdateMessage(ctx, 1, 1, convo.MessageUpdate{Content: &content})
		is.NoErr(err)
		var kinds []string
		type key struct {
			msg  int64
			text string
			by   convo.Actor
		}
		var reactions []key
		var versions [][2]int64
		is.NoErr(s.Export(ctx, 1, func(r store.Record) error {
			if k := r.Kind(); len(kinds) == 0 || kinds[len(kinds)-1] != k {
				kinds = append(kinds, k)
			}
			switch {
			case r.Reaction != nil:
				reactions = append(reactions, key{r.Reaction.MessageID, r.Reaction.Reaction, r.Reaction.By})
			case r.Version != nil:
				versions = append(versions, [2]int64{r.Version.MessageID, int64(r.Version.Version)})
			}
			return nil
		}))
		// The read state is the author's, whose horizon their messages moved.
		is.Equal(kinds, []string{store.KindContact, store.KindConversation, store.KindMessage, store.KindReaction, store.KindVersion, store.KindReadState})
		is.Equal(reactions, []key{{1, ":+1:", user}, {1, "Zed", user}, {1, "Zed", convo.ContactActor()}, {1, "a", user},
			{1, "👍", user}, {1, "👍", convo.ContactActor()}, {2, "👍", user}})
		is.Equal(versions, [][2]int64{{1, 1}, {2, 1}, {2, 2}})
	})

	t.Run("Import/NewIDs", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		// The account's own rows hold the ids the file carries.
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Own"})
		own := mustCreateConversation(t, s, 1, c.ID)
		for range 4 {
			mustAddMessage(t, s, 1, own.ID, text("mine"))
		}
		_, err := jsonl.Import(ctx, strings.NewReader(threadsFixture), s, 1, store.ImportOptions{})
		is.True(isConflict(err)) // keeping ids, they clash
		stats, err := jsonl.Import(ctx, strings.NewReader(threadsFixture), s, 1, store.ImportOptions{NewIDs: true})
		is.NoErr(err)
		is.Equal([]int{stats.Messages, stats.Reactions, stats.Versions}, []int{4, 2, 2})
		p, r, tomb := stats.MessageIDs[1], stats.MessageIDs[2], stats.MessageIDs[3]
		is.True(p != 1 && r != 2) // new ids
		reply, err := s.GetMessage(ctx, 1, r)
		is.NoErr(err)
		is.Equal(reply.ReplyToID, p) // the reference followed
		is.Equal(reply.EditCount, 2)
		parent, err := s.GetMessage(ctx, 1, p)
		is.NoErr(err)
		is.Equal(parent.ReplyCount, 2)
		is.Equal(parent.Reactions, map[string]int{"👍": 2}) // the reactions followed
		versions, err := s.ListMessageVersions(ctx, 1, r)
		is.NoErr(err)
		is.Equal(len(versions), 2) // and the versions
		is.Equal(versions[0].MessageID, r)
		replies, err := s.ListReplies(ctx, 1, p, store.MessageFilter{})
		is.NoErr(err)
		is.Equal(ids(replies.Items), []int64{r, tomb})
		for id := int64(1); id <= 4; id++ {
			m, err := s.GetMessage(ctx, 1, id)
			is.NoErr(err)
			is.Equal(m.Content, "mine") // the account's rows are as they were
			is.Equal(m.ReplyCount, 0)
			is.Equal(m.Reactions, map[string]int(nil))
		}
	})

	t.Run("Import/Errors", func(t *testing.T) {
		const (
			reply     = `{"type":"message","id":2,"conversation_id":1,"seq":2,"message_type":"incoming","content":"re","reply_to_id":%d}`
			tombstone = `{"type":"message","id":2,"conversation_id":1,"seq":2,"message_type":"incoming","deleted_at":"2026-01-03T00:00:00Z"}`
			reaction  = `{"type":"reaction","message_id":%d,"reaction":"👍","by":{"type":"contact"}}`
			version   = `{"type":"message_version","message_id":%d,"version":%d,"content":"old","edited_at":"2026-01-03T00:00:00Z","edited_by":{"type":"contact"}}`
		)
		elsewhere := `{"type":"message","id":5,"conversation_id":2,"seq":1,"message_type":"incoming","content":"other"}`
		for name, tc := range map[string]struct {
			file  string
			is    func(error) bool
			field string // for ErrInvalid
			line  int
		}{
			"ReplyToUnknown":        {withLine(fmt.Sprintf(reply, 9)), isNotFound, "", 6},
			"ReplyToLater":          {withLine(fmt.Sprintf(reply, 3), `{"type":"message","id":3,"conversation_id":1,"seq":3,"message_type":"incoming","content":"later"}`), isNotFound, "", 6},
			"ReplyToOtherConv":      {withLine(elsewhere, fmt.Sprintf(reply, 5)), nil, "messages.reply_to_id", 7},
			"ReactionOfUnknown":     {withLine(fmt.Sprintf(reaction, 9)), isNotFound, "", 6},
			"VersionOfUnknown":      {withLine(fmt.Sprintf(version, 9, 1)), isNotFound, "", 6},
			"VersionGap":            {withLine(fmt.Sprintf(version, 1, 1), fmt.Sprintf(version, 1, 3)), nil, "message_versions.version", 7},
			"VersionNotFirst":       {withLine(fmt.Sprintf(version, 1, 2)), nil, "message_versions.version", 6},
			"VersionTwice":          {withLine(fmt.Sprintf(version, 1, 1), strings.Replace(fmt.Sprintf(version, 1, 1), `"old"`, `"older"`, 1)), isConflict, "", 7},
			"ReactionTwice":         {withLine(fmt.Sprintf(reaction, 1), strings.Replace(fmt.Sprintf(reaction, 1), `}}`, `},"created_at":"2020-01-01T00:00:00Z"}`, 1)), isConflict, "", 7},
			"ReactionOnTombstone":   {withLine(tombstone, fmt.Sprintf(reaction, 2)), nil, "reactions.message_id", 7},
			"VersionOnTombstone":    {withLine(tombstone, fmt.Sprintf(version, 2, 1)), nil, "message_versions.message_id", 7},
			"TombstoneWithContent":  {withLine(strings.Replace(tombstone, `"incoming",`, `"incoming","content":"x",`, 1)), nil, "messages.deleted_at", 6},
			"ErrorWithoutFailure":   {withLine(`{"type":"message","id":2,"conversation_id":1,"seq":2,"message_type":"incoming","content":"x","external_error":"e"}`), nil, "messages.external_error", 6},
			"BadReaction":           {withLine(strings.Replace(fmt.Sprintf(reaction, 1), "👍", "a b", 1)), nil, "reactions.reaction", 6},
			"SystemReacts":          {withLine(strings.Replace(fmt.Sprintf(reaction, 1), "contact", "system", 1)), nil, "reactions.by.type", 6},
			"ReactionUnknownField":  {withLine(strings.Replace(fmt.Sprintf(reaction, 1), `"type":"reaction",`, `"type":"reaction","count":2,`, 1)), nil, "reactions", 6},
			"VersionUnknownField":   {withLine(strings.Replace(fmt.Sprintf(version, 1, 1), `"version":1,`, `"version":1,"author":"x",`, 1)), nil, "message_versions", 6},
			"VersionBadEditor":      {withLine(strings.Replace(fmt.Sprintf(version, 1, 1), `{"type":"contact"}`, `{"type":"user"}`, 1)), nil, "message_versions.edited_by.user_id", 6},
			"VersionBeyondMaxEdits": {withLine(fmt.Sprintf(version, 1, convo.MaxEdits+1)), nil, "message_versions.version", 6},
			"ReplyToIDNegative":     {withLine(fmt.Sprintf(reply, -1)), nil, "messages.reply_to_id", 6},
		} {
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				s := newStore(t, fixed)
				_, err := jsonl.Import(ctx, strings.NewReader(tc.file), s, 1, store.ImportOptions{})
				if tc.is != nil {
					if !tc.is(err) {
						t.Fatalf("got %v", err)
					}
					is.True(strings.Contains(err.Error(), fmt.Sprintf("line %d", tc.line))) // named by its line
				} else {
					wantInvalid(t, err, fmt.Sprintf("line %d: %s", tc.line, tc.field))
				}
				is.Equal(string(exportBytes(t, s, 1)), `{"type":"convo-export","version":1,"account_id":1}`+"\n") // nothing written
			})
		}
	})

	t.Run("Import/IntoAccountWithThreads", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		_, err := jsonl.Import(ctx, strings.NewReader(threadsHead), s, 1, store.ImportOptions{})
		is.NoErr(err)
		// A later file refers to message 1, already in the account.
		more := threadsHead + `{"type":"message","id":2,"conversation_id":1,"seq":2,"message_type":"incoming","content":"re","reply_to_id":1}
{"type":"reaction","message_id":1,"reaction":"👍","by":{"type":"contact"}}
{"type":"message_version","message_id":1,"version":1,"content":"Helo","edited_at":"2026-01-02T10:30:00Z","edited_by":{"type":"contact"}}
`
		stats, err := jsonl.Import(ctx, strings.NewReader(more), s, 1, store.ImportOptions{})
		is.NoErr(err)
		is.Equal(stats, store.ImportStats{Messages: 1, Reactions: 1, Versions: 1, Unchanged: 4})
		m, err := s.GetMessage(ctx, 1, 1)
		is.NoErr(err)
		is.Equal([]int{m.ReplyCount, m.Reactions["👍"], m.EditCount}, []int{1, 1, 1}) // recounted
		is.Equal(m.Content, "Hello")                                                 // a version does not change the content
	})
}
