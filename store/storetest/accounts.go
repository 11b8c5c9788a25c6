package storetest

import (
	"context"
	"iter"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// testAccountIDs checks that every call refuses an account id that is not
// positive, naming account_id, and writes nothing: a forgotten id must not
// become an account of its own.
func testAccountIDs(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	viewer := convo.Viewer{UserID: uuid.New()}
	calls := map[string]func(s store.Store, account, conv, contact, msg int64) error{
		"CreateContact": func(s store.Store, a, _, _, _ int64) error {
			_, err := s.CreateContact(ctx, a, convo.NewContact{FirstName: "Ada"})
			return err
		},
		"GetContact": func(s store.Store, a, _, c, _ int64) error { _, err := s.GetContact(ctx, a, c); return err },
		"UpdateContact": func(s store.Store, a, _, c, _ int64) error {
			name := "Grace"
			_, err := s.UpdateContact(ctx, a, c, convo.ContactUpdate{FirstName: &name})
			return err
		},
		"DeleteContact": func(s store.Store, a, _, c, _ int64) error {
			return s.DeleteContact(ctx, a, c, store.DeleteContactOptions{Cascade: true})
		},
		"ListContacts": func(s store.Store, a, _, _, _ int64) error {
			_, err := s.ListContacts(ctx, a, store.ContactFilter{})
			return err
		},
		"MergeContacts": func(s store.Store, a, _, c, _ int64) error {
			_, err := s.MergeContacts(ctx, a, c, c+1)
			return err
		},
		"CreateConversation": func(s store.Store, a, _, c, _ int64) error {
			_, err := s.CreateConversation(ctx, a, convo.NewConversation{ContactID: c, Channel: convo.ChannelEmail, HappenedAt: fixedTime})
			return err
		},
		"GetConversation": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.GetConversation(ctx, a, v, store.GetConversationOptions{})
			return err
		},
		"UpdateConversation": func(s store.Store, a, v, _, _ int64) error {
			p := convo.PriorityHigh
			_, err := s.UpdateConversation(ctx, a, v, convo.ConversationUpdate{Priority: &p})
			return err
		},
		"DeleteConversation": func(s store.Store, a, v, _, _ int64) error { _, err := s.DeleteConversation(ctx, a, v); return err },
		"MergeConversations": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.MergeConversations(ctx, a, v, v+1)
			return err
		},
		"ListConversations": func(s store.Store, a, _, _, _ int64) error {
			_, err := s.ListConversations(ctx, a, store.ConversationFilter{})
			return err
		},
		"CountConversations": func(s store.Store, a, _, _, _ int64) error {
			_, err := s.CountConversations(ctx, a, store.ConversationFilter{})
			return err
		},
		"CountUnread": func(s store.Store, a, _, _, _ int64) error {
			_, err := s.CountUnread(ctx, a, viewer.UserID)
			return err
		},
		"ChangeStatus": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.ChangeStatus(ctx, a, v, convo.StatusChange{Status: convo.StatusResolved})
			return err
		},
		"Assign": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.Assign(ctx, a, v, convo.Assignment{AssigneeID: viewer.UserID})
			return err
		},
		"ChangeLabels": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.ChangeLabels(ctx, a, v, convo.LabelChange{Add: []string{"billing"}})
			return err
		},
		"MarkRead": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.MarkRead(ctx, a, v, viewer.UserID)
			return err
		},
		"MarkUnread": func(s store.Store, a, v, _, _ int64) error { _, err := s.MarkUnread(ctx, a, v); return err },
		"AddMessage": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.AddMessage(ctx, a, v, text("hello"))
			return err
		},
		"AddMessages": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.AddMessages(ctx, a, []store.MessageTo{{ConversationID: v, Message: text("hello")}})
			return err
		},
		"GetMessage": func(s store.Store, a, _, _, m int64) error { _, err := s.GetMessage(ctx, a, m); return err },
		"MarkReceipt": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.MarkReceipt(ctx, a, v, convo.StatusRead, time.Now())
			return err
		},
		"GetMessageBySourceID": func(s store.Store, a, _, _, _ int64) error {
			_, err := s.GetMessageBySourceID(ctx, a, "wamid.1")
			return err
		},
		"UpdateMessage": func(s store.Store, a, _, _, m int64) error {
			content := "edited"
			_, err := s.UpdateMessage(ctx, a, m, convo.MessageUpdate{Content: &content})
			return err
		},
		"DeleteMessage": func(s store.Store, a, _, _, m int64) error { _, err := s.DeleteMessage(ctx, a, m); return err },
		"PurgeMessage":  func(s store.Store, a, _, _, m int64) error { _, err := s.PurgeMessage(ctx, a, m); return err },
		"ListReplies": func(s store.Store, a, _, _, m int64) error {
			_, err := s.ListReplies(ctx, a, m, store.MessageFilter{})
			return err
		},
		"ListMessageVersions": func(s store.Store, a, _, _, m int64) error {
			_, err := s.ListMessageVersions(ctx, a, m)
			return err
		},
		"AddReaction": func(s store.Store, a, _, _, m int64) error {
			_, err := s.AddReaction(ctx, a, m, convo.UserActor(viewer.UserID), "👍")
			return err
		},
		"RemoveReaction": func(s store.Store, a, _, _, m int64) error {
			_, err := s.RemoveReaction(ctx, a, m, convo.UserActor(viewer.UserID), "👍")
			return err
		},
		"ListReactions": func(s store.Store, a, _, _, m int64) error {
			_, err := s.ListReactions(ctx, a, m, store.ReactionFilter{})
			return err
		},
		"ListMessages": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.ListMessages(ctx, a, v, store.MessageFilter{})
			return err
		},
		"SearchMessages": func(s store.Store, a, _, _, _ int64) error {
			_, err := s.SearchMessages(ctx, a, store.MessageSearch{Query: "hello"})
			return err
		},
		"AddParticipants": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.AddParticipants(ctx, a, v, convo.ParticipantChange{UserIDs: []uuid.UUID{viewer.UserID}})
			return err
		},
		"RemoveParticipants": func(s store.Store, a, v, _, _ int64) error {
			_, err := s.RemoveParticipants(ctx, a, v, convo.ParticipantChange{UserIDs: []uuid.UUID{viewer.UserID}})
			return err
		},
		"MarkSeen":    func(s store.Store, a, v, _, m int64) error { _, err := s.MarkSeen(ctx, a, v, viewer, m); return err },
		"MarkUnseen":  func(s store.Store, a, v, _, m int64) error { _, err := s.MarkUnseen(ctx, a, v, viewer, m); return err },
		"CountUnseen": func(s store.Store, a, _, _, _ int64) error { _, err := s.CountUnseen(ctx, a, viewer); return err },
		"SaveView": func(s store.Store, a, _, _, _ int64) error {
			_, err := s.SaveView(ctx, a, store.View{Name: "Open", Conditions: []store.Condition{
				{Attribute: "status", Operator: store.OpEqualTo, Values: []string{"open"}}}})
			return err
		},
		"GetView":    func(s store.Store, a, _, _, _ int64) error { _, err := s.GetView(ctx, a, "Open"); return err },
		"ListViews":  func(s store.Store, a, _, _, _ int64) error { _, err := s.ListViews(ctx, a); return err },
		"DeleteView": func(s store.Store, a, _, _, _ int64) error { return s.DeleteView(ctx, a, "Open") },
		"Export": func(s store.Store, a, _, _, _ int64) error {
			return s.Export(ctx, a, func(store.Record) error { return nil })
		},
		"Import": func(s store.Store, a, _, _, _ int64) error {
			_, err := s.Import(ctx, a, iter.Seq2[store.Record, error](func(func(store.Record, error) bool) {}), store.ImportOptions{})
			return err
		},
	}
	t.Run("EveryMethodIsCovered", func(t *testing.T) {
		// The change feed's methods are checked by Changes/Filters and
		// Changes/Consumers.
		elsewhere := map[string]bool{"Close": true, "Changes": true, "WaitChanges": true,
			"AckChanges": true, "AckedChanges": true, "DropConsumer": true}
		typ := reflect.TypeOf((*store.Store)(nil)).Elem()
		for i := range typ.NumMethod() {
			name := typ.Method(i).Name
			if _, ok := calls[name]; !ok && !elsewhere[name] {
				t.Errorf("Store.%s has no account id check: add it to testAccountIDs", name)
			}
		}
	})
	for name, call := range calls {
		t.Run(name+"/AccountNotPositive", func(t *testing.T) {
			is := is.New(t)
			s, contact, conv := seeded(t, newStore)
			msg := mustAddMessage(t, s, 1, conv.ID, text("hello"))
			for _, account := range []int64{0, -1} {
				wantInvalid(t, call(s, account, conv.ID, contact.ID, msg.ID), "account_id")
			}
			// Nothing was written, and account 1 is as it was.
			got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
			is.NoErr(err)
			is.Equal(got.MessagesCount, int64(1))
			is.Equal(got.Status, convo.StatusOpen)
			contacts, err := s.ListContacts(ctx, 1, store.ContactFilter{})
			is.NoErr(err)
			is.Equal(len(contacts.Items), 1)
		})
	}
}
