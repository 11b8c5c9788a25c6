package postgres

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// importedVersion starts an imported row's version at a random number, so
// that a deleted id imported again never meets its old versions (as on
// SQLite); 2^52 leaves room for as many changes after it.
const importedVersion = `floor(random() * 4503599627370496)::bigint`

const (
	// importContact writes a contact under its id ($18), or under the next
	// id of the table when $18 is NULL (ImportOptions.NewIDs). $1 to $17
	// are insertContact's.
	importContact = `INSERT INTO convo_contacts (account_id, first_name, last_name, nickname, sort_name, email, email_key,
	phone, identifier, avatar_url, blocked, custom_attributes, additional_attributes, last_activity_at, created_at,
	updated_at, words, id, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::tsvector,
	coalesce($18::bigint, nextval(pg_get_serial_sequence('convo_contacts', 'id'))), ` + importedVersion + `)
RETURNING id`

	// importConversation writes a conversation under its id ($1), or the
	// next one when $1 is NULL; its derived columns are recounted at the
	// end of the import.
	importConversation = `INSERT INTO convo_conversations (id, uuid, account_id, contact_id, channel, inbox_id, team_id,
	assignee_id, author_id, status, snoozed_until, priority, muted, custom_attributes, additional_attributes,
	happened_at, created_at, updated_at, last_activity_at, first_reply_created_at, waiting_since,
	agent_last_seen_at, assignee_last_seen_at, contact_last_seen_at, last_seq, version)
VALUES (coalesce($1::bigint, nextval(pg_get_serial_sequence('convo_conversations', 'id'))), $2, $3, $4, $5, $6, $7,
	$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, ` + importedVersion + `)
RETURNING id`

	// importMessage writes a message under its id ($1), or the next one
	// when $1 is NULL.
	importMessage = `INSERT INTO convo_messages (id, account_id, conversation_id, seq, content, content_type, content_attributes,
	message_type, private, status, source_id, sender_type, author_id, written_at, created_at, updated_at,
	attachments, external_source_ids, additional_attributes, words, reply_to_id, deleted_at, external_error)
VALUES (coalesce($1::bigint, nextval(pg_get_serial_sequence('convo_messages', 'id'))), $2, $3, $4, $5, $6, $7,
	$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20::tsvector, $21, $22, $23)
RETURNING id`

	// importedContact finds the contact a conversation is imported for.
	importedContact = `SELECT id FROM convo_contacts WHERE account_id = $1 AND id = $2`

	// lockImportTarget reads the contact of a conversation a message is
	// imported into, locking its row as an append does, so that appends to
	// it wait for the import rather than meet its sequence numbers.
	lockImportTarget = `SELECT contact_id FROM convo_conversations WHERE account_id = $1 AND id = $2 FOR UPDATE`

	// bumpIdentity moves a table's ($1) id sequence up to $2, past the ids
	// the import writes as given (importer.reserve), so that the ids
	// handed out meanwhile and next are free; it never moves it back. A
	// sequence is not transactional: a failed import leaves a gap, as a
	// failed insert does.
	bumpIdentity = `SELECT setval(s.seq, $2::bigint) FROM (SELECT pg_get_serial_sequence($1, 'id')::regclass AS seq) s
WHERE coalesce(pg_sequence_last_value(s.seq), 0) < $2::bigint`
	// identityAt is where a table's ($1) id sequence stands.
	identityAt = `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass), 0)`

	// recountImported derives the maintained columns of the conversations
	// $2 from their messages, by the rules of derived.go, as the appends
	// that wrote them would have; last_seq and last_activity_at only ever
	// move up, and updated_at stays as imported. $1 account.
	recountImported = `UPDATE convo_conversations AS c SET ` + recountDerived + `,
	last_seq = greatest(c.last_seq, ` + recountMaxSeq + `),
	last_activity_at = greatest(c.last_activity_at, (SELECT max(m.created_at) FROM convo_messages m WHERE ` + ofConversation + `))
WHERE c.account_id = $1 AND c.id = ANY($2::bigint[])`
)

// Import implements store.Store.
func (s *Store) Import(ctx context.Context, accountID int64, records iter.Seq2[store.Record, error], opts store.ImportOptions) (store.ImportStats, error) {
	var stats store.ImportStats
	if err := convo.ValidateAccountID(accountID); err != nil {
		return stats, err
	}
	// records may be read once only: a write that read them and lost a
	// race (a deadlock) is not run again, which would import nothing.
	var read bool
	var failed error
	err := s.write(ctx, accountID, func(tx *wtx, now time.Time) error {
		if read {
			return notRunAgain(failed)
		}
		read = true
		stats = backend.NewImportStats(opts)
		im := importer{ctx: ctx, tx: tx, newIDs: opts.NewIDs, accountID: accountID, now: now, stats: &stats,
			touched: map[int64]bool{}, readStates: map[int64]bool{}, sequences: map[string]int64{}, maxIDs: map[string]int64{}}
		failed = im.run(hostErrors(records))
		if failed == nil && backend.Imported(stats) {
			tx.log(store.Change{Kind: store.AccountImported})
		}
		return failed
	})
	if err != nil {
		return store.ImportStats{}, err
	}
	return stats, nil
}

// hostErrors marks the errors records yields as the host's, returned as
// they are.
func hostErrors(records iter.Seq2[store.Record, error]) iter.Seq2[store.Record, error] {
	return func(yield func(store.Record, error) bool) {
		for rec, err := range records {
			if !yield(rec, fromHost(err)) {
				return
			}
		}
	}
}

// notRunAgain is the error of an import whose transaction lost a race
// (err, or its commit when nil) after reading its records: not retryable.
func notRunAgain(err error) error {
	reason := "its commit lost a race"
	if err != nil {
		reason = translate(err).Error()
	}
	return fmt.Errorf("convo: postgres: import: %s; its records were read, so it is not run again", reason)
}

// importer writes the records of one Import.
type importer struct {
	ctx       context.Context
	tx        pgx.Tx
	accountID int64
	now       time.Time
	stats     *store.ImportStats
	// touched are the conversations whose maintained columns need a recount.
	touched map[int64]bool
	// readStates are the conversations where a read state was set.
	readStates map[int64]bool
	// sequences is where each table's id sequence stands, as the import
	// last read or moved it.
	sequences map[string]int64
	// maxIDs is the largest id written as given, by table: the sequences
	// move past them once every record is in.
	maxIDs map[string]int64
	// newIDs stores every record under a new id (ImportOptions.NewIDs),
	// mapped in stats.
	newIDs bool
}

// run writes every record, then recounts what the records' rows derive.
func (im *importer) run(records iter.Seq2[store.Record, error]) error {
	if err := backend.ImportAll(im, records, im.now, translate); err != nil {
		return err
	}
	for table, id := range im.maxIDs {
		if _, err := im.tx.Exec(im.ctx, bumpIdentity, table, id); err != nil {
			return err
		}
	}
	if len(im.touched) > 0 {
		if _, err := im.tx.Exec(im.ctx, recountImported, im.accountID, sortedIDs(im.touched)); err != nil {
			return err
		}
	}
	return im.recountUnseen()
}

// sortedIDs are the keys of ids, in order: rows are locked in id order.
func sortedIDs(ids map[int64]bool) []int64 {
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	slices.Sort(list)
	return list
}

// importIDsAhead is how far past an id written as given reserve moves its
// table's id sequence: a statement per so many ids, and a gap of fewer
// than so many after an import.
const importIDsAhead = 1024

// importIDsNear is how far past its table's sequence an id written as
// given may lie for reserve to move the sequence before the row is
// written: further on than the ids the store hands out while an import
// runs. A sequence does not roll back, so a failed import moves it by no
// more than this; ids further on move it once every record is in (run).
const importIDsNear = 1 << 20

// reserve notes an id written as given into table (id 0 draws from the
// sequence), and, when the id lies near the table's sequence, moves the
// sequence past it before the import writes the row. Another call that
// draws an id meanwhile then never draws one the import holds: its insert
// would wait for the import's transaction and then fail as taken.
func (im *importer) reserve(table string, id int64) error {
	if im.newIDs || id == 0 {
		return nil
	}
	im.maxIDs[table] = max(im.maxIDs[table], id)
	at, known := im.sequences[table]
	if !known {
		if err := im.tx.QueryRow(im.ctx, identityAt, table).Scan(&at); err != nil {
			return err
		}
		im.sequences[table] = at
	}
	if id <= at || id > at+importIDsNear {
		return nil
	}
	ahead := id + importIDsAhead
	if _, err := im.tx.Exec(im.ctx, bumpIdentity, table, ahead); err != nil {
		return err
	}
	im.sequences[table] = ahead
	return nil
}

// Contact implements backend.Importer: it writes a contact, unless it is
// stored as given.
func (im *importer) Contact(c convo.Contact) error {
	ctx, tx := im.ctx, im.tx
	return backend.ImportContact(im.accountID, c, backend.RecordImport[convo.Contact]{Stats: im.stats, NewIDs: im.newIDs,
		Get:   func(id int64) (convo.Contact, error) { return getContact(ctx, tx, im.accountID, id) },
		Check: func(c convo.Contact) error { return checkContactClash(ctx, tx, c) },
		Insert: func(c convo.Contact) (id int64, err error) {
			args, err := contactArgs(c)
			if err != nil {
				return 0, err
			}
			args[17] = idValue(c.ID)
			if err := im.reserve("convo_contacts", c.ID); err != nil {
				return 0, err
			}
			if err := tx.QueryRow(ctx, importContact, args...).Scan(&id); err != nil {
				return 0, err
			}
			return id, nil
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
			return queryOne(ctx, tx, importedContact, []any{im.accountID, c.ContactID}, &id)
		},
		Insert: func(c convo.Conversation) (id int64, err error) {
			custom, additional, err := backend.AttributesJSON(c.CustomAttributes, c.AdditionalAttributes)
			if err != nil {
				return 0, err
			}
			if err := im.reserve("convo_conversations", c.ID); err != nil {
				return 0, err
			}
			err = tx.QueryRow(ctx, importConversation, idValue(c.ID), c.UUID, im.accountID, c.ContactID,
				string(c.Channel), idValue(c.InboxID), idValue(c.TeamID), uuidValue(c.AssigneeID), uuidValue(c.AuthorID),
				statusCodes[c.Status], timeValue(c.SnoozedUntil), int16(c.Priority.Rank()), c.Muted, custom, additional,
				timeValue(c.HappenedAt), timeValue(c.CreatedAt), timeValue(c.UpdatedAt), timeValue(c.LastActivityAt),
				timeValue(c.FirstReplyCreatedAt), timeValue(c.WaitingSince), timeValue(c.AgentLastSeenAt),
				timeValue(c.AssigneeLastSeenAt), timeValue(c.ContactLastSeenAt), c.LastSeq).Scan(&id)
			if err != nil {
				return 0, err
			}
			for _, l := range c.Labels {
				if _, err := tx.Exec(ctx, insertLabel, im.accountID, id, l); err != nil {
					return 0, err
				}
			}
			members := convo.NewConversation{AuthorID: c.AuthorID, UserIDs: c.UserIDs}.Participants()
			if _, err := changeMembers(ctx, tx, im.accountID, id, insertParticipant, insertAudience, members, c.AudienceIDs); err != nil {
				return 0, err
			}
			im.touched[id] = true
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
		if m.ReplyToID != 0 {
			m.ReplyToID = backend.Ref(im.stats.MessageIDs, m.ReplyToID)
		}
	}
	var contactID int64
	if err := queryOne(ctx, tx, lockImportTarget, []any{im.accountID, m.ConversationID}, &contactID); err != nil {
		return fmt.Errorf("conversation %d: %w", m.ConversationID, err)
	}
	if m.ContactID != 0 && m.ContactID != contactID {
		return convo.Invalid("contact_id", convo.CodeMismatch, "is not the conversation's contact")
	}
	m.AccountID, m.ContactID = im.accountID, contactID
	m.WrittenAt, m.CreatedAt, m.UpdatedAt = backend.StoredTime(m.WrittenAt), backend.StoredTime(m.CreatedAt), backend.StoredTime(m.UpdatedAt)
	m.DeletedAt = backend.StoredTime(m.DeletedAt)
	j, err := backend.EncodeMessageJSON(m)
	if err != nil {
		return err
	}
	if !im.newIDs {
		switch stored, err := getMessage(ctx, tx, im.accountID, m.ID); {
		case err == nil:
			if err := j.Decode(&m); err != nil { // the JSON fields as they read back
				return err
			}
			return backend.Unchanged(im.stats, store.KindMessage, m.ID, backend.ImportedMessage(stored), backend.ImportedMessage(m))
		case !errors.Is(err, convo.ErrNotFound):
			return err
		}
	}
	var parent replyParent
	if m.ReplyToID != 0 {
		if parent, err = im.replyParent(m); err != nil {
			return err
		}
	}
	if err := im.reserve("convo_messages", m.ID); err != nil {
		return err
	}
	err = tx.QueryRow(ctx, importMessage, idValue(m.ID), im.accountID, m.ConversationID, m.Seq, m.Content,
		string(m.ContentType), j.ContentAttributes, int16(m.Type.Code()), m.Private, string(m.Status),
		textValue(m.SourceID), string(m.SenderType), uuidValue(m.AuthorID), timeValue(m.WrittenAt),
		timeValue(m.CreatedAt), timeValue(m.UpdatedAt), j.Attachments, j.ExternalIDs, j.Additional,
		tsvector(im.accountID, m.Content), idValue(m.ReplyToID), timeValue(m.DeletedAt), m.ExternalError).Scan(&m.ID)
	if err != nil {
		return err
	}
	if m.ReplyToID != 0 {
		if _, err := tx.Exec(ctx, bumpParent, im.accountID, parent.m.ID, m.CreatedAt); err != nil {
			return err
		}
	}
	if im.newIDs {
		im.stats.MessageIDs[given] = m.ID
	}
	im.touched[m.ConversationID] = true
	im.stats.Messages++
	return nil
}

// replyParent finds the message m replies to: one written before it or
// already in the account (else ErrNotFound), of its conversation (else
// ErrInvalid).
func (im *importer) replyParent(m convo.Message) (replyParent, error) {
	var p replyParent
	var source string
	var count int32
	var last dbTime
	err := queryOne(im.ctx, im.tx, selectParentByID, []any{im.accountID, m.ReplyToID}, &p.m.ConversationID, &p.m.ID,
		&source, &count, &last)
	switch {
	case err != nil:
		return p, fmt.Errorf("message %d: %w", m.ReplyToID, err)
	case p.m.ConversationID != m.ConversationID:
		return p, convo.Invalid("reply_to_id", convo.CodeInvalid, "is not a message of the conversation")
	}
	return p, nil
}

// Reactions and versions: a record each, of a message written before it
// or already in the account; their counts on the message move as they
// are written, as AddReaction and UpdateMessage move them.

const (
	// selectReaction reads a reactor's reaction to a message. $1 account,
	// $2 message, $3 reaction, $4 reactor type, $5 user.
	selectReaction = `SELECT ` + reactionColumns + ` FROM convo_message_reactions r
WHERE r.account_id = $1 AND r.message_id = $2 AND r.reaction = $3 AND r.reactor_type = $4 AND r.user_id IS NOT DISTINCT FROM $5::uuid`

	selectVersion = `SELECT ` + versionColumns + ` FROM convo_message_versions v
WHERE v.account_id = $1 AND v.message_id = $2 AND v.version = $3`

	// countVersion counts an imported version on its message. $1
	// account, $2 message, $3 version, $4 its edited_at.
	countVersion = `UPDATE convo_messages SET edit_count = $3, edited_at = $4 WHERE account_id = $1 AND id = $2`
)

// importedMessage locks the conversation of the message a reaction or
// version is imported for, as the calls that write them do, and reads the
// message.
func (im *importer) importedMessage(id int64) (convo.Message, error) {
	if im.newIDs {
		id = backend.Ref(im.stats.MessageIDs, id)
	}
	m, err := lockedMessage(im.ctx, im.tx, im.accountID, id)
	if err != nil {
		return m, fmt.Errorf("message %d: %w", id, err)
	}
	return m, nil
}

// deletedMessage is the error of a reaction or version for a tombstone.
func deletedMessage() error {
	return convo.Invalid("message_id", convo.CodeDeleted, "the message is deleted")
}

// Reaction implements backend.Importer: it writes a reaction, unless it
// is stored as given.
func (im *importer) Reaction(x convo.Reaction) error {
	m, err := im.importedMessage(x.MessageID)
	if err != nil {
		return err
	}
	x.MessageID, x.CreatedAt = m.ID, backend.StoredTime(x.CreatedAt)
	by := string(x.By.Type)
	rows, err := queryRows[reactionRow](im.ctx, im.tx, 1, selectReaction, im.accountID, m.ID, x.Reaction, by, uuidValue(x.By.UserID))
	if err != nil {
		return err
	}
	if len(rows) > 0 {
		return backend.Unchanged(im.stats, store.KindReaction, m.ID, rows[0].toReaction(), x)
	}
	if m.Deleted() {
		return deletedMessage()
	}
	if err := backend.CheckReactionAdded(m, x.Reaction); err != nil {
		return err
	}
	var counts *string
	if err := im.tx.QueryRow(im.ctx, addReaction, im.accountID, m.ID, x.Reaction, by, uuidValue(x.By.UserID),
		x.CreatedAt).Scan(&counts); err != nil {
		return err
	}
	im.stats.Reactions++
	return nil
}

// Version implements backend.Importer: it writes a version, the next of
// its message, unless it is stored as given.
func (im *importer) Version(v convo.MessageVersion) error {
	m, err := im.importedMessage(v.MessageID)
	if err != nil {
		return err
	}
	v.MessageID, v.EditedAt = m.ID, backend.StoredTime(v.EditedAt)
	rows, err := queryRows[versionRow](im.ctx, im.tx, 1, selectVersion, im.accountID, m.ID, v.Version)
	if err != nil {
		return err
	}
	switch {
	case len(rows) > 0:
		return backend.Unchanged(im.stats, store.KindVersion, m.ID, rows[0].toVersion(), v)
	case m.Deleted():
		return deletedMessage()
	case v.Version != m.EditCount+1:
		return convo.Invalid("version", convo.CodeInvalid, fmt.Sprintf("message %d has %d versions: the next is %d",
			m.ID, m.EditCount, m.EditCount+1))
	}
	if _, err := im.tx.Exec(im.ctx, insertVersion, im.accountID, m.ID, v.Version, v.Content, v.EditedAt,
		string(v.EditedBy.Type), uuidValue(v.EditedBy.UserID)); err != nil {
		return err
	}
	if _, err := im.tx.Exec(im.ctx, countVersion, im.accountID, m.ID, v.Version, v.EditedAt); err != nil {
		return err
	}
	im.stats.Versions++
	return nil
}

// Read state: one record per read horizon.

const (
	// selectSeqCeiling is the highest seq a horizon may have in a
	// conversation: its last_seq or its newest message, whichever is
	// higher (an import recounts last_seq at its end). $1 account, $2
	// conversation.
	selectSeqCeiling = `SELECT greatest(c.last_seq, (SELECT max(m.seq) FROM convo_messages m
	WHERE m.account_id = $1 AND m.conversation_id = $2)) FROM convo_conversations c WHERE c.account_id = $1 AND c.id = $2`

	selectHorizon = `SELECT seen_seq FROM convo_read_horizons WHERE account_id = $1 AND conversation_id = $2 AND user_id = $3`

	// importHorizon sets a horizon to exactly seq $4, either way, creating
	// it; the recount then counts what is unseen after it.
	importHorizon = `INSERT INTO convo_read_horizons (account_id, conversation_id, user_id, seen_seq, unseen_count)
VALUES ($1, $2, $3, $4, 0) ON CONFLICT (account_id, conversation_id, user_id) DO UPDATE SET seen_seq = excluded.seen_seq`
)

// recountUnseen recounts what the unseen-count triggers maintain for the
// conversations $2, from their own messages: their non-activity count, on
// the conversation and on its audience rows, then every horizon's unseen
// count. $1 account.
var recountUnseen = []string{
	`UPDATE convo_conversations c SET non_activity_count = (SELECT count(*) FROM convo_messages m
	WHERE ` + ofConversation + ` AND ` + isReadable + `)
WHERE c.account_id = $1 AND c.id = ANY($2::bigint[])`,
	`UPDATE convo_conversation_audiences a SET non_activity_count = c.non_activity_count FROM convo_conversations c
WHERE a.account_id = $1 AND a.conversation_id = ANY($2::bigint[]) AND c.account_id = a.account_id AND c.id = a.conversation_id`,
	`UPDATE convo_read_horizons h SET unseen_count = (SELECT count(*) FROM convo_messages m
	WHERE m.account_id = h.account_id AND m.conversation_id = h.conversation_id AND m.seq > h.seen_seq
	AND ` + isReadable + ` AND m.author_id IS DISTINCT FROM h.user_id)
WHERE h.account_id = $1 AND h.conversation_id = ANY($2::bigint[])`,
}

// ReadState implements backend.Importer: it sets a user's horizon in a
// conversation (backend.ImportReadState).
func (im *importer) ReadState(r convo.ReadState) error {
	ctx, tx := im.ctx, im.tx
	return backend.ImportReadState(r, backend.ReadStateImport{Stats: im.stats, NewIDs: im.newIDs,
		Written: func(id int64) bool { return im.touched[id] },
		Ceiling: func(id int64) (ceiling int64, err error) {
			return ceiling, queryOne(ctx, tx, selectSeqCeiling, []any{im.accountID, id}, &ceiling)
		},
		Stored: func(id int64, user uuid.UUID) (int64, bool, error) {
			var seq int64
			err := queryOne(ctx, tx, selectHorizon, []any{im.accountID, id, uuidValue(user)}, &seq)
			if errors.Is(err, convo.ErrNotFound) {
				return 0, false, nil
			}
			return seq, err == nil, err
		},
		Set: func(r convo.ReadState) error {
			im.readStates[r.ConversationID] = true
			_, err := tx.Exec(ctx, importHorizon, im.accountID, r.ConversationID, uuidValue(r.UserID), r.SeenSeq)
			return err
		},
	})
}

// recountUnseen recounts the unseen counts of every conversation the
// import wrote to or set a read state in.
func (im *importer) recountUnseen() error {
	all := maps.Clone(im.touched)
	maps.Copy(all, im.readStates)
	if len(all) == 0 {
		return nil
	}
	ids := sortedIDs(all)
	for _, q := range recountUnseen {
		if _, err := im.tx.Exec(im.ctx, q, im.accountID, ids); err != nil {
			return err
		}
	}
	return nil
}

// View implements backend.Importer: it writes a saved view with its
// times, unless it is stored as given; it replaces none.
func (im *importer) View(v store.View) error {
	switch stored, err := getView(im.ctx, im.tx, im.accountID, v.Name); {
	case err == nil:
		return backend.UnchangedView(im.stats, stored, v)
	case !errors.Is(err, convo.ErrNotFound):
		return err
	}
	text, err := backend.ConditionsJSON(v.Conditions)
	if err != nil {
		return err
	}
	if _, err := im.tx.Exec(im.ctx, importView, im.accountID, v.Name, text, v.CreatedAt, v.UpdatedAt); err != nil {
		return err
	}
	im.stats.Views++
	return nil
}
