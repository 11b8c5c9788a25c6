package convo

import (
	"encoding/json"
	"time"
)

// The plain types carry the struct tags without the methods, so that
// the methods marshal them with encoding/json's rules and add only what the
// tags cannot say.
type (
	plainContact      Contact
	plainConversation Conversation
	plainMessage      Message
)

// MarshalJSON writes the contact's JSON form, by the rules of
// Conversation.MarshalJSON, with Monica's derived complete_name and
// initials.
func (c Contact) MarshalJSON() ([]byte, error) {
	p := plainContact(c)
	p.CustomAttributes = emptyObject(p.CustomAttributes)
	p.AdditionalAttributes = emptyObject(p.AdditionalAttributes)
	inUTC(&p.LastActivityAt, &p.CreatedAt, &p.UpdatedAt)
	return json.Marshal(struct {
		plainContact
		CompleteName string `json:"complete_name,omitzero"`
		Initials     string `json:"initials,omitzero"`
	}{p, c.CompleteName(), c.Initials()})
}

// UnmarshalJSON reads the JSON form; complete_name and initials are
// derived and ignored.
func (c *Contact) UnmarshalJSON(b []byte) error {
	p := (*plainContact)(c)
	if err := json.Unmarshal(b, p); err != nil {
		return err
	}
	p.CustomAttributes = nilObject(p.CustomAttributes)
	p.AdditionalAttributes = nilObject(p.AdditionalAttributes)
	return nil
}

// MarshalJSON writes the conversation's JSON form, the form of every type
// a store hands out (Contact, Conversation, Message, ReadState, and
// store's pages, counts and hits):
//
//   - names are the APIs' snake_case (Chatwoot's unread_count,
//     last_non_activity_message, the users API's user_ids, audience_ids and
//     unseen_messages_count, Monica's happened_at), set by struct tags;
//   - enums are their text ("open", "incoming");
//   - times are RFC 3339 in UTC. Every time a store returns is UTC
//     already; MarshalJSON converts the others, so that a value a host
//     built itself reads the same;
//   - an unset scalar (a zero id, empty text, a nil uuid, a zero time, no
//     priority) is left out; counts and booleans are always there, as 0
//     and false mean something;
//   - lists and objects are always there, empty as [] and {}, so that a UI
//     iterates them without a check. UnmarshalJSON reads an empty one as
//     nil, as a store returns it, so that it gives back the value
//     MarshalJSON was given;
//   - derived values (Monica's written_by_me, complete_name and initials)
//     are written for readers and ignored when read back.
//
// The contact and messages are in their own JSON form.
func (c Conversation) MarshalJSON() ([]byte, error) {
	p := plainConversation(c)
	p.UserIDs = emptyList(p.UserIDs)
	p.AudienceIDs = emptyList(p.AudienceIDs)
	p.Labels = emptyList(p.Labels)
	p.Messages = emptyList(p.Messages)
	p.CustomAttributes = emptyObject(p.CustomAttributes)
	p.AdditionalAttributes = emptyObject(p.AdditionalAttributes)
	inUTC(&p.SnoozedUntil, &p.HappenedAt, &p.CreatedAt, &p.UpdatedAt, &p.LastActivityAt,
		&p.FirstReplyCreatedAt, &p.WaitingSince, &p.AgentLastSeenAt, &p.AssigneeLastSeenAt,
		&p.ContactLastSeenAt, &p.LastIncomingAt)
	return json.Marshal(p)
}

// UnmarshalJSON reads the JSON form; an empty list or object is nil.
func (c *Conversation) UnmarshalJSON(b []byte) error {
	p := (*plainConversation)(c)
	if err := json.Unmarshal(b, p); err != nil {
		return err
	}
	p.UserIDs = nilList(p.UserIDs)
	p.AudienceIDs = nilList(p.AudienceIDs)
	p.Labels = nilList(p.Labels)
	p.Messages = nilList(p.Messages)
	p.CustomAttributes = nilObject(p.CustomAttributes)
	p.AdditionalAttributes = nilObject(p.AdditionalAttributes)
	return nil
}

// MarshalJSON writes the message's JSON form, by the rules of
// Conversation.MarshalJSON: its Type as message_type ("incoming"), with
// Monica's derived written_by_me.
func (m Message) MarshalJSON() ([]byte, error) {
	p := plainMessage(m)
	p.Attachments = emptyList(p.Attachments)
	p.ContentAttributes = emptyObject(p.ContentAttributes)
	p.ExternalSourceIDs = emptyObject(p.ExternalSourceIDs)
	p.AdditionalAttributes = emptyObject(p.AdditionalAttributes)
	p.Reactions = emptyObject(p.Reactions)
	p.OwnReactions = emptyList(p.OwnReactions)
	inUTC(&p.WrittenAt, &p.CreatedAt, &p.UpdatedAt, &p.LastReplyAt, &p.EditedAt, &p.DeletedAt)
	return json.Marshal(struct {
		plainMessage
		WrittenByMe bool `json:"written_by_me"`
	}{p, m.WrittenByMe()})
}

// UnmarshalJSON reads the JSON form; written_by_me is derived from
// message_type and ignored.
func (m *Message) UnmarshalJSON(b []byte) error {
	p := (*plainMessage)(m)
	if err := json.Unmarshal(b, p); err != nil {
		return err
	}
	p.Attachments = nilList(p.Attachments)
	p.ContentAttributes = nilObject(p.ContentAttributes)
	p.ExternalSourceIDs = nilObject(p.ExternalSourceIDs)
	p.AdditionalAttributes = nilObject(p.AdditionalAttributes)
	p.Reactions = nilObject(p.Reactions)
	p.OwnReactions = nilList(p.OwnReactions)
	return nil
}

// inUTC sets each time to UTC; a zero time stays zero.
func inUTC(times ...*time.Time) {
	for _, t := range times {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
}

// emptyList is list, or an empty one when it is nil, to marshal as [].
func emptyList[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// nilList is list, or nil when it is empty.
func nilList[T any](list []T) []T {
	if len(list) == 0 {
		return nil
	}
	return list
}

// emptyObject is m, or an empty map when it is nil, to marshal as {}.
func emptyObject[M ~map[K]V, K comparable, V any](m M) M {
	if m == nil {
		return M{}
	}
	return m
}

// nilObject is m, or nil when it is empty.
func nilObject[M ~map[K]V, K comparable, V any](m M) M {
	if len(m) == 0 {
		return nil
	}
	return m
}
