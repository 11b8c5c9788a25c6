package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// foreignCall calls one Store method from account 2 with account 1's ids.
type foreignCall func(s store.Store, ids tenantIDs) error

type tenantIDs struct {
	contact, conversation, message int64
}

// tenantSourceID is the source id of the seeded message, which
// GetMessageBySourceID asks for.
const tenantSourceID = "wamid.tenant"

// foreignCalls has an entry for every Store method that takes an id. A
// method added to the Store without an entry here fails TestTenancy.
var foreignCalls = map[string]foreignCall{
	"GetContact": func(s store.Store, id tenantIDs) error {
		_, err := s.GetContact(context.Background(), 2, id.contact)
		return err
	},
	"UpdateContact": func(s store.Store, id tenantIDs) error {
		name := "Mallory"
		_, err := s.UpdateContact(context.Background(), 2, id.contact, convo.ContactUpdate{FirstName: &name})
		return err
	},
	"DeleteContact": func(s store.Store, id tenantIDs) error {
		if err := s.DeleteContact(context.Background(), 2, id.contact, store.DeleteContactOptions{}); err == nil {
			return err
		}
		return s.DeleteContact(context.Background(), 2, id.contact, store.DeleteContactOptions{Cascade: true})
	},
	"MergeContacts": func(s store.Store, id tenantIDs) error {
		// Account 2's contact (made after id.contact) taking account 1's, then the other way.
		if _, err := s.MergeContacts(context.Background(), 2, id.contact+1, id.contact); !isNotFound(err) {
			return err
		}
		_, err := s.MergeContacts(context.Background(), 2, id.contact, id.contact+1)
		return err
	},
	"MergeConversations": func(s store.Store, id tenantIDs) error {
		// Account 2's conversation (made after id.conversation) taking account 1's, then the other way.
		if _, err := s.MergeConversations(context.Background(), 2, id.conversation+1, id.conversation); !isNotFound(err) {
			return err
		}
		_, err := s.MergeConversations(context.Background(), 2, id.conversation, id.conversation+1)
		return err
	},
	"ListConversations": func(s store.Store, id tenantIDs) error {
		_, err := s.ListConversations(context.Background(), 2, store.ConversationFilter{ContactID: id.contact})
		return err
	},
	"CountConversations": func(s store.Store, id tenantIDs) error {
		_, err := s.CountConversations(context.Background(), 2, store.ConversationFilter{ContactID: id.contact})
		return err
	},
	"CreateConversation": func(s store.Store, id tenantIDs) error {
		_, err := s.CreateConversation(context.Background(), 2, convo.NewConversation{ContactID: id.contact, Channel: convo.ChannelSMS, HappenedAt: fixedTime})
		return err
	},
	"GetConversation": func(s store.Store, id tenantIDs) error {
		_, err := s.GetConversation(context.Background(), 2, id.conversation, store.GetConversationOptions{Messages: store.AllMessages})
		return err
	},
	"UpdateConversation": func(s store.Store, id tenantIDs) error {
		muted := true
		_, err := s.UpdateConversation(context.Background(), 2, id.conversation, convo.ConversationUpdate{Muted: &muted})
		return err
	},
	"DeleteConversation": func(s store.Store, id tenantIDs) error {
		_, err := s.DeleteConversation(context.Background(), 2, id.conversation)
		return err
	},
	"ChangeStatus": func(s store.Store, id tenantIDs) error {
		_, err := s.ChangeStatus(context.Background(), 2, id.conversation, convo.StatusChange{Status: convo.StatusResolved})
		return err
	},
	"Assign": func(s store.Store, id tenantIDs) error {
		_, err := s.Assign(context.Background(), 2, id.conversation, convo.Assignment{AssigneeID: uuid.New()})
		return err
	},
	"ChangeLabels": func(s store.Store, id tenantIDs) error {
		_, err := s.ChangeLabels(context.Background(), 2, id.conversation, convo.LabelChange{Add: []string{"x"}})
		return err
	},
	"MarkRead": func(s store.Store, id tenantIDs) error {
		_, err := s.MarkRead(context.Background(), 2, id.conversation, uuid.New())
		return err
	},
	"MarkUnread": func(s store.Store, id tenantIDs) error {
		_, err := s.MarkUnread(context.Background(), 2, id.conversation)
		return err
	},
	"AddMessage": func(s store.Store, id tenantIDs) error {
		_, err := s.AddMessage(context.Background(), 2, id.conversation, text("intrusion"))
		return err
	},
	"AddMessages": func(s store.Store, id tenantIDs) error {
		_, err := s.AddMessages(context.Background(), 2, []store.MessageTo{{ConversationID: id.conversation, Message: text("intrusion")}})
		return err
	},
	"GetMessage": func(s store.Store, id tenantIDs) error {
		_, err := s.GetMessage(context.Background(), 2, id.message)
		return err
	},
	"MarkReceipt": func(s store.Store, id tenantIDs) error {
		_, err := s.MarkReceipt(context.Background(), 2, id.conversation, convo.StatusRead, time.Now())
		return err
	},
	"GetMessageBySourceID": func(s store.Store, _ tenantIDs) error {
		_, err := s.GetMessageBySourceID(context.Background(), 2, tenantSourceID)
		return err
	},
	"UpdateMessage": func(s store.Store, id tenantIDs) error {
		content := "changed"
		_, err := s.UpdateMessage(context.Background(), 2, id.message, convo.MessageUpdate{Content: &content})
		return err
	},
	"DeleteMessage": func(s store.Store, id tenantIDs) error {
		_, err := s.DeleteMessage(context.Background(), 2, id.message)
		return err
	},
	"ListMessages": func(s store.Store, id tenantIDs) error {
		_, err := s.ListMessages(context.Background(), 2, id.conversation, store.MessageFilter{})
		return err
	},
	"PurgeMessage": func(s store.Store, id tenantIDs) error {
		_, err := s.PurgeMessage(context.Background(), 2, id.message)
		return err
	},
	"ListReplies": func(s store.Store, id tenantIDs) error {
		_, err := s.ListReplies(context.Background(), 2, id.message, store.MessageFilter{})
		return err
	},
	"ListMessageVersions": func(s store.Store, id tenantIDs) error {
		_, err := s.ListMessageVersions(context.Background(), 2, id.message)
		return err
	},
	"AddReaction": func(s store.Store, id tenantIDs) error {
		_, err := s.AddReaction(context.Background(), 2, id.message, convo.ContactActor(), "👍")
		return err
	},
	"RemoveReaction": func(s store.Store, id tenantIDs) error {
		// The seeded message carries this reaction: removing it would write.
		_, err := s.RemoveReaction(context.Background(), 2, id.message, convo.UserActor(tenantUser), "👀")
		return err
	},
	"ListReactions": func(s store.Store, id tenantIDs) error {
		_, err := s.ListReactions(context.Background(), 2, id.message, store.ReactionFilter{})
		return err
	},
	"Import": func(s store.Store, id tenantIDs) error {
		// A message for account 1's conversation, imported into account 2.
		m := convo.Message{ID: id.message + 1000, ConversationID: id.conversation, Seq: 99,
			Type: convo.MessageIncoming, Content: "intrusion", CreatedAt: fixedTime}
		_, err := s.Import(context.Background(), 2, func(yield func(store.Record, error) bool) {
			yield(store.Record{Message: &m}, nil)
		}, store.ImportOptions{})
		return err
	},
	"AddParticipants": func(s store.Store, id tenantIDs) error {
		_, err := s.AddParticipants(context.Background(), 2, id.conversation, convo.ParticipantChange{UserIDs: []uuid.UUID{uuid.New()}})
		return err
	},
	"RemoveParticipants": func(s store.Store, id tenantIDs) error {
		_, err := s.RemoveParticipants(context.Background(), 2, id.conversation, convo.ParticipantChange{AudienceIDs: []int64{tenantAudience}})
		return err
	},
	"MarkSeen": func(s store.Store, id tenantIDs) error {
		_, err := s.MarkSeen(context.Background(), 2, id.conversation, convo.Viewer{UserID: tenantUser}, id.message)
		return err
	},
	"MarkUnseen": func(s store.Store, id tenantIDs) error {
		_, err := s.MarkUnseen(context.Background(), 2, id.conversation, convo.Viewer{UserID: tenantUser}, id.message)
		return err
	},
	"SearchMessages": func(s store.Store, id tenantIDs) error {
		if _, err := s.SearchMessages(context.Background(), 2, store.MessageSearch{Query: "secret", ConversationID: id.conversation}); !isNotFound(err) {
			return err
		}
		_, err := s.SearchMessages(context.Background(), 2, store.MessageSearch{Query: "secret", ContactID: id.contact})
		return err
	},
}

// The participant user and audience of account 1's conversation in the
// tenancy tests.
var (
	tenantUser     = uuid.MustParse("6f1c1b0e-5d7a-4c1e-9a53-3f0b8f4f2a10")
	tenantAudience = int64(5)
)

// accountWide are the methods that take no id of a record: they are checked
// by what they list, not by ErrNotFound.
// Export is checked by Exchange/Export/OnlyTheAccount, the change feed's
// methods by Changes/Filters/Accounts and Changes/Consumers/AckedChanges,
// the saved views' (which take a name) by Views/Tenancy.
var accountWide = map[string]bool{"CreateContact": true, "ListContacts": true, "CountUnread": true, "CountUnseen": true, "Close": true, "Export": true,
	"Changes": true, "WaitChanges": true, "AckChanges": true, "AckedChanges": true, "DropConsumer": true,
	"SaveView": true, "GetView": true, "ListViews": true, "DeleteView": true}

func testTenancy(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("EveryMethodIsCovered", func(t *testing.T) {
		typ := reflect.TypeOf((*store.Store)(nil)).Elem()
		for i := range typ.NumMethod() {
			name := typ.Method(i).Name
			if _, ok := foreignCalls[name]; !ok && !accountWide[name] {
				t.Errorf("Store.%s has no tenancy check: add it to foreignCalls", name)
			}
		}
	})

	for name, call := range foreignCalls {
		t.Run(name+"/OtherAccountIsNotFound", func(t *testing.T) {
			is := is.New(t)
			s := newStore(t, fixed)
			agent := uuid.New()
			c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Alice", Email: "alice@example.com"})
			conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail,
				HappenedAt: fixedTime, AssigneeID: agent, Labels: []string{"keep"},
				UserIDs: []uuid.UUID{tenantUser}, AudienceIDs: []int64{tenantAudience}})
			is.NoErr(err)
			secret := text("secret")
			secret.SourceID = tenantSourceID
			m := mustAddMessage(t, s, 1, conv.ID, secret)
			// A reply, an edit and a reaction, so that a leak of any would show.
			mustAddMessage(t, s, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "thread", ReplyToID: m.ID})
			edited := "secret, edited"
			_, err = s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &edited})
			is.NoErr(err)
			_, err = s.AddReaction(ctx, 1, m.ID, convo.UserActor(tenantUser), "👀")
			is.NoErr(err)
			// Account 2 has records of its own, so a leak would have somewhere to go.
			c2 := mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Mallory"})
			mustCreateConversation(t, s, 2, c2.ID)

			before := snapshot(t, s, c.ID, conv.ID, m.ID)
			err = call(s, tenantIDs{contact: c.ID, conversation: conv.ID, message: m.ID})
			is.True(isNotFound(err))                              // indistinguishable from a missing record
			is.Equal(snapshot(t, s, c.ID, conv.ID, m.ID), before) // account 1 is unchanged
		})
	}

	t.Run("Lists/NeverShowAnotherAccount", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		agent := uuid.New()
		c := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Alice"})
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: fixedTime,
			AssigneeID: agent, UserIDs: []uuid.UUID{tenantUser}, AudienceIDs: []int64{tenantAudience}})
		is.NoErr(err)
		mustAddMessage(t, s, 1, conv.ID, text("unread"))
		contacts, err := s.ListContacts(ctx, 2, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(len(contacts.Items), 0)
		convs, err := s.ListConversations(ctx, 2, store.ConversationFilter{Statuses: store.AllStatuses})
		is.NoErr(err)
		is.Equal(len(convs.Items), 0)
		counts, err := s.CountConversations(ctx, 2, store.ConversationFilter{Agent: agent})
		is.NoErr(err)
		is.Equal(counts, store.Counts{})
		n, err := s.CountUnread(ctx, 2, agent)
		is.NoErr(err)
		is.Equal(n, 0)
		viewer := convo.Viewer{UserID: tenantUser, AudienceIDs: []int64{tenantAudience}}
		n, err = s.CountUnseen(ctx, 2, viewer)
		is.NoErr(err)
		is.Equal(n, 0) // account 1's unseen message is not counted in account 2
		convs, err = s.ListConversations(ctx, 2, store.ConversationFilter{Statuses: store.AllStatuses, Viewer: &viewer})
		is.NoErr(err)
		is.Equal(len(convs.Items), 0) // nor listed for the same viewer
		n, err = s.CountUnseen(ctx, 1, viewer)
		is.NoErr(err)
		is.Equal(n, 1) // while account 1 counts it
	})
}

// tenantState is what account 1 holds, as read back.
type tenantState struct {
	Contact      convo.Contact
	Conversation convo.Conversation
	Message      convo.Message
	Versions     []convo.MessageVersion
	Reactions    []convo.Reaction
	Replies      []convo.Message
}

func snapshot(t *testing.T, s store.Store, contactID, convID, msgID int64) tenantState {
	t.Helper()
	ctx := context.Background()
	c, err := s.GetContact(ctx, 1, contactID)
	if err != nil {
		t.Fatalf("snapshot contact: %v", err)
	}
	conv, err := s.GetConversation(ctx, 1, convID, store.GetConversationOptions{Messages: store.AllMessages})
	if err != nil {
		t.Fatalf("snapshot conversation: %v", err)
	}
	m, err := s.GetMessage(ctx, 1, msgID)
	if err != nil {
		t.Fatalf("snapshot message: %v", err)
	}
	conv.CanReply = false // derived from the clock, not stored
	_ = time.Now
	versions, err := s.ListMessageVersions(ctx, 1, msgID)
	if err != nil {
		t.Fatalf("snapshot versions: %v", err)
	}
	reactions, err := s.ListReactions(ctx, 1, msgID, store.ReactionFilter{})
	if err != nil {
		t.Fatalf("snapshot reactions: %v", err)
	}
	replies, err := s.ListReplies(ctx, 1, msgID, store.MessageFilter{})
	if err != nil {
		t.Fatalf("snapshot replies: %v", err)
	}
	return tenantState{Contact: c, Conversation: conv, Message: m, Versions: versions, Reactions: reactions.Items, Replies: replies.Items}
}
