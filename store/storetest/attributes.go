package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// nested returns attributes whose objects and arrays nest depth levels deep,
// the attributes object itself being level 1.
func nested(depth int) convo.Attributes {
	var v any = "leaf"
	for i := range depth - 1 {
		if i%2 == 0 {
			v = map[string]any{"k": v}
		} else {
			v = []any{v}
		}
	}
	return convo.Attributes{"k": v}
}

// wantTooDeep checks that err is a ValidationError on field for the depth
// limit of attributes.
func wantTooDeep(t *testing.T, err error, field string) {
	t.Helper()
	wantInvalid(t, err, field)
	var ve *convo.ValidationError
	errors.As(err, &ve)
	if fe, _ := ve.Field(field); fe.Code != convo.CodeOutOfRange {
		t.Fatalf("want code %q on %q, got %q (%s)", convo.CodeOutOfRange, field, fe.Code, fe.Message)
	}
}

// testAttributes checks that attributes a read could not decode are never
// stored: nested beyond convo.MaxAttributesDepth (encoding/json refuses to
// decode more than 10000 levels), or containing themselves.
func testAttributes(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	tooDeep := map[string]convo.Attributes{
		"one over the limit":   nested(convo.MaxAttributesDepth + 1),
		"beyond encoding/json": nested(10_001),
	}

	t.Run("CreateContact/AttributesTooDeep", func(t *testing.T) {
		is := is.New(t)
		s, john, _ := seeded(t, newStore)
		for _, attrs := range tooDeep {
			_, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Deep", CustomAttributes: attrs})
			wantTooDeep(t, err, "custom_attributes")
			_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Deep", AdditionalAttributes: attrs})
			wantTooDeep(t, err, "additional_attributes")
		}
		page, err := s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)                 // the account still reads
		is.Equal(page.Meta.Total, 1)  // nothing written
		is.Equal(page.Items[0], john) // and its contact reads back
		atLimit := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada", CustomAttributes: nested(convo.MaxAttributesDepth)})
		got, err := s.GetContact(ctx, 1, atLimit.ID)
		is.NoErr(err)                                                    // a contact at the limit reads back
		is.Equal(got.CustomAttributes, nested(convo.MaxAttributesDepth)) // whole
		page, err = s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 2)
	})

	t.Run("UpdateContact/AttributesTooDeep", func(t *testing.T) {
		is := is.New(t)
		s, john, _ := seeded(t, newStore)
		for _, attrs := range tooDeep {
			_, err := s.UpdateContact(ctx, 1, john.ID, convo.ContactUpdate{CustomAttributes: &attrs})
			wantTooDeep(t, err, "custom_attributes")
		}
		got, err := s.GetContact(ctx, 1, john.ID)
		is.NoErr(err)       // the contact still reads
		is.Equal(got, john) // unchanged
		err = s.DeleteContact(ctx, 1, john.ID, store.DeleteContactOptions{Cascade: true})
		is.NoErr(err) // and deletes
	})

	t.Run("AddMessage/AttributesTooDeep", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		for _, attrs := range tooDeep {
			in := text("deep")
			in.ContentAttributes = attrs
			_, err := s.AddMessage(ctx, 1, conv.ID, in)
			wantTooDeep(t, err, "content_attributes")
			in = text("deep")
			in.AdditionalAttributes = attrs
			_, err = s.AddMessage(ctx, 1, conv.ID, in)
			wantTooDeep(t, err, "additional_attributes")
		}
		is.Equal(countMessages(t, s, 1, conv.ID), 0) // nothing written
		in := text("at the limit")
		in.ContentAttributes = nested(convo.MaxAttributesDepth)
		m := mustAddMessage(t, s, 1, conv.ID, in)
		got, err := s.GetMessage(ctx, 1, m.ID)
		is.NoErr(err)                                                     // a message at the limit reads back
		is.Equal(got.ContentAttributes, nested(convo.MaxAttributesDepth)) // whole
		is.Equal(countMessages(t, s, 1, conv.ID), 1)                      // and lists
	})

	t.Run("AddMessages/AttributesTooDeep", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		deep := text("deep")
		deep.ContentAttributes = nested(convo.MaxAttributesDepth + 1)
		_, err := s.AddMessages(ctx, 1, []store.MessageTo{{ConversationID: conv.ID, Message: text("fine")}, {ConversationID: conv.ID, Message: deep}})
		wantTooDeep(t, err, "messages[1].content_attributes")
		is.Equal(countMessages(t, s, 1, conv.ID), 0) // all or nothing
		_, err = s.AddMessages(ctx, 1, []store.MessageTo{{ConversationID: conv.ID, Message: text("fine")}})
		is.NoErr(err)                                // the conversation takes messages still
		is.Equal(countMessages(t, s, 1, conv.ID), 1) // and lists them
	})

	t.Run("CreateContact/AttributesHoldingThemselves", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		self := convo.Attributes{}
		self["self"] = self
		list := []any{nil}
		list[0] = list
		through := map[string]any{}
		through["list"] = []any{map[string]any{"back": through}}
		for _, attrs := range []convo.Attributes{self, {"l": list}, {"m": through}} {
			_, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Loop", CustomAttributes: attrs})
			wantInvalid(t, err, "custom_attributes") // an error, not a stack overflow
		}
		mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada"})
		page, err := s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 1) // only the good contact written
	})
}
