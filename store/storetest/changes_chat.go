package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// msgUpdated is the MessageUpdated entry of message m naming fs.
func msgUpdated(m convo.Message, fs ...string) entry {
	return entry{Kind: store.MessageUpdated, Conversation: m.ConversationID, Message: m.ID, Fields: fs}
}

// msgDeleted is the MessageDeleted entry of message m.
func msgDeleted(m convo.Message) entry {
	return entry{Kind: store.MessageDeleted, Conversation: m.ConversationID, Message: m.ID}
}

// testChangeRecordsChat checks what replies, reactions, edits, tombstones
// and purges record: each of their lines of store.Change's doc comment.
func testChangeRecordsChat(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	add := func(t *testing.T, f *feedFixture, in convo.NewMessage) convo.Message {
		t.Helper()
		return mustAddMessage(t, f.s, 1, f.conv.ID, in)
	}
	agent := convo.UserActor(uuid.New())

	cases := []struct {
		name string
		run  func(t *testing.T, f *feedFixture)
	}{
		{"AddMessage/Reply", func(t *testing.T, f *feedFixture) {
			parent := add(t, f, text("parent"))
			var r convo.Message
			got := f.during(t, func() { r = add(t, f, replyTo(parent.ID, "reply")) })
			want(t, got, created(r), msgUpdated(parent, "last_reply_at", "reply_count"))
			p := msgOf(t, got[1])
			is := is.New(t)
			is.Equal(p.ReplyCount, 1) // the parent as it is now
			is.Equal(p.UpdatedAt, parent.UpdatedAt)
			got = f.during(t, func() { r = add(t, f, replyTo(parent.ID, "another")) })
			want(t, got, created(r), msgUpdated(parent, "last_reply_at", "reply_count"))
		}},
		{"AddMessage/ReplyThatReopens", func(t *testing.T, f *feedFixture) {
			parent := add(t, f, text("parent"))
			if _, err := f.s.ChangeStatus(ctx, 1, f.conv.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true}); err != nil {
				t.Fatal(err)
			}
			in := replyTo(parent.ID, "one more thing")
			in.Type = convo.MessageIncoming
			var r convo.Message
			got := f.during(t, func() { r = add(t, f, in) })
			want(t, got, created(r), convUpdated(f.conv, "status"), msgUpdated(parent, "last_reply_at", "reply_count"))
		}},
		{"AddMessage/ReplyBySourceID", func(t *testing.T, f *feedFixture) {
			parent := add(t, f, convo.NewMessage{Type: convo.MessageIncoming, Content: "quoted", SourceID: "wamid.q"})
			in := text("quoting")
			in.ReplyToSourceID = "wamid.q"
			var r convo.Message
			got := f.during(t, func() { r = add(t, f, in) })
			want(t, got, created(r), msgUpdated(parent, "last_reply_at", "reply_count"))
			in.ReplyToSourceID = "wamid.unknown"
			got = f.during(t, func() { r = add(t, f, in) })
			want(t, got, created(r)) // not a reply
		}},
		{"AddMessage/RepeatedReplyRecordsNothing", func(t *testing.T, f *feedFixture) {
			parent := add(t, f, text("parent"))
			in := replyTo(parent.ID, "once")
			in.SourceID = "wamid.r"
			add(t, f, in)
			got := f.during(t, func() { add(t, f, in) })
			want(t, got)
		}},
		{"AddMessages/Replies", func(t *testing.T, f *feedFixture) {
			parent := add(t, f, text("parent"))
			other := add(t, f, text("other"))
			var ms []convo.Message
			got := f.during(t, func() {
				var err error
				ms, err = f.s.AddMessages(ctx, 1, []store.MessageTo{
					{ConversationID: f.conv.ID, Message: replyTo(parent.ID, "one")},
					{ConversationID: f.conv.ID, Message: text("plain")},
					{ConversationID: f.conv.ID, Message: replyTo(parent.ID, "two")},
					{ConversationID: f.conv.ID, Message: replyTo(other.ID, "three")},
				})
				is.New(t).NoErr(err)
			})
			// The parent's second update is folded into its first: one change per record.
			want(t, got, created(ms[0]), msgUpdated(parent, "last_reply_at", "reply_count"), created(ms[1]), created(ms[2]),
				created(ms[3]), msgUpdated(other, "last_reply_at", "reply_count"))
			is.New(t).Equal(msgOf(t, got[1]).ReplyCount, 2)
		}},
		{"UpdateMessage/Edit", func(t *testing.T, f *feedFixture) {
			m := add(t, f, text("typo"))
			var up convo.Message
			got := f.during(t, func() {
				var err error
				up, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: new("fixed"), EditedBy: &agent})
				is.New(t).NoErr(err)
			})
			want(t, got, msgUpdated(m, "content", "edit_count", "edited_at"))
			is.New(t).Equal(msgOf(t, got[0]), up)
			got = f.during(t, func() {
				_, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: new("fixed"), EditedBy: &agent})
				is.New(t).NoErr(err)
			})
			want(t, got) // the same content: no edit
		}},
		{"UpdateMessage/ExternalError", func(t *testing.T, f *feedFixture) {
			m := add(t, f, convo.NewMessage{Type: convo.MessageOutgoing, Content: "out", AuthorID: agent.UserID})
			failed, delivered := convo.StatusFailed, convo.StatusDelivered
			got := f.during(t, func() {
				_, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &failed, ExternalError: new("timeout")})
				is.New(t).NoErr(err)
			})
			want(t, got, msgUpdated(m, "external_error", "status"))
			got = f.during(t, func() {
				_, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &delivered})
				is.New(t).NoErr(err)
			})
			want(t, got, msgUpdated(m, "external_error", "status")) // cleared as the status moved on
		}},
		{"DeleteMessage", func(t *testing.T, f *feedFixture) {
			m := add(t, f, convo.NewMessage{Type: convo.MessageOutgoing, Content: "all of it", AuthorID: agent.UserID,
				Status: convo.StatusFailed, ExternalError: "timeout", ContentAttributes: convo.Attributes{"a": 1.0},
				Attachments:          []convo.Attachment{{FileType: "file", URL: "https://example.com/f"}},
				AdditionalAttributes: convo.Attributes{"b": 2.0}, ExternalSourceIDs: map[string]string{"slack": "S"}})
			if _, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: new("all of it, edited")}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.AddReaction(ctx, 1, m.ID, agent, "👍"); err != nil {
				t.Fatal(err)
			}
			add(t, f, replyTo(m.ID, "a reply stays"))
			var tomb convo.Message
			got := f.during(t, func() {
				_, err := f.s.DeleteMessage(ctx, 1, m.ID)
				is.New(t).NoErr(err)
				tomb, err = f.s.GetMessage(ctx, 1, m.ID)
				is.New(t).NoErr(err)
			})
			want(t, got, msgUpdated(m, "additional_attributes", "attachments", "content", "content_attributes", "deleted_at",
				"edit_count", "edited_at", "external_error", "reactions"))
			is.New(t).Equal(msgOf(t, got[0]), tomb) // the tombstone
			got = f.during(t, func() {
				id, err := f.s.DeleteMessage(ctx, 1, m.ID)
				is.New(t).NoErr(err)
				is.New(t).Equal(id, m.ID)
			})
			want(t, got) // deleting a tombstone records nothing
		}},
		{"UpdateMessage/Tombstone", func(t *testing.T, f *feedFixture) {
			m := add(t, f, convo.NewMessage{Type: convo.MessageOutgoing, Content: "gone", AuthorID: agent.UserID})
			if _, err := f.s.DeleteMessage(ctx, 1, m.ID); err != nil {
				t.Fatal(err)
			}
			failed := convo.StatusFailed
			got := f.during(t, func() {
				_, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &failed, ExternalError: new("late")})
				is.New(t).NoErr(err)
			})
			want(t, got, msgUpdated(m, "external_error", "status"))
		}},
		{"PurgeMessage/Parent", func(t *testing.T, f *feedFixture) {
			grand := add(t, f, text("grandparent"))
			parent := add(t, f, replyTo(grand.ID, "parent"))
			r1 := add(t, f, replyTo(parent.ID, "one"))
			r2 := add(t, f, replyTo(parent.ID, "two"))
			got := f.during(t, func() {
				_, err := f.s.PurgeMessage(ctx, 1, parent.ID)
				is.New(t).NoErr(err)
			})
			// Its replies by id, itself, then its own parent, which loses its only reply.
			want(t, got, msgUpdated(r1, "reply_to_id"), msgUpdated(r2, "reply_to_id"), msgDeleted(parent),
				msgUpdated(grand, "last_reply_at", "reply_count"))
			is := is.New(t)
			is.Equal(msgOf(t, got[0]).ReplyToID, int64(0))
			is.Equal(msgOf(t, got[3]).ReplyCount, 0)
		}},
		{"PurgeMessage/OlderReply", func(t *testing.T, f *feedFixture) {
			parent := add(t, f, text("parent"))
			f.clock.Advance(time.Second)
			older := add(t, f, replyTo(parent.ID, "older"))
			f.clock.Advance(time.Second)
			add(t, f, replyTo(parent.ID, "newer"))
			got := f.during(t, func() {
				_, err := f.s.PurgeMessage(ctx, 1, older.ID)
				is.New(t).NoErr(err)
			})
			want(t, got, msgDeleted(older), msgUpdated(parent, "reply_count")) // the last reply time did not move
		}},
		{"PurgeMessage/Tombstone", func(t *testing.T, f *feedFixture) {
			m := add(t, f, text("gone, then erased"))
			if _, err := f.s.DeleteMessage(ctx, 1, m.ID); err != nil {
				t.Fatal(err)
			}
			got := f.during(t, func() {
				_, err := f.s.PurgeMessage(ctx, 1, m.ID)
				is.New(t).NoErr(err)
			})
			want(t, got, msgDeleted(m))
		}},
		{"AddReaction/RemoveReaction", func(t *testing.T, f *feedFixture) {
			m := add(t, f, text("react"))
			var up convo.Message
			got := f.during(t, func() {
				var err error
				up, err = f.s.AddReaction(ctx, 1, m.ID, agent, "👍")
				is.New(t).NoErr(err)
			})
			want(t, got, msgUpdated(m, "reactions"))
			is.New(t).Equal(msgOf(t, got[0]), up)
			got = f.during(t, func() {
				_, err := f.s.AddReaction(ctx, 1, m.ID, agent, "👍")
				is.New(t).NoErr(err)
			})
			want(t, got) // already there: nothing
			got = f.during(t, func() {
				_, err := f.s.AddReaction(ctx, 1, m.ID, convo.ContactActor(), "👍")
				is.New(t).NoErr(err)
			})
			want(t, got, msgUpdated(m, "reactions")) // a count moved
			got = f.during(t, func() {
				_, err := f.s.RemoveReaction(ctx, 1, m.ID, agent, "👍")
				is.New(t).NoErr(err)
			})
			want(t, got, msgUpdated(m, "reactions"))
			got = f.during(t, func() {
				_, err := f.s.RemoveReaction(ctx, 1, m.ID, agent, "👍")
				is.New(t).NoErr(err)
			})
			want(t, got) // not there: nothing
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newFeed(t, newStore)) })
	}

	// Failed calls of the new methods record nothing.
	isInvalid := func(err error) bool { return errors.Is(err, convo.ErrInvalid) }
	failures := []struct {
		name string
		call func(f *feedFixture, m, tomb, elsewhere convo.Message) error
		is   func(error) bool
	}{
		{"AddMessage/ReplyElsewhere", func(f *feedFixture, _, _, elsewhere convo.Message) error {
			_, err := f.s.AddMessage(ctx, 1, f.conv.ID, replyTo(elsewhere.ID, "x"))
			return err
		}, isInvalid},
		{"UpdateMessage/TombstoneContent", func(f *feedFixture, _, tomb, _ convo.Message) error {
			_, err := f.s.UpdateMessage(ctx, 1, tomb.ID, convo.MessageUpdate{Content: new("back")})
			return err
		}, isInvalid},
		{"AddReaction/Tombstone", func(f *feedFixture, _, tomb, _ convo.Message) error {
			_, err := f.s.AddReaction(ctx, 1, tomb.ID, agent, "👍")
			return err
		}, isInvalid},
		{"AddReaction/System", func(f *feedFixture, m, _, _ convo.Message) error {
			_, err := f.s.AddReaction(ctx, 1, m.ID, convo.SystemActor(), "👍")
			return err
		}, isInvalid},
		{"RemoveReaction/NotFound", func(f *feedFixture, m, _, _ convo.Message) error {
			_, err := f.s.RemoveReaction(ctx, 1, m.ID+1000, agent, "👍")
			return err
		}, isNotFound},
		{"PurgeMessage/NotFound", func(f *feedFixture, m, _, _ convo.Message) error {
			_, err := f.s.PurgeMessage(ctx, 1, m.ID+1000)
			return err
		}, isNotFound},
	}
	for _, tc := range failures {
		t.Run("Failed/"+tc.name, func(t *testing.T) {
			is := is.New(t)
			f := newFeed(t, newStore)
			m := add(t, f, text("live"))
			if _, err := f.s.AddReaction(ctx, 1, m.ID, agent, "👍"); err != nil {
				t.Fatal(err)
			}
			tomb := add(t, f, text("tomb"))
			if _, err := f.s.DeleteMessage(ctx, 1, tomb.ID); err != nil {
				t.Fatal(err)
			}
			other := mustCreateConversation(t, f.s, 1, f.contact.ID)
			elsewhere := mustAddMessage(t, f.s, 1, other.ID, text("elsewhere"))
			before := head(t, f.s, 1)
			if err := tc.call(f, m, tomb, elsewhere); !tc.is(err) {
				t.Fatalf("the call returned %v", err)
			}
			is.Equal(len(readAll(t, f.s, 1, before, store.ChangeFilter{})), 0) // nothing recorded
		})
	}
}
