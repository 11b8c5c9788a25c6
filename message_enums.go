package convo

// MessageType says who a message is from. Monica's written_by_me is
// outgoing when true and incoming when false; Chatwoot's numeric
// message_type maps with Code and MessageTypeFromCode.
type MessageType string

// The message types.
const (
	MessageIncoming MessageType = "incoming" // from the contact
	MessageOutgoing MessageType = "outgoing" // from the host's side: written_by_me
	MessageActivity MessageType = "activity" // a timeline event written by the system
	MessageTemplate MessageType = "template" // an outgoing template message
)

// Valid reports whether t is one of the message types.
func (t MessageType) Valid() bool { return t.Code() >= 0 }

// ParseMessageType parses a message type's text; anything else is a
// *ValidationError on field "message_type" with CodeUnknown.
func ParseMessageType(s string) (MessageType, error) {
	return parseEnum[MessageType]("message_type", s, "incoming, outgoing, activity or template")
}

// Code is Chatwoot's numeric message_type: 0 incoming, 1 outgoing,
// 2 activity, 3 template; -1 for an unknown type.
func (t MessageType) Code() int {
	switch t {
	case MessageIncoming:
		return 0
	case MessageOutgoing:
		return 1
	case MessageActivity:
		return 2
	case MessageTemplate:
		return 3
	}
	return -1
}

// MessageTypeFromCode is the inverse of Code; an unknown code gives "".
func MessageTypeFromCode(code int) MessageType {
	switch code {
	case 0:
		return MessageIncoming
	case 1:
		return MessageOutgoing
	case 2:
		return MessageActivity
	case 3:
		return MessageTemplate
	}
	return ""
}

// MessageTypeFromWrittenByMe maps Monica's written_by_me.
func MessageTypeFromWrittenByMe(writtenByMe bool) MessageType {
	if writtenByMe {
		return MessageOutgoing
	}
	return MessageIncoming
}

// MessageStatus is the delivery status of a message.
type MessageStatus string

// The delivery statuses: sent → delivered → read, or failed.
const (
	StatusSent      MessageStatus = "sent"
	StatusDelivered MessageStatus = "delivered"
	StatusRead      MessageStatus = "read"
	StatusFailed    MessageStatus = "failed"
)

// Valid reports whether s is one of the delivery statuses.
func (s MessageStatus) Valid() bool {
	switch s {
	case StatusSent, StatusDelivered, StatusRead, StatusFailed:
		return true
	}
	return false
}

// ParseMessageStatus parses a delivery status's text; anything else is a
// *ValidationError on field "status" with CodeUnknown.
func ParseMessageStatus(s string) (MessageStatus, error) {
	return parseEnum[MessageStatus]("status", s, "sent, delivered, read or failed")
}

// CanMoveTo reports whether a message may go from s to next: forward along
// sent → delivered → read, to failed from anything but read, and to itself.
// A read message never goes back to delivered or sent.
func (s MessageStatus) CanMoveTo(next MessageStatus) bool {
	if s == next {
		return true
	}
	rank := map[MessageStatus]int{StatusSent: 0, StatusDelivered: 1, StatusRead: 2}
	switch {
	case next == StatusFailed:
		return s != StatusRead
	case s == StatusFailed:
		return true // a retried send may be delivered or read later
	}
	return rank[next] > rank[s]
}

// ContentType says how to render a message's content (Chatwoot's
// content_type). The zero value is text.
type ContentType string

// The content types.
const (
	ContentText          ContentType = "text"
	ContentInputText     ContentType = "input_text"
	ContentInputTextarea ContentType = "input_textarea"
	ContentInputEmail    ContentType = "input_email"
	ContentInputSelect   ContentType = "input_select"
	ContentCards         ContentType = "cards"
	ContentForm          ContentType = "form"
	ContentArticle       ContentType = "article"
	ContentIncomingEmail ContentType = "incoming_email"
	ContentInputCSAT     ContentType = "input_csat"
	ContentIntegrations  ContentType = "integrations"
	ContentSticker       ContentType = "sticker"
)

// Valid reports whether t is one of the content types.
func (t ContentType) Valid() bool {
	switch t {
	case ContentText, ContentInputText, ContentInputTextarea, ContentInputEmail,
		ContentInputSelect, ContentCards, ContentForm, ContentArticle,
		ContentIncomingEmail, ContentInputCSAT, ContentIntegrations, ContentSticker:
		return true
	}
	return false
}

// ParseContentType parses a content type's text; anything else is a
// *ValidationError on field "content_type" with CodeUnknown.
func ParseContentType(s string) (ContentType, error) {
	return parseEnum[ContentType]("content_type", s, "one of the ContentType constants (text, input_select, cards, ...)")
}

// SenderType says who sent a message: the conversation's contact, a user of
// the host (Message.AuthorID), or the system.
type SenderType string

// The sender types.
const (
	SenderContact SenderType = "contact"
	SenderUser    SenderType = "user"
	SenderSystem  SenderType = "system"
)

// Valid reports whether t is one of the sender types.
func (t SenderType) Valid() bool {
	switch t {
	case SenderContact, SenderUser, SenderSystem:
		return true
	}
	return false
}

// ParseSenderType parses a sender type's text; anything else is a
// *ValidationError on field "sender_type" with CodeUnknown.
func ParseSenderType(s string) (SenderType, error) {
	return parseEnum[SenderType]("sender_type", s, "contact, user or system")
}
