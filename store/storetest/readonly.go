package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// readMethods are the Store methods that only read: on a read-only store
// they work. Every other method writes and must be convo.ErrReadOnly. A new
// method that only reads belongs here.
var readMethods = map[string]bool{
	"GetContact": true, "ListContacts": true,
	"GetConversation": true, "ListConversations": true, "CountConversations": true, "CountUnread": true,
	"GetMessage": true, "GetMessageBySourceID": true, "ListMessages": true, "SearchMessages": true,
	"CountUnseen": true, "Export": true,
	"ListReplies": true, "ListMessageVersions": true, "ListReactions": true,
	"Changes": true, "WaitChanges": true, "AckedChanges": true,
	"GetView": true, "ListViews": true,
}

// accountCalls call, from account 2, the methods that take no record id
// (foreignCalls has the others).
var accountCalls = map[string]foreignCall{
	"CreateContact": func(s store.Store, _ tenantIDs) error {
		_, err := s.CreateContact(context.Background(), 2, convo.NewContact{FirstName: "New"})
		return err
	},
	"ListContacts": func(s store.Store, _ tenantIDs) error {
		_, err := s.ListContacts(context.Background(), 2, store.ContactFilter{})
		return err
	},
	"CountUnread": func(s store.Store, _ tenantIDs) error {
		_, err := s.CountUnread(context.Background(), 2, uuid.New())
		return err
	},
	"CountUnseen": func(s store.Store, _ tenantIDs) error {
		_, err := s.CountUnseen(context.Background(), 2, convo.Viewer{UserID: uuid.New()})
		return err
	},
	"Export": func(s store.Store, _ tenantIDs) error {
		return s.Export(context.Background(), 2, func(store.Record) error { return nil })
	},
	"Changes": func(s store.Store, _ tenantIDs) error {
		_, err := s.Changes(context.Background(), 2, 0, store.ChangeFilter{})
		return err
	},
	"WaitChanges": func(s store.Store, _ tenantIDs) error {
		// The seed's changes are after 0: it returns at once.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return s.WaitChanges(ctx, 2, 0)
	},
	"AckChanges": func(s store.Store, _ tenantIDs) error {
		return s.AckChanges(context.Background(), 2, "reader", 0)
	},
	"AckedChanges": func(s store.Store, _ tenantIDs) error {
		_, err := s.AckedChanges(context.Background(), 2, "reader")
		return err
	},
	"DropConsumer": func(s store.Store, _ tenantIDs) error {
		// The seed created the consumer: dropping it would write.
		return s.DropConsumer(context.Background(), 2, "reader")
	},
	"SaveView": func(s store.Store, _ tenantIDs) error {
		_, err := s.SaveView(context.Background(), 2, store.View{Name: "new view", Conditions: readOnlyViewConditions})
		return err
	},
	"GetView": func(s store.Store, _ tenantIDs) error {
		v, err := s.GetView(context.Background(), 2, readOnlyView)
		if err == nil && v.Name != readOnlyView {
			return fmt.Errorf("GetView: got %q", v.Name)
		}
		return err
	},
	"ListViews": func(s store.Store, _ tenantIDs) error {
		views, err := s.ListViews(context.Background(), 2)
		if err == nil && (len(views) != 1 || views[0].Name != readOnlyView) {
			return fmt.Errorf("ListViews: got %d views", len(views))
		}
		return err
	},
	"DeleteView": func(s store.Store, _ tenantIDs) error {
		// The seed saved the view: deleting it would write.
		return s.DeleteView(context.Background(), 2, readOnlyView)
	},
}

// readOnlyView is the view the read-only store's seed saves.
const readOnlyView = "reader view"

var readOnlyViewConditions = []store.Condition{{Attribute: "inbox_id", Operator: store.OpIsNotPresent}}

// testReadOnly calls every Store method of a read-only store with ids of
// records of the calling account: reads work, writes are ErrReadOnly.
func testReadOnly(t *testing.T, cfg config) {
	if cfg.readOnly == nil {
		t.Skip("the backend gave no read-only stores (storetest.WithReadOnly)")
	}
	var ids tenantIDs
	s := cfg.readOnly(t, func(s store.Store) {
		// The records belong to account 2, the account foreignCalls call from.
		c, err := s.CreateContact(context.Background(), 2, convo.NewContact{FirstName: "Reader", Email: "reader@example.com"})
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		conv, err := s.CreateConversation(context.Background(), 2, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: fixedTime})
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		kept := text("kept")
		kept.SourceID = tenantSourceID
		m, err := s.AddMessage(context.Background(), 2, conv.ID, kept)
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		// The reaction RemoveReaction's call would remove.
		if _, err := s.AddReaction(context.Background(), 2, m.ID, convo.UserActor(tenantUser), "👀"); err != nil {
			t.Fatalf("seed: %v", err)
		}
		if err := s.AckChanges(context.Background(), 2, "reader", 0); err != nil {
			t.Fatalf("seed: %v", err)
		}
		if _, err := s.SaveView(context.Background(), 2, store.View{Name: readOnlyView, Conditions: readOnlyViewConditions}); err != nil {
			t.Fatalf("seed: %v", err)
		}
		ids = tenantIDs{contact: c.ID, conversation: conv.ID, message: m.ID}
	})

	typ := reflect.TypeOf((*store.Store)(nil)).Elem()
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if name == "Close" {
			continue
		}
		call, ok := foreignCalls[name]
		if !ok {
			call, ok = accountCalls[name]
		}
		t.Run(name, func(t *testing.T) {
			if !ok {
				t.Fatalf("Store.%s has no call: add it to foreignCalls, or to accountCalls if it takes no record id", name)
			}
			is := is.New(t)
			err := call(s, ids)
			if readMethods[name] {
				is.NoErr(err) // reads work
				return
			}
			is.True(errors.Is(err, convo.ErrReadOnly)) // every write is refused by name
		})
	}
	t.Run("DataIsIntact", func(t *testing.T) {
		is := is.New(t)
		got, err := s.GetConversation(context.Background(), 2, ids.conversation, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)
		is.Equal(len(got.Messages), 1)            // nothing added
		is.Equal(got.Messages[0].Content, "kept") // nothing changed
		is.Equal(got.Status, convo.StatusOpen)
		is.Equal(got.MessagesCount, int64(1))
		is.Equal(got.Messages[0].Reactions, map[string]int{"👀": 1}) // no reaction added or removed
		is.Equal(got.Messages[0].DeletedAt, time.Time{})            // not deleted
		hits, err := s.SearchMessages(context.Background(), 2, store.MessageSearch{Query: "kept"})
		is.NoErr(err)
		is.Equal(len(hits.Items), 1) // a search finds what the writer wrote
		page, err := s.ListConversations(context.Background(), 2, store.ConversationFilter{View: readOnlyView})
		is.NoErr(err)
		is.Equal(len(page.Items), 1) // a saved view lists
		views, err := s.ListViews(context.Background(), 2)
		is.NoErr(err)
		is.Equal(len(views), 1) // no view saved or deleted
	})
}
