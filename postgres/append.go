package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// The append: the one path every message, activity messages included, is
// added by. It locks its conversation's row first (FOR UPDATE), so that
// appends to one conversation take turns and sequence numbers stay dense
// however many writers run; appends to different conversations run at once.

const (
	// lockAppendTarget reads what an append needs to know of its
	// conversation, locking its row for the rest of the transaction.
	lockAppendTarget = `SELECT contact_id, last_seq, status, last_activity_at, muted, snoozed_until IS NOT NULL
FROM convo_conversations
WHERE account_id = $1 AND id = $2 FOR UPDATE`

	selectBySourceID = `SELECT id, conversation_id FROM convo_messages WHERE account_id = $1 AND source_id = $2`

	// appendOne writes an append in one statement: the message, then,
	// when it went in, the conversation's maintained columns and the
	// contact's last activity. A source id already taken (the one unique
	// key a new message can meet) makes it write nothing and return no
	// row. The conversation's update keeps the rules of derived.go one
	// message at a time (the message is the newest: unread when incoming
	// and after the agent's last look, the last non-activity one when not
	// activity); an incoming message starts the wait for a reply, a human
	// reply ends it. $1 account, $2 conversation, $3 seq, $4..$13,
	// $15..$18, $24 and $25 the message, $14 now, $19 incoming, $20 not an
	// activity, $21 a human reply, $22 it moves the last activity, $23 it
	// reopens. A reply's parent is moved by bumpParent, a statement of its
	// own: an append that is no reply does not pay for it.
	appendOne = `WITH m AS (
	INSERT INTO convo_messages (account_id, conversation_id, seq, content, content_type, content_attributes,
		message_type, private, status, source_id, sender_type, author_id, written_at, created_at, updated_at,
		attachments, external_source_ids, additional_attributes, words, reply_to_id, external_error)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17, $18::tsvector, $24, $25)
	ON CONFLICT DO NOTHING RETURNING id
), c AS (
	UPDATE convo_conversations SET
	last_seq = $3,
	messages_count = messages_count + 1,
	updated_at = $14,
	last_incoming_at = CASE WHEN $19 THEN greatest(last_incoming_at, $14) ELSE last_incoming_at END,
	unread_count = unread_count + CASE WHEN $19 AND $14 > coalesce(agent_last_seen_at, '-infinity') THEN 1 ELSE 0 END,
	last_non_activity_message_id = CASE WHEN $20 THEN (SELECT id FROM m) ELSE last_non_activity_message_id END,
	non_activity_count = non_activity_count + CASE WHEN $20 THEN 1 ELSE 0 END,
	waiting_since = CASE WHEN $19 THEN coalesce(waiting_since, $14) WHEN $21 THEN NULL ELSE waiting_since END,
	first_reply_created_at = CASE WHEN $21 THEN coalesce(first_reply_created_at, $14) ELSE first_reply_created_at END,
	last_activity_at = CASE WHEN $22 THEN $14 ELSE last_activity_at END,
	status = CASE WHEN $23 THEN 0 ELSE status END,
	snoozed_until = CASE WHEN $23 THEN NULL ELSE snoozed_until END
	WHERE account_id = $1 AND id = $2 AND EXISTS (SELECT FROM m)
	RETURNING contact_id
), k AS (
	UPDATE convo_contacts t SET last_activity_at = $14 FROM c WHERE $19 AND t.account_id = $1 AND t.id = c.contact_id
)
SELECT id FROM m`

	// recordAppend records the changes of appendOne in a transaction of
	// its own, as record.go would (the message, then the status of a
	// conversation it reopened), when the message went in: the
	// conversation's last seq is then the message's. It is a statement of
	// its own, after appendOne, so that the account's head is the last
	// lock the append takes, as in every write: appendOne's triggers lock
	// count rows at its end. $1 account, $2 conversation, $3 seq, $4 it
	// reopened, $5 now, $6 and $7 the codes of a created message and an
	// updated conversation, $8 the reopening's fields.
	recordAppend = `WITH m AS (
	SELECT m.id, c.contact_id FROM convo_conversations c
	JOIN convo_messages m ON m.account_id = c.account_id AND m.conversation_id = c.id AND m.seq = c.last_seq
	WHERE c.account_id = $1 AND c.id = $2 AND c.last_seq = $3
), h AS (
	INSERT INTO convo_change_heads AS h (account_id, position)
	SELECT $1, CASE WHEN $4 THEN 2 ELSE 1 END FROM m
	ON CONFLICT (account_id) DO UPDATE SET position = h.position + excluded.position
	RETURNING position
), f AS (
	INSERT INTO convo_changes (account_id, position, kind, contact_id, conversation_id, message_id, fields, at)
	SELECT $1, h.position - CASE WHEN $4 THEN 1 ELSE 0 END, $6::smallint, NULL::bigint, $2, m.id, NULL::text, $5::timestamptz
	FROM h, m
	UNION ALL
	SELECT $1, h.position, $7::smallint, m.contact_id, $2, NULL, $8, $5 FROM h, m WHERE $4
)
SELECT pg_notify('` + notifyChannel + `', $1::text) FROM h`
)

// lockAppendTargetProbe is lockAppendTarget and, in the same round trip,
// write's probe of an overdue snooze (snoozeIsDue, $3 now).
const lockAppendTargetProbe = `SELECT contact_id, last_seq, status, last_activity_at, muted, snoozed_until IS NOT NULL,
	EXISTS (SELECT 1 FROM convo_conversations WHERE status = 3 AND snoozed_until <= $3)
FROM convo_conversations WHERE account_id = $1 AND id = $2 FOR UPDATE`

// errAppendSlow ends a pipelined append that needs the general path: a
// snooze to wake first, or a source id already taken.
var errAppendSlow = errors.New("postgres: append needs the general path")

// appendPipelined is AddMessage in two round trips: BEGIN with the lock of
// the conversation (and the snooze probe), then, once the clock is read,
// appendOne, recordAppend and COMMIT. It is errAppendSlow, having written
// nothing, when a snooze is due, the feed is due a trim (which a write
// does), or the message met a taken key: the caller runs the general path,
// which handles them.
func (s *Store) appendPipelined(ctx context.Context, conn *pgx.Conn, accountID, conversationID int64, in convo.NewMessage) (convo.Message, error) {
	var t appendTarget
	var due bool
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(lockAppendTargetProbe, accountID, conversationID, s.clock()).QueryRow(func(row pgx.Row) error {
		return row.Scan(append(t.dest(), &due)...)
	})
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		// Untranslated: writePipelined runs a lost race (a deadlock of the
		// lock's queue) again, and makes ErrNoRows not found.
		return convo.Message{}, err
	}
	now := s.clock() // once the row is locked: see lockConversation
	if due || s.trimDue(now, false) {
		return convo.Message{}, errAppendSlow
	}
	in = in.WithDefaults(now)
	if err := in.Validate(); err != nil {
		return convo.Message{}, err
	}
	p, err := planAppend(accountID, conversationID, &t, in, now)
	if err != nil {
		return convo.Message{}, err
	}
	inserted := false
	b = &pgx.Batch{}
	b.Queue(appendOne, p.args()...).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&p.m.ID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // written nothing: COMMIT ends the transaction
		}
		inserted = err == nil
		return err
	})
	b.Queue(recordAppend, accountID, conversationID, p.m.Seq, p.reopens, now,
		backend.ChangeKindCodes[store.MessageCreated], backend.ChangeKindCodes[store.ConversationUpdated],
		backend.FieldsText(backend.ReopenChange(p.m, p.unsnoozes).Fields))
	b.Queue("COMMIT")
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return convo.Message{}, err
	}
	if !inserted {
		return convo.Message{}, errAppendSlow
	}
	return p.m, nil
}

// appendTarget is a row of lockAppendTarget.
type appendTarget struct {
	ContactID      int64
	LastSeq        int64
	Status         int16
	LastActivityAt dbTime
	Muted          bool
	Snoozed        bool // a snooze time is set
}

func (t *appendTarget) dest() []any {
	return []any{&t.ContactID, &t.LastSeq, &t.Status, &t.LastActivityAt, &t.Muted, &t.Snoozed}
}

// appendMessage writes a valid message at the end of a conversation and
// keeps the conversation's maintained columns true. A message whose source
// id is already stored in the conversation is returned as stored instead.
func appendMessage(ctx context.Context, tx *wtx, accountID, conversationID int64, in convo.NewMessage, now time.Time) (convo.Message, error) {
	var t appendTarget
	if err := queryOne(ctx, tx, lockAppendTarget, []any{accountID, conversationID}, t.dest()...); err != nil {
		return convo.Message{}, err
	}
	return appendLocked(ctx, tx, accountID, conversationID, &t, in, now)
}

// appendLocked is appendMessage once lockAppendTarget has locked the
// conversation and read t.
func appendLocked(ctx context.Context, tx *wtx, accountID, conversationID int64, t *appendTarget, in convo.NewMessage, now time.Time) (convo.Message, error) {
	p, err := planAppend(accountID, conversationID, t, in, now)
	if err != nil {
		return convo.Message{}, err
	}
	var parent replyParent
	if isReply(in) {
		if parent, err = findReplyParent(ctx, tx, accountID, conversationID, in); err != nil {
			return convo.Message{}, err
		}
		p.m.ReplyToID = parent.m.ID
	}
	err = tx.QueryRow(ctx, appendOne, p.args()...).Scan(&p.m.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return messageBySourceID(ctx, tx, accountID, conversationID, p.m.SourceID)
	}
	if err != nil {
		return convo.Message{}, err
	}
	p.log(tx)
	if p.m.ReplyToID != 0 {
		if err := parent.bump(ctx, tx, now); err != nil {
			return convo.Message{}, err
		}
	}
	return p.m, nil
}

// plannedAppend is an append worked out once its conversation is locked:
// the message as it is written (but its id) and what it changes of the
// conversation.
type plannedAppend struct {
	m                                                 convo.Message
	j                                                 backend.MessageJSON
	incoming, notActivity, humanReply, moves, reopens bool
	// unsnoozes: the reopening clears a snooze time.
	unsnoozes bool
}

// planAppend plans the append of a valid message to the conversation t,
// and moves t on as appendOne moves the conversation's row.
func planAppend(accountID, conversationID int64, t *appendTarget, in convo.NewMessage, now time.Time) (plannedAppend, error) {
	if in.ContactID != 0 && in.ContactID != t.ContactID {
		return plannedAppend{}, convo.Invalid("contact_id", convo.CodeMismatch, "is not the conversation's contact")
	}
	p := plannedAppend{m: convo.Message{
		AccountID: accountID, ConversationID: conversationID, ContactID: t.ContactID, Seq: t.LastSeq + 1,
		Content: in.Content, ContentType: in.ContentType, ContentAttributes: in.ContentAttributes, Type: in.Type,
		Private: in.Private, Status: in.Status, SourceID: in.SourceID, SenderType: in.SenderType,
		AuthorID: in.AuthorID, WrittenAt: backend.StoredTime(in.WrittenAt), CreatedAt: now, UpdatedAt: now,
		Attachments: in.Attachments, ExternalSourceIDs: in.ExternalSourceIDs, AdditionalAttributes: in.AdditionalAttributes,
		ExternalError: in.ExternalError,
	}}
	var err error
	if p.j, err = backend.EncodeMessageJSON(p.m); err != nil {
		return plannedAppend{}, err
	}
	p.incoming = in.Type == convo.MessageIncoming
	p.notActivity = in.Type != convo.MessageActivity
	p.humanReply = in.Type == convo.MessageOutgoing && !in.Private && p.m.SenderType == convo.SenderUser
	p.moves = now.After(t.LastActivityAt.Time)
	p.reopens = p.incoming && !t.Muted &&
		(t.Status == statusCodes[convo.StatusResolved] || t.Status == statusCodes[convo.StatusSnoozed])
	t.LastSeq = p.m.Seq
	if p.moves {
		t.LastActivityAt.Time = now
	}
	if p.reopens {
		p.unsnoozes = t.Snoozed
		t.Status, t.Snoozed = statusCodes[convo.StatusOpen], false
	}
	return p, nil
}

// args are appendOne's arguments.
func (p *plannedAppend) args() []any {
	m := &p.m
	return []any{m.AccountID, m.ConversationID, m.Seq, m.Content, string(m.ContentType),
		p.j.ContentAttributes, int16(m.Type.Code()), m.Private, string(m.Status), textValue(m.SourceID),
		string(m.SenderType), uuidValue(m.AuthorID), timeValue(m.WrittenAt), m.CreatedAt, p.j.Attachments, p.j.ExternalIDs,
		p.j.Additional, tsvector(m.AccountID, m.Content), p.incoming, p.notActivity, p.humanReply, p.moves, p.reopens,
		idValue(m.ReplyToID), m.ExternalError}
}

// log logs what the append changed: the message, then the conversation
// when the message reopened it.
func (p *plannedAppend) log(tx *wtx) {
	tx.changes.MessageCreated(p.m)
	if p.reopens {
		tx.log(backend.ReopenChange(p.m, p.unsnoozes))
	}
}

// addActivity records a change in the conversation's timeline.
func addActivity(ctx context.Context, tx *wtx, accountID, conversationID int64, content string, now time.Time) error {
	in := convo.NewMessage{Type: convo.MessageActivity, Content: content}.WithDefaults(now)
	_, err := appendMessage(ctx, tx, accountID, conversationID, in, now)
	return err
}

// messageBySourceID returns the message of the conversation with the
// source id, ErrConflict when the source id belongs to another
// conversation. It is asked only when an insert met a taken key.
func messageBySourceID(ctx context.Context, tx pgx.Tx, accountID, conversationID int64, sourceID string) (convo.Message, error) {
	var id, inConversation int64
	err := convo.ErrNotFound
	if sourceID != "" {
		err = queryOne(ctx, tx, selectBySourceID, []any{accountID, sourceID}, &id, &inConversation)
	}
	switch {
	case errors.Is(err, convo.ErrNotFound):
		return convo.Message{}, fmt.Errorf("%w: the next seq of conversation %d is taken", convo.ErrConflict, conversationID)
	case err != nil:
		return convo.Message{}, err
	case inConversation != conversationID:
		return convo.Message{}, fmt.Errorf("%w: source_id %q is used in conversation %d", convo.ErrConflict, sourceID, inConversation)
	}
	return getMessage(ctx, tx, accountID, id)
}

// wordsPendingList bounds the words index's pending list for the store's
// sessions, in kB: a search reads at most this much of pending entries
// (about 0.3 ms) once a single append has merged what a batch left.
const wordsPendingList = "256"

// The batch append: AddMessages' items in a handful of statements, however
// many there are. It locks the batch's conversations as lockConversations
// does, plans every item as appendMessage would one after the other, then
// inserts the messages in one statement and moves each conversation (and
// contact) once, by the sum of its messages' steps of appendOne.
const (
	// lockBatchTargets is lockAppendTarget for a batch's conversations, in
	// id order (see lockConversations).
	lockBatchTargets = `SELECT id, contact_id, last_seq, status, last_activity_at, muted, snoozed_until IS NOT NULL
FROM convo_conversations
WHERE account_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE`

	// bulkPendingList lets the words index's pending list grow to 4 MB
	// (in kB) for the rest of a batch's transaction, rather than the
	// wordsPendingList of a session: its entries are then merged into the
	// index in long sorted runs (migration 0007).
	bulkPendingList = `SELECT set_config('gin_pending_list_limit', '4096', true)`

	// takeMessageIDs takes $1 ids for a batch's messages from the
	// messages' identity, in the order the batch gets them.
	takeMessageIDs = `SELECT nextval(s.seq) FROM (SELECT pg_get_serial_sequence('convo_messages', 'id')::regclass AS seq) s,
	generate_series(1, $1) ORDER BY 1`

	// bumpConversations is appendOne's update of the conversation for all
	// of a conversation's messages at once: the counts add up, the last
	// values are the last message's, the flags are any message's (they
	// share one time, $2). waiting is where the messages leave the wait
	// for a reply: 0 untouched, 1 started (kept if waiting already), 2
	// restarted now (a human reply ended it before an incoming message), 3
	// ended.
	bumpConversations = `UPDATE convo_conversations AS c SET
	last_seq = u.last_seq,
	messages_count = c.messages_count + u.n,
	updated_at = $2,
	last_incoming_at = CASE WHEN u.incoming > 0 THEN greatest(c.last_incoming_at, $2) ELSE c.last_incoming_at END,
	unread_count = c.unread_count + CASE WHEN $2 > coalesce(c.agent_last_seen_at, '-infinity') THEN u.incoming ELSE 0 END,
	last_non_activity_message_id = coalesce(u.last_non_activity_id, c.last_non_activity_message_id),
	non_activity_count = c.non_activity_count + u.non_activity,
	waiting_since = CASE u.waiting WHEN 1 THEN coalesce(c.waiting_since, $2) WHEN 2 THEN $2 WHEN 3 THEN NULL
		ELSE c.waiting_since END,
	first_reply_created_at = CASE WHEN u.replied THEN coalesce(c.first_reply_created_at, $2) ELSE c.first_reply_created_at END,
	last_activity_at = CASE WHEN u.moves THEN $2 ELSE c.last_activity_at END,
	status = CASE WHEN u.reopens THEN 0 ELSE c.status END,
	snoozed_until = CASE WHEN u.reopens THEN NULL ELSE c.snoozed_until END
FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::smallint[],
	$10::boolean[], $11::boolean[], $12::boolean[])
	AS u(id, last_seq, n, incoming, last_non_activity_id, non_activity, waiting, replied, moves, reopens)
WHERE c.account_id = $1 AND c.id = u.id`

	// touchContacts is appendOne's update of the contact for every contact
	// with an incoming message.
	touchContacts = `UPDATE convo_contacts SET last_activity_at = $2 WHERE account_id = $1 AND id = ANY($3)`
)

// Where a conversation's messages leave the wait for a reply: see
// bumpConversations.
const (
	waitUntouched int16 = iota
	waitStarted
	waitRestarted
	waitEnded
)

// batchBump sums the steps of a conversation's messages.
type batchBump struct {
	target                   appendTarget
	n, incoming, nonActivity int64
	lastNonActivity          int // the index of the last message not activity, -1 none
	waiting                  int16
	replied, moves, reopens  bool
}

// add takes p's step.
func (b *batchBump) add(p *plannedAppend, i int) {
	b.n++
	if p.incoming {
		b.incoming++
		if b.waiting == waitEnded || b.waiting == waitRestarted {
			b.waiting = waitRestarted
		} else {
			b.waiting = waitStarted
		}
	} else if p.humanReply {
		b.waiting = waitEnded
		b.replied = true
	}
	if p.notActivity {
		b.nonActivity++
		b.lastNonActivity = i
	}
	b.moves = b.moves || p.moves
	b.reopens = b.reopens || p.reopens
}

// appendBatch appends the batch's messages, each by appendMessage's rules,
// and returns them in order. It reads the clock once the conversations are
// locked. It is errAppendSlow, having written what the caller's
// transaction rolls back, for a batch it does not take: one with a bad item
// (AddMessages names the first one as appendMessage meets it), a source id
// twice, or a message that met a taken key; the caller then appends item by
// item. A batch with a reply is appended item by item too.
func appendBatch(ctx context.Context, tx *wtx, accountID int64, batch []store.MessageTo, ids []int64) ([]convo.Message, error) {
	for _, item := range batch {
		if isReply(item.Message) {
			return nil, errAppendSlow // each reply resolves its parent, which may be in the batch
		}
	}
	bumps := make(map[int64]*batchBump, len(ids))
	unseen := newBatchUnseen()
	lb := &pgx.Batch{}
	lb.Queue(lockBatchTargets, accountID, ids).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var id int64
			b := &batchBump{lastNonActivity: -1}
			if err := rows.Scan(append([]any{&id}, b.target.dest()...)...); err != nil {
				return err
			}
			bumps[id] = b
		}
		return rows.Err()
	})
	lb.Queue(selectBatchHorizons, accountID, ids).Query(unseen.scan)
	if err := tx.SendBatch(ctx, lb).Close(); err != nil {
		return nil, err
	}
	now := tx.clock() // once the rows are locked: see lockConversation
	plans := make([]plannedAppend, len(batch))
	sourceIDs := make(map[string]bool)
	var err error
	for i, item := range batch {
		in := item.Message.WithDefaults(now)
		b := bumps[item.ConversationID]
		if in.Validate() != nil || b == nil || (in.SourceID != "" && sourceIDs[in.SourceID]) {
			return nil, errAppendSlow
		}
		if in.SourceID != "" {
			sourceIDs[in.SourceID] = true
		}
		if plans[i], err = planAppend(accountID, item.ConversationID, &b.target, in, now); err != nil {
			return nil, errAppendSlow
		}
		b.add(&plans[i], i)
		unseen.add(&plans[i].m)
	}
	if err := insertBatch(ctx, tx, accountID, now, plans); err != nil {
		return nil, err
	}
	// what the messages move, in one round trip
	wb := &pgx.Batch{}
	queueBumps(wb, accountID, now, ids, bumps, plans)
	unseen.queue(wb, accountID, ids)
	wb.Queue(setBatchUnseen, "")
	if err := tx.SendBatch(ctx, wb).Close(); err != nil {
		return nil, err
	}
	out := make([]convo.Message, len(plans))
	for i := range plans {
		out[i] = plans[i].m
		plans[i].log(tx)
	}
	return out, nil
}

// messageCopyColumns are the columns insertBatch copies, in the order of
// copyRow's values; the others take their defaults, as in appendOne.
var messageCopyColumns = []string{"account_id", "id", "conversation_id", "seq", "content", "content_type",
	"content_attributes", "message_type", "private", "status", "source_id", "sender_type", "author_id", "written_at",
	"created_at", "updated_at", "attachments", "external_source_ids", "additional_attributes", "words", "external_error"}

// insertBatch gives the planned messages their ids, in order, and copies
// them in, each row as appendOne's insert writes it: COPY, as a bulk load
// wants, writes the rows a page at a time and reads no row back. A copy
// that meets a taken key fails whole (it cannot skip the row as appendOne
// does): errAppendSlow then, and the caller's transaction rolls back.
func insertBatch(ctx context.Context, tx pgx.Tx, accountID int64, now time.Time, plans []plannedAppend) error {
	b := &pgx.Batch{}
	b.Queue(setBatchUnseen, "on")
	b.Queue(bulkPendingList)
	b.Queue(takeMessageIDs, len(plans)).Query(func(rows pgx.Rows) error {
		i := 0
		for rows.Next() {
			if err := rows.Scan(&plans[i].m.ID); err != nil {
				return err
			}
			i++
		}
		return rows.Err()
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"convo_messages"}, messageCopyColumns,
		pgx.CopyFromSlice(len(plans), func(i int) ([]any, error) { return plans[i].copyRow(accountID, now), nil }))
	if uniqueViolation(err) {
		return errAppendSlow
	}
	return err
}

// copyRow is the message's row in messageCopyColumns.
func (p *plannedAppend) copyRow(accountID int64, now time.Time) []any {
	m, j := &p.m, &p.j
	return []any{accountID, m.ID, m.ConversationID, m.Seq, m.Content, string(m.ContentType), j.ContentAttributes,
		int16(m.Type.Code()), m.Private, string(m.Status), pgtype.Text{String: m.SourceID, Valid: m.SourceID != ""},
		string(m.SenderType), pgtype.UUID{Bytes: m.AuthorID, Valid: m.AuthorID != uuid.Nil}, m.WrittenAt, now, now,
		j.Attachments, j.ExternalIDs, j.Additional, wordsVector(accountID, m.Content), m.ExternalError}
}

// queueBumps queues the moves of the batch's conversations, then of the
// contacts of those with an incoming message.
func queueBumps(b *pgx.Batch, accountID int64, now time.Time, ids []int64, bumps map[int64]*batchBump, plans []plannedAppend) {
	n := len(ids)
	var (
		lastSeqs, counts, incoming, nonActivity = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		lastNonActivity                         = make([]pgtype.Int8, n)
		waiting                                 = make([]int16, n)
		replied, moves, reopens                 = make([]bool, n), make([]bool, n), make([]bool, n)
		contacts                                []int64
	)
	for k, id := range ids {
		b := bumps[id]
		lastSeqs[k], counts[k], incoming[k], nonActivity[k] = b.target.LastSeq, b.n, b.incoming, b.nonActivity
		if b.lastNonActivity >= 0 {
			lastNonActivity[k] = pgtype.Int8{Int64: plans[b.lastNonActivity].m.ID, Valid: true}
		}
		waiting[k], replied[k], moves[k], reopens[k] = b.waiting, b.replied, b.moves, b.reopens
		if b.incoming > 0 {
			contacts = append(contacts, b.target.ContactID)
		}
	}
	b.Queue(bumpConversations, accountID, now, ids, lastSeqs, counts, incoming, lastNonActivity,
		nonActivity, waiting, replied, moves, reopens)
	if len(contacts) > 0 {
		slices.Sort(contacts)
		b.Queue(touchContacts, accountID, now, slices.Compact(contacts))
	}
}

// The unseen counts of a batch. convo_unseen_messages_insert keeps the
// horizons and audiences of one inserted message at a time; for a batch
// it stands aside (setBatchUnseen) and batchUnseen.queue moves every horizon
// and audience row the batch changes once, to what the trigger would have
// made of them message after message. The conversations are locked, and
// every move of a horizon locks its conversation first, so the horizons
// read after the lock stay as read until the commit.
const (
	// setBatchUnseen sets, for the rest of the transaction, whether the
	// insert trigger of the unseen counts stands aside ('on') or not ('').
	setBatchUnseen = `SELECT set_config('convo.batch_unseen', $1, true)`

	// selectBatchHorizons reads the horizons of a batch's conversations.
	selectBatchHorizons = `SELECT conversation_id, user_id, seen_seq FROM convo_read_horizons
WHERE account_id = $1 AND conversation_id = ANY($2)`

	// bumpUnseen writes what a batch changes of the unseen counts: the
	// audiences' counts of messages that are not activity ($2, $3), the
	// authors' new horizons ($4 to $7), and the horizons that were there
	// ($8 to $12): each moved to a seq, its count reset (by its user's
	// message) or not, then raised by the messages after it.
	bumpUnseen = `WITH a AS (
	UPDATE convo_conversation_audiences AS a SET non_activity_count = a.non_activity_count + u.n
	FROM unnest($2::bigint[], $3::bigint[]) AS u(conversation_id, n)
	WHERE a.account_id = $1 AND a.conversation_id = u.conversation_id
), i AS (
	INSERT INTO convo_read_horizons (account_id, conversation_id, user_id, seen_seq, unseen_count)
	SELECT $1, u.conversation_id, u.user_id, u.seen_seq, u.n
	FROM unnest($4::bigint[], $5::uuid[], $6::bigint[], $7::bigint[]) AS u(conversation_id, user_id, seen_seq, n)
)
UPDATE convo_read_horizons AS h SET seen_seq = u.seen_seq,
	unseen_count = CASE WHEN u.reset THEN 0 ELSE h.unseen_count END + u.n
FROM unnest($8::bigint[], $9::uuid[], $10::bigint[], $11::boolean[], $12::bigint[])
	AS u(conversation_id, user_id, seen_seq, reset, n)
WHERE h.account_id = $1 AND h.conversation_id = u.conversation_id AND h.user_id = u.user_id`
)

// batchHorizon is a horizon as a batch moves it.
type batchHorizon struct {
	conversationID int64
	user           uuid.UUID
	seen           int64
	n              int64 // unseen messages added (after the reset, with reset)
	stored         bool  // the row was there before the batch
	reset          bool  // a message of its user reset the count
}

// batchUnseen follows a batch's messages in order, as the trigger would.
type batchUnseen struct {
	horizons  map[int64][]*batchHorizon // by conversation
	audiences map[int64]int64           // messages that are not activity, by conversation
}

func newBatchUnseen() *batchUnseen {
	return &batchUnseen{horizons: map[int64][]*batchHorizon{}, audiences: map[int64]int64{}}
}

// scan reads the rows of selectBatchHorizons.
func (u *batchUnseen) scan(rows pgx.Rows) error {
	for rows.Next() {
		h := &batchHorizon{stored: true}
		if err := rows.Scan(&h.conversationID, &h.user, &h.seen); err != nil {
			return err
		}
		u.horizons[h.conversationID] = append(u.horizons[h.conversationID], h)
	}
	return rows.Err()
}

// add takes one message, the next of its conversation: convo_unseen_messages
// on insert.
func (u *batchUnseen) add(m *convo.Message) {
	c := m.ConversationID
	if m.Type != convo.MessageActivity { // convo_unseen_counted: a new message is no tombstone
		u.audiences[c]++
		for _, h := range u.horizons[c] {
			if h.seen < m.Seq && h.user != m.AuthorID {
				h.n++
			}
		}
	}
	if m.AuthorID == uuid.Nil {
		return
	}
	for _, h := range u.horizons[c] {
		if h.user == m.AuthorID {
			h.seen, h.n, h.reset = max(h.seen, m.Seq), 0, true
			return
		}
	}
	u.horizons[c] = append(u.horizons[c], &batchHorizon{conversationID: c, user: m.AuthorID, seen: m.Seq, reset: true})
}

// queue queues the write of what the batch changed of the unseen counts,
// conversation by conversation in the order of ids.
func (u *batchUnseen) queue(b *pgx.Batch, accountID int64, ids []int64) {
	var (
		audienceConvs, audienceCounts []int64
		newConvs, newSeen, newCounts  []int64
		newUsers                      []uuid.UUID
		oldConvs, oldSeen, oldCounts  []int64
		oldUsers                      []uuid.UUID
		oldResets                     []bool
	)
	for _, c := range ids {
		if n := u.audiences[c]; n > 0 {
			audienceConvs, audienceCounts = append(audienceConvs, c), append(audienceCounts, n)
		}
		for _, h := range u.horizons[c] {
			switch {
			case !h.stored:
				newConvs, newUsers, newSeen, newCounts = append(newConvs, h.conversationID), append(newUsers, h.user),
					append(newSeen, h.seen), append(newCounts, h.n)
			case h.reset || h.n > 0:
				oldConvs, oldUsers, oldSeen, oldCounts = append(oldConvs, h.conversationID), append(oldUsers, h.user),
					append(oldSeen, h.seen), append(oldCounts, h.n)
				oldResets = append(oldResets, h.reset)
			}
		}
	}
	if len(audienceConvs)+len(newConvs)+len(oldConvs) > 0 {
		b.Queue(bumpUnseen, accountID, audienceConvs, audienceCounts, newConvs, newUsers, newSeen, newCounts,
			oldConvs, oldUsers, oldSeen, oldResets, oldCounts)
	}
}
