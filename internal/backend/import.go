package backend

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// An Importer writes the records of one import, each kind by its own
// method, once ImportAll has validated them.
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

// NewImportStats are the stats of an import before its first record:
// with NewIDs, with the maps from the records' ids to the new ones.
func NewImportStats(opts store.ImportOptions) store.ImportStats {
	if !opts.NewIDs {
		return store.ImportStats{}
	}
	return store.ImportStats{ContactIDs: map[int64]int64{}, ConversationIDs: map[int64]int64{}, MessageIDs: map[int64]int64{}}
}

// Imported reports whether an import wrote anything that changes the
// account's data (an AccountImported change), not only views and
// redirects.
func Imported(stats store.ImportStats) bool {
	return stats.Contacts+stats.Conversations+stats.Messages+stats.Reactions+stats.Versions+stats.ReadStates > 0
}

// ImportAll writes every record through im, in order; a record without a
// line number is numbered by its place. An error names its record's line,
// translated first by the backend's translate.
func ImportAll(im Importer, records iter.Seq2[store.Record, error], now time.Time, translate func(error) error) error {
	pos := 0
	for rec, err := range records {
		pos++
		if err != nil {
			return err
		}
		if rec.Line == 0 {
			rec.Line = pos
		}
		if err := importRecord(im, rec, now); err != nil {
			return rec.Wrap(translate(err))
		}
	}
	return nil
}

// importRecord fills in the defaults of one record at now, validates it
// and hands it to im by its kind.
func importRecord(im Importer, rec store.Record, now time.Time) error {
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

// StoredContact is c as it reads back once stored in the account.
func StoredContact(accountID int64, c convo.Contact) (convo.Contact, error) {
	c.AccountID = accountID
	c.Phone, _ = convo.NormalizePhone(c.Phone) // validated by Record.Validate
	c.LastActivityAt, c.CreatedAt, c.UpdatedAt = StoredTime(c.LastActivityAt), StoredTime(c.CreatedAt), StoredTime(c.UpdatedAt)
	var err error
	c.CustomAttributes, c.AdditionalAttributes, err = storedAttributes(c.CustomAttributes, c.AdditionalAttributes)
	return c, err
}

// StoredConversation is c as it reads back once stored in the account.
func StoredConversation(accountID int64, c convo.Conversation) (convo.Conversation, error) {
	c.AccountID = accountID
	for _, t := range []*time.Time{&c.SnoozedUntil, &c.HappenedAt, &c.CreatedAt, &c.UpdatedAt, &c.LastActivityAt,
		&c.FirstReplyCreatedAt, &c.WaitingSince, &c.AgentLastSeenAt, &c.AssigneeLastSeenAt, &c.ContactLastSeenAt} {
		*t = StoredTime(*t)
	}
	var err error
	c.CustomAttributes, c.AdditionalAttributes, err = storedAttributes(c.CustomAttributes, c.AdditionalAttributes)
	return c, err
}

// storedAttributes are custom and additional attributes as they read back.
func storedAttributes(custom, additional convo.Attributes) (convo.Attributes, convo.Attributes, error) {
	customText, additionalText, err1 := AttributesJSON(custom, additional)
	custom, err2 := FromJSON[convo.Attributes](customText)
	additional, err3 := FromJSON[convo.Attributes](additionalText)
	return custom, additional, errors.Join(err1, err2, err3)
}

// ComparableConversation keeps the fields an import writes as given; the
// derived and maintained ones are the store's.
func ComparableConversation(c convo.Conversation) convo.Conversation {
	c.Contact, c.LastNonActivityMessage, c.CanReply, c.Messages = nil, nil, false, nil
	c.MessagesCount, c.UnreadCount, c.LastSeq = 0, 0, 0
	c.LastIncomingAt, c.LastActivityAt = time.Time{}, time.Time{}
	c.UnseenMessagesCount = 0
	c.UserIDs = convo.NewConversation{AuthorID: c.AuthorID, UserIDs: c.UserIDs}.Participants()
	slices.SortFunc(c.UserIDs, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	slices.Sort(c.AudienceIDs)
	if len(c.Labels) == 0 {
		c.Labels = nil
	}
	if len(c.UserIDs) == 0 {
		c.UserIDs = nil
	}
	if len(c.AudienceIDs) == 0 {
		c.AudienceIDs = nil
	}
	return c
}

// A RecordImport is what ImportContact and ImportConversation ask of a
// backend's import transaction for a record of type T.
type RecordImport[T any] struct {
	Stats  *store.ImportStats
	NewIDs bool
	// Get reads the account's record of an id: ErrNotFound when none.
	Get func(id int64) (T, error)
	// Check vets a record about to be written.
	Check func(T) error
	// Insert writes a record, under its id or, without one, a new id,
	// and returns the id.
	Insert func(T) (int64, error)
}

// ImportContact writes contact c into the account, unless it is stored as
// given.
func ImportContact(accountID int64, c convo.Contact, im RecordImport[convo.Contact]) error {
	given := c.ID
	if im.NewIDs {
		c.ID = 0
	}
	c, err := StoredContact(accountID, c)
	if err != nil {
		return err
	}
	if !im.NewIDs {
		switch stored, err := im.Get(c.ID); {
		case err == nil:
			return Unchanged(im.Stats, store.KindContact, c.ID, stored, c)
		case !errors.Is(err, convo.ErrNotFound):
			return err
		}
	}
	if err := im.Check(c); err != nil {
		return err
	}
	id, err := im.Insert(c)
	if err != nil {
		return err
	}
	if im.NewIDs {
		im.Stats.ContactIDs[given] = id
	}
	im.Stats.Contacts++
	return nil
}

// ImportConversation writes conversation c into the account, unless it is
// stored as given; Check finds its contact.
func ImportConversation(accountID int64, c convo.Conversation, im RecordImport[convo.Conversation]) error {
	given := c.ID
	if im.NewIDs {
		c.ID, c.ContactID = 0, Ref(im.Stats.ContactIDs, c.ContactID)
	}
	c, err := StoredConversation(accountID, c)
	if err != nil {
		return err
	}
	if !im.NewIDs {
		switch stored, err := im.Get(c.ID); {
		case err == nil:
			return Unchanged(im.Stats, store.KindConversation, c.ID, ComparableConversation(stored), ComparableConversation(c))
		case !errors.Is(err, convo.ErrNotFound):
			return err
		}
	}
	if err := im.Check(c); err != nil {
		return fmt.Errorf("contact %d: %w", c.ContactID, err)
	}
	id, err := im.Insert(c)
	if err != nil {
		return err
	}
	if im.NewIDs {
		im.Stats.ConversationIDs[given] = id
	}
	im.Stats.Conversations++
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

// RedirectImport is what ImportRedirect asks of a backend's import
// transaction.
type RedirectImport struct {
	Stats  *store.ImportStats
	NewIDs bool
	// Exists reports whether the account has the conversation.
	Exists func(conversationID int64) (bool, error)
	// Stored returns the account's redirect of a merged id, if any.
	Stored func(mergedID int64) (store.Redirect, bool, error)
	// Insert writes a new redirect (and, without NewIDs, keeps the merged
	// id from being handed out again).
	Insert func(x store.Redirect) error
}

// ImportRedirect writes the redirect x of a merged id into a conversation
// of the account, unless it is stored as given: the merged id must not be
// a conversation, the one it goes into must be.
func ImportRedirect(x store.Redirect, im RedirectImport) error {
	if im.NewIDs {
		x.IntoID = Ref(im.Stats.ConversationIDs, x.IntoID)
	}
	switch live, err := im.Exists(x.ConversationID); {
	case err != nil:
		return err
	case live:
		return fmt.Errorf("%w: conversation %d is not merged: it is a conversation of the account", convo.ErrConflict, x.ConversationID)
	}
	switch into, err := im.Exists(x.IntoID); {
	case err != nil:
		return err
	case !into:
		return fmt.Errorf("conversation %d: %w", x.IntoID, convo.ErrNotFound)
	}
	switch stored, found, err := im.Stored(x.ConversationID); {
	case err != nil:
		return err
	case found:
		return UnchangedRedirect(im.Stats, stored, x)
	}
	if err := im.Insert(x); err != nil {
		return err
	}
	im.Stats.Redirects++
	return nil
}

// ReadStateImport is what ImportReadState asks of a backend's import
// transaction.
type ReadStateImport struct {
	Stats  *store.ImportStats
	NewIDs bool
	// Written reports whether the import wrote the conversation (created
	// it, or gave it messages, which move their authors' horizons).
	Written func(conversationID int64) bool
	// Ceiling is the highest seq a horizon may have in the conversation:
	// its last_seq or its newest message's, whichever is higher (the
	// import recounts last_seq at its end). ErrNotFound: no conversation.
	Ceiling func(conversationID int64) (int64, error)
	// Stored returns the user's horizon in the conversation, if any.
	Stored func(conversationID int64, user uuid.UUID) (int64, bool, error)
	// Set sets the horizon to the record's seq, either way, creating it.
	Set func(r convo.ReadState) error
}

// ImportReadState sets a user's horizon in a conversation. In a
// conversation this import wrote, the record sets the horizon. In another,
// it is a record like any: a horizon stored as given is left alone, one
// stored with another seq is ErrConflict, a missing one is written.
func ImportReadState(r convo.ReadState, im ReadStateImport) error {
	if im.NewIDs {
		r.ConversationID = Ref(im.Stats.ConversationIDs, r.ConversationID)
	}
	ceiling, err := im.Ceiling(r.ConversationID)
	if err != nil {
		return fmt.Errorf("conversation %d: %w", r.ConversationID, err)
	}
	if r.SeenSeq > ceiling {
		return convo.Invalid("seen_seq", convo.CodeOutOfRange, "is after the conversation's last message")
	}
	if !im.Written(r.ConversationID) {
		switch stored, found, err := im.Stored(r.ConversationID, r.UserID); {
		case err != nil:
			return err
		case found && stored == r.SeenSeq:
			im.Stats.Unchanged++
			return nil
		case found:
			return fmt.Errorf("%w: the read state of user %s in conversation %d is stored with other values",
				convo.ErrConflict, r.UserID, r.ConversationID)
		}
	}
	if err := im.Set(r); err != nil {
		return err
	}
	im.Stats.ReadStates++
	return nil
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
