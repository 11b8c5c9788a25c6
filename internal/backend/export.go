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

// Record is the record of a stored contact, conversation, message,
// reaction, version or view v, read with error err. A conversation's is
// without its contact and whether it can be replied to, which a record
// does not hold.
func Record[T convo.Contact | convo.Conversation | convo.Message | convo.Reaction | convo.MessageVersion | store.View](v T, err error) (store.Record, error) {
	var rec store.Record
	switch x := any(&v).(type) {
	case *convo.Contact:
		rec.Contact = x
	case *convo.Conversation:
		x.Contact, x.CanReply = nil, false
		rec.Conversation = x
	case *convo.Message:
		rec.Message = x
	case *convo.Reaction:
		rec.Reaction = x
	case *convo.MessageVersion:
		rec.Version = x
	case *store.View:
		rec.View = x
	}
	return rec, err
}
