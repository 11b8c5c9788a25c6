package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
)

// testDelivery checks a message's external error: why its channel failed
// to deliver it, kept only while its status is failed.
func testDelivery(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	failed, sent, delivered, read := convo.StatusFailed, convo.StatusSent, convo.StatusDelivered, convo.StatusRead
	outgoing := func(status convo.MessageStatus, why string) convo.NewMessage {
		return convo.NewMessage{Type: convo.MessageOutgoing, Content: "out", AuthorID: chatUser, Status: status, ExternalError: why}
	}

	t.Run("OnlyWithFailed", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, outgoing(failed, "131047: re-engagement required"))
		is.Equal(m.ExternalError, "131047: re-engagement required")
		is.Equal(f.get(t, m.ID), m)                                // stored as returned
		is.Equal(f.add(t, outgoing(failed, "")).ExternalError, "") // a failure need not say why
		for _, st := range []convo.MessageStatus{sent, delivered, read, ""} {
			_, err := f.s.AddMessage(ctx, 1, f.conv.ID, outgoing(st, "why"))
			wantCode(t, err, "external_error", convo.CodeMismatch)
		}
		for name, bad := range map[string]string{
			"TooLong": strings.Repeat("x", convo.MaxErrorLength+1), "InvalidUTF8": "bad \xff", "NUL": "a\x00b",
		} {
			_, err := f.s.AddMessage(ctx, 1, f.conv.ID, outgoing(failed, bad))
			if err == nil {
				t.Fatalf("%s: no error", name)
			}
			wantInvalid(t, err, "external_error")
		}
		is.Equal(f.add(t, outgoing(failed, strings.Repeat("x", convo.MaxErrorLength))).ExternalError,
			strings.Repeat("x", convo.MaxErrorLength)) // the longest
		is.Equal(countMessages(t, f.s, 1, f.conv.ID), 3) // nothing else written
	})

	t.Run("SetByUpdate", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, outgoing(sent, ""))
		why := "131026: undeliverable"
		_, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{ExternalError: &why})
		wantCode(t, err, "external_error", convo.CodeMismatch) // the message is not failed
		got, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &failed, ExternalError: &why})
		is.NoErr(err)
		is.Equal(got.Status, failed)
		is.Equal(got.ExternalError, why)
		is.Equal(f.get(t, m.ID), got)
		other := "131049: not delivered"
		got, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{ExternalError: &other})
		is.NoErr(err) // a failed message's reason may change
		is.Equal(got.ExternalError, other)
		empty := ""
		got, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{ExternalError: &empty})
		is.NoErr(err)
		is.Equal(got.ExternalError, "") // or be cleared
	})

	t.Run("ClearedWhenTheStatusMovesOn", func(t *testing.T) {
		is := is.New(t)
		f := newChat(t, newStore)
		m := f.add(t, outgoing(failed, "timeout"))
		got, err := f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &failed})
		is.NoErr(err)
		is.Equal(got.ExternalError, "timeout") // still failed: kept
		content := "out, retried"
		got, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &content})
		is.NoErr(err)
		is.Equal(got.ExternalError, "timeout") // other fields leave it
		got, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &delivered})
		is.NoErr(err) // a retried send was delivered
		is.Equal(got.ExternalError, "")
		is.Equal(f.get(t, m.ID), got)
		why := "again"
		_, err = f.s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Status: &read, ExternalError: &why})
		wantCode(t, err, "external_error", convo.CodeMismatch) // a status that moves on takes none
		is.Equal(f.get(t, m.ID), got)

		// MarkReceipt leaves failed messages alone, and their errors with them.
		n := f.add(t, outgoing(failed, "kept"))
		_, err = f.s.MarkReceipt(ctx, 1, f.conv.ID, read, f.clock.Now())
		is.NoErr(err)
		is.Equal(f.get(t, n.ID).ExternalError, "kept")
	})
}
