package backend

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// An Importer writes the records of one import, each kind by its own
// method, once ImportRecord has validated them.
type Importer interface {
	Contact(convo.Contact) error
	Conversation(convo.Conversation) error
	ReadState(convo.ReadState) error
	Message(convo.Message) error
	Reaction(convo.Reaction) error
	Version(convo.MessageVersion) error
	View(store.View) error
	Redirect(store.Redirect) error
}

// ImportRecord fills in the defaults of one record at now, validates it
// and hands it to im by its kind.
func ImportRecord(im Importer, rec store.Record, now time.Time) error {
	rec = rec.WithDefaults(now)
	if err := rec.Validate(); err != nil {
		return err
	}
	switch rec.Kind() {
	case store.KindContact:
		return im.Contact(*rec.Contact)
	case store.KindConversation:
		return im.Conversation(*rec.Conversation)
	case store.KindReadState:
		return im.ReadState(*rec.ReadState)
	case store.KindReaction:
		return im.Reaction(*rec.Reaction)
	case store.KindVersion:
		return im.Version(*rec.Version)
	case store.KindView:
		v := *rec.View
		v.CreatedAt, v.UpdatedAt = StoredTime(v.CreatedAt), StoredTime(v.UpdatedAt)
		return im.View(v)
	case store.KindRedirect:
		x := *rec.Redirect
		x.MergedAt = StoredTime(x.MergedAt)
		return im.Redirect(x)
	default:
		return im.Message(*rec.Message)
	}
}

// Unchanged counts in stats a record found stored as given, or reports a
// clash with the stored record of the same id.
func Unchanged(stats *store.ImportStats, kind string, id int64, stored, given any) error {
	if !reflect.DeepEqual(stored, given) {
		return fmt.Errorf("%w: %s %d is stored with other values", convo.ErrConflict, kind, id)
	}
	stats.Unchanged++
	return nil
}

// Ref is the id a record's reference points to: the new id of a record of
// this import, found in ids, or else the id as given (a row already
// stored).
func Ref(ids map[int64]int64, id int64) int64 {
	if n, ok := ids[id]; ok {
		return n
	}
	return id
}

// ImportedMessage is m without what an import derives (its reply,
// reaction and edit counts and times) or never stores (what a viewer
// reads: own reactions, seen): what a stored message and a record must
// agree on.
func ImportedMessage(m convo.Message) convo.Message {
	m.ReplyCount, m.LastReplyAt, m.Reactions, m.OwnReactions = 0, time.Time{}, nil, nil
	m.EditCount, m.EditedAt, m.Seen = 0, time.Time{}, false
	return m
}

// UnchangedRedirect counts in stats a redirect record found stored as
// given, or reports a clash with the stored redirect of its id.
func UnchangedRedirect(stats *store.ImportStats, stored, given store.Redirect) error {
	if stored.IntoID != given.IntoID || !stored.MergedAt.Equal(given.MergedAt) {
		return fmt.Errorf("%w: the redirect of conversation %d is stored with other values", convo.ErrConflict, given.ConversationID)
	}
	stats.Unchanged++
	return nil
}

// UnchangedView counts in stats a view record found stored as given (its
// conditions compared in their JSON form, where no values and an empty
// list are one), or reports a clash with the stored view of its name.
func UnchangedView(stats *store.ImportStats, stored, given store.View) error {
	a, errA := json.Marshal(stored)
	b, errB := json.Marshal(given)
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		return fmt.Errorf("%w: view %q is stored with other values", convo.ErrConflict, given.Name)
	}
	stats.Unchanged++
	return nil
}
