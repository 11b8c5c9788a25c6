package store_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// List a custom view: the conversations of enterprise customers that
// waited more than a day, saved under a name and listed by it with its
// counts.
func ExampleStore_SaveView() {
	ctx := context.Background()
	s, _ := sqlite.Open(":memory:", sqlite.Options{})
	defer s.Close()
	ada, _ := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	for _, plan := range []string{"enterprise", "free", "Enterprise"} {
		c, _ := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: ada.ID, Channel: convo.ChannelEmail,
			HappenedAt: time.Now(), CustomAttributes: convo.Attributes{"plan": plan}})
		s.AddMessage(ctx, 1, c.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Hello?", WrittenAt: time.Now().Add(-48 * time.Hour)})
	}

	_, err := s.SaveView(ctx, 1, store.View{Name: "Enterprise, waiting", Conditions: []store.Condition{
		{Attribute: "custom_attributes.plan", Operator: store.OpEqualTo, Values: []string{"enterprise"}},
		{Attribute: "waiting_since", Operator: store.OpIsPresent},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	page, _ := s.ListConversations(ctx, 1, store.ConversationFilter{View: "Enterprise, waiting"})
	for _, c := range page.Items {
		fmt.Println(c.ID, c.CustomAttributes["plan"])
	}
	counts, _ := s.CountConversations(ctx, 1, store.ConversationFilter{View: "Enterprise, waiting"})
	fmt.Println("all:", counts.All, "unassigned:", counts.Unassigned)
	// Output:
	// 3 Enterprise
	// 1 enterprise
	// all: 2 unassigned: 2
}

// Read a condition list in the JSON form of Chatwoot's conversation filter
// API. A bad condition is a validation error naming the attribute and the
// operator.
func ExampleParseConditions() {
	list, err := store.ParseConditions([]byte(`{"payload": [
		{"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"], "query_operator": "and"},
		{"attribute_key": "plan", "custom_attribute_type": "conversation_attribute",
		 "filter_operator": "is_present", "values": []}]}`))
	fmt.Println(list, err)

	_, err = store.ParseConditions([]byte(`[{"attribute_key": "status", "filter_operator": "contains", "values": ["op"]}]`))
	var invalid *convo.ValidationError
	if errors.As(err, &invalid) {
		fe := invalid.Errors[0]
		fmt.Println(fe.Field, fe.Code, fe.Message)
	}
	// Output:
	// [{status equal_to [open] false} {custom_attributes.plan is_present [] false}] <nil>
	// payload[0].filter_operator not_allowed operator "contains" is not allowed for attribute "status"
}
