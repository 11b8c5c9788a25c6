package backend

import (
	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// An ExportStep streams an account's records of one kind to fn.
type ExportStep func(fn func(store.Record) error) error

// Export streams an account's records to fn, kind after kind, by the
// steps in order; it stops at the first error.
func Export(fn func(store.Record) error, steps ...ExportStep) error {
	for _, step := range steps {
		if err := step(fn); err != nil {
			return err
		}
	}
	return nil
}

// ConversationRecord is the record of a stored conversation: without its
// contact and whether it can be replied to, which a record does not hold.
func ConversationRecord(c convo.Conversation) store.Record {
	c.Contact, c.CanReply = nil, false
	return store.Record{Conversation: &c}
}
