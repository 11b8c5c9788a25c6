package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

const (
	importContact = `INSERT INTO convo_contacts (id, account_id, first_name, last_name, nickname, sort_name, email, email_key,
	phone, identifier, avatar_url, blocked, custom_attributes, additional_attributes, last_activity_at, created_at, updated_at, version)
VALUES (nullif(:id, 0), :account_id, :first_name, :last_name, :nickname, :sort_name, :email, :email_key,
	:phone, :identifier, :avatar_url, :blocked, :custom_attributes, :additional_attributes, :last_activity_at, :created_at, :updated_at,
	abs(random()))`

	importConversation = `INSERT INTO convo_conversations (id, uuid, account_id, contact_id, channel, inbox_id, team_id,
	assignee_id, author_id, status, snoozed_until, priority, muted, custom_attributes, additional_attributes,
	happened_at, created_at, updated_at, last_activity_at, first_reply_created_at, waiting_since,
	agent_last_seen_at, assignee_last_seen_at, contact_last_seen_at, last_seq, version)
VALUES (nullif(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, abs(random()))`

	importMessage = `INSERT INTO convo_messages (id, account_id, conversation_id, seq, content, content_type, content_attributes,
	message_type, private, status, source_id, sender_type, author_id, written_at, created_at, updated_at,
	attachments, external_source_ids, additional_attributes, reply_to_id, deleted_at, external_error)
VALUES (nullif(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	// selectIndexMark is the index's mark (indexer.go): no other write
	// moves it while the import holds the writer.
	selectIndexMark = `SELECT indexed_through FROM convo_index_state`

	// recountImported derives a conversation's maintained columns from its
	// messages, as the appends that wrote them would have; last_seq and
	// last_activity_at only ever move up. updated_at stays as imported.
	// ?1 account, ?2 conversation.
	recountImported = `UPDATE convo_conversations AS c SET ` + recountDerived + `,
	last_seq = max(last_seq, ` + recountMaxSeq + `),
	last_activity_at = max(last_activity_at, coalesce((SELECT max(m.created_at) FROM convo_messages m
		WHERE ` + ofConversation + `), last_activity_at))
WHERE c.account_id = ?1 AND c.id = ?2`
)

// Import implements store.Store.
func (s *Store) Import(ctx context.Context, accountID int64, records iter.Seq2[store.Record, error], opts store.ImportOptions) (store.ImportStats, error) {
	var stats store.ImportStats
	if err := convo.ValidateAccountID(accountID); err != nil {
		return stats, err
	}
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
		stats = backend.NewImportStats(opts)
		im := importer{ctx: ctx, tx: tx, newIDs: opts.NewIDs, s: s, accountID: accountID, now: now, stats: &stats,
			touched: map[int64]bool{}, contacts: map[int64]int64{}, readStates: map[int64]bool{}, threads: map[int64]bool{}}
		if err := tx.GetContext(ctx, &im.mark, selectIndexMark); err != nil {
			return err
		}
		if err := backend.ImportAll(&im, records, now, translate); err != nil {
			return err
		}
		if err := im.recountThreads(); err != nil {
			return err
		}
		for id := range im.touched {
			if _, err := tx.ExecContext(ctx, recountImported, accountID, id); err != nil {
				return err
			}
		}
		if err := im.recountUnseen(); err != nil {
			return err
		}
		if backend.Imported(stats) {
			tx.changes.Add(store.Change{Kind: store.AccountImported, AccountID: accountID})
		}
		if len(im.belowMark) > 0 { // imported at or below the index's mark (ids kept)
			if err := indexMessages(ctx, tx, im.belowMark); err != nil {
				return err
			}
		}
		// The rest, after the mark, in the same transaction: one pass over
		// a load is cheaper than the indexer's many small ones.
		_, err := indexAfterMark(ctx, tx, math.MaxInt)
		return err
	})
	if err != nil {
		return store.ImportStats{}, err
	}
	return stats, nil
}

// importer writes the records of one Import.
type importer struct {
	ctx       context.Context
	tx        *dbtx
	s         *Store
	accountID int64
	now       time.Time
	stats     *store.ImportStats
	// touched are the conversations whose maintained columns need a recount.
	touched map[int64]bool
	// mark is the full-text index's mark when the import began, and
	// belowMark the messages written at or below it: they keep the file's
	// ids, so the index must take them by id; the others it takes after
	// the mark.
	mark      int64
	belowMark []int64
	// readStates are the conversations where a read state was set.
	readStates map[int64]bool
	// threads are the messages whose replies, reactions or versions the
	// import wrote: their counts need a recount.
	threads map[int64]bool
	// contacts caches each conversation's contact (contactOf).
	contacts map[int64]int64
	// newIDs stores every record under a new id (ImportOptions.NewIDs),
	// mapped in stats.
	newIDs bool
}

// contactOf is the contact of a conversation of the account, read once per
// import: a conversation's messages follow it in an export.
func (im *importer) contactOf(conversationID int64) (int64, error) {
	if id, ok := im.contacts[conversationID]; ok {
		return id, nil
	}
	target, err := readAppendTarget(im.ctx, im.tx, im.accountID, conversationID)
	if err != nil {
		return 0, err
	}
	im.contacts[conversationID] = target.ContactID
	return target.ContactID, nil
}

// newID reads the id a record was just stored under, with NewIDs.
func newID(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// Contact implements backend.Importer: it writes a contact, unless it is
// stored as given.
func (im *importer) Contact(c convo.Contact) error {
	ctx, tx := im.ctx, im.tx
	return backend.ImportContact(im.accountID, c, backend.RecordImport[convo.Contact]{Stats: im.stats, NewIDs: im.newIDs,
		Get:   func(id int64) (convo.Contact, error) { return getContact(ctx, tx, im.accountID, id) },
		Check: func(c convo.Contact) error { return checkContactClash(ctx, tx, c) },
		Insert: func(c convo.Contact) (int64, error) {
			row, err := fromContact(c)
			if err != nil {
				return 0, err
			}
			return newID(tx.NamedExecContext(ctx, importContact, row))
		},
	})
}

// Conversation implements backend.Importer: it writes a conversation,
// unless it is stored as given.
func (im *importer) Conversation(c convo.Conversation) error {
	ctx, tx := im.ctx, im.tx
	return backend.ImportConversation(im.accountID, c, backend.RecordImport[convo.Conversation]{Stats: im.stats, NewIDs: im.newIDs,
		Get: func(id int64) (convo.Conversation, error) { return getConversation(ctx, tx, im.accountID, id, im.now) },
		Check: func(c convo.Conversation) error {
			var id int64
			return translate(tx.GetContext(ctx, &id, contactExists, im.accountID, c.ContactID))
		},
		Insert: func(c convo.Conversation) (int64, error) {
			custom, additional, err := backend.AttributesJSON(c.CustomAttributes, c.AdditionalAttributes)
			if err != nil {
				return 0, err
			}
			id, err := newID(tx.ExecContext(ctx, importConversation, c.ID, c.UUID.String(), im.accountID, c.ContactID,
				string(c.Channel), idValue(c.InboxID), idValue(c.TeamID), uuidValue(c.AssigneeID), uuidValue(c.AuthorID),
				backend.StatusCodes[c.Status], timeValue(c.SnoozedUntil), c.Priority.Rank(), c.Muted, custom, additional,
				timeValue(c.HappenedAt), timeValue(c.CreatedAt), timeValue(c.UpdatedAt), timeValue(c.LastActivityAt),
				timeValue(c.FirstReplyCreatedAt), timeValue(c.WaitingSince), timeValue(c.AgentLastSeenAt),
				timeValue(c.AssigneeLastSeenAt), timeValue(c.ContactLastSeenAt), c.LastSeq))
			if err != nil {
				return 0, err
			}
			for _, l := range c.Labels {
				if _, err := tx.ExecContext(ctx, insertLabel, im.accountID, id, l); err != nil {
					return 0, err
				}
			}
			members := convo.NewConversation{AuthorID: c.AuthorID, UserIDs: c.UserIDs}.Participants()
			if _, err := changeMembers(ctx, tx, im.accountID, id, insertParticipant, insertAudience, members, c.AudienceIDs); err != nil {
				return 0, err
			}
			if !c.SnoozedUntil.IsZero() {
				im.s.snoozes.scheduled(c.SnoozedUntil)
			}
			im.touched[id] = true
			im.contacts[id] = c.ContactID
			return id, nil
		},
	})
}

// Message implements backend.Importer: it writes a message, unless it is
// stored as given.
func (im *importer) Message(m convo.Message) error {
	ctx, tx := im.ctx, im.tx
	given := m.ID
	if im.newIDs {
		m.ID, m.ConversationID = 0, backend.Ref(im.stats.ConversationIDs, m.ConversationID)
		if m.ContactID != 0 {
			m.ContactID = backend.Ref(im.stats.ContactIDs, m.ContactID)
		}
	}
	contactID, err := im.contactOf(m.ConversationID)
	if err != nil {
		return fmt.Errorf("conversation %d: %w", m.ConversationID, translate(err))
	}
	if m.ContactID != 0 && m.ContactID != contactID {
		return convo.Invalid("contact_id", convo.CodeMismatch, "is not the conversation's contact")
	}
	m.AccountID, m.ContactID = im.accountID, contactID
	m.WrittenAt, m.CreatedAt, m.UpdatedAt = backend.StoredTime(m.WrittenAt), backend.StoredTime(m.CreatedAt), backend.StoredTime(m.UpdatedAt)
	m.DeletedAt = backend.StoredTime(m.DeletedAt)
	if m.ReplyToID != 0 {
		if im.newIDs {
			m.ReplyToID = backend.Ref(im.stats.MessageIDs, m.ReplyToID)
		}
		var p replyParent
		if err := tx.GetContext(ctx, &p, selectReplyParent, im.accountID, m.ReplyToID); err != nil {
			return fmt.Errorf("message %d: %w", m.ReplyToID, translate(err))
		}
		if p.ConversationID != m.ConversationID {
			return convo.Invalid("reply_to_id", convo.CodeInvalid, "is not a message of the conversation")
		}
	}
	j, err := backend.EncodeMessageJSON(m)
	if err != nil {
		return err
	}
	// Insert first: in a load, the id is new. An id already stored fails
	// the insert, and the stored message is then compared.
	id, err := newID(tx.ExecContext(ctx, importMessage, m.ID, im.accountID, m.ConversationID, m.Seq, m.Content,
		string(m.ContentType), j.ContentAttributes, m.Type.Code(), m.Private, string(m.Status), nullString(m.SourceID),
		string(m.SenderType), uuidValue(m.AuthorID), timeValue(m.WrittenAt), timeValue(m.CreatedAt),
		timeValue(m.UpdatedAt), j.Attachments, j.ExternalIDs, j.Additional, nullInt(m.ReplyToID), timeValue(m.DeletedAt),
		nullString(m.ExternalError)))
	if err != nil {
		if m.ID == 0 || !errors.Is(translate(err), convo.ErrConflict) {
			return err
		}
		stored, gerr := getMessage(ctx, tx, im.accountID, m.ID)
		switch {
		case errors.Is(gerr, convo.ErrNotFound):
			return err // another key clashes
		case gerr != nil:
			return gerr
		}
		if err := j.Decode(&m); err != nil { // the JSON fields as they read back
			return err
		}
		return backend.Unchanged(im.stats, store.KindMessage, m.ID, backend.ImportedMessage(stored), backend.ImportedMessage(m))
	}
	if im.newIDs {
		m.ID, im.stats.MessageIDs[given] = id, id
	}
	im.touched[m.ConversationID] = true
	if m.AuthorID != uuid.Nil {
		// As an append does; recountUnseen recounts the unseen counts.
		if _, err := tx.ExecContext(ctx, moveAuthorHorizon, im.accountID, m.ConversationID, m.AuthorID.String(), m.Seq, 0); err != nil {
			return err
		}
	}
	if m.ReplyToID != 0 {
		im.threads[m.ReplyToID] = true
	}
	if m.ID <= im.mark {
		im.belowMark = append(im.belowMark, m.ID)
	}
	tx.added = max(tx.added, m.ID)
	im.stats.Messages++
	return nil
}
