package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// The append: the one path every message, activity messages included, is
// added by. It is the hottest write, so it runs as few statements as it
// can, and each sets only the columns it must: SQLite rewrites the entries
// of every index on a column an UPDATE sets, whether the value moved or
// not, and each index page it rewrites is a page the commit writes.

const (
	// selectAppendTarget reads what an append needs to know of its
	// conversation: its contact, last seq, status, last activity and
	// whether it is muted.
	selectAppendTarget = `SELECT contact_id, last_seq, status, last_activity_at, muted, snoozed_until IS NOT NULL FROM convo_conversations
WHERE account_id = ? AND id = ?`

	selectBySourceID = `SELECT id, conversation_id FROM convo_messages WHERE account_id = ? AND source_id = ?`

	// insertMessage adds a message. A source id already taken (the one
	// unique key a new message can meet) makes it insert nothing, so that
	// the usual append, whose source id is new, needs no query to find out.
	insertMessage = `INSERT INTO convo_messages (account_id, conversation_id, seq, content, content_type, content_attributes,
	message_type, private, status, source_id, sender_type, author_id, written_at, created_at, updated_at,
	attachments, external_source_ids, additional_attributes, reply_to_id, external_error)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`

	// selectReplyParent finds the message a reply names, by id (?2) or,
	// with the where clause of its second form, by source id (?2). ?1
	// account.
	selectReplyParent = `SELECT conversation_id, id, coalesce(source_id, '') AS source_id,
	coalesce(last_reply_at, 0) AS last_reply_at FROM convo_messages WHERE account_id = ?1 AND id = ?2`
	selectReplyParentBySource = `SELECT conversation_id, id, coalesce(source_id, '') AS source_id,
	coalesce(last_reply_at, 0) AS last_reply_at FROM convo_messages WHERE account_id = ?1 AND source_id = ?2`

	// bumpParent counts a new reply of the parent ?3 at ?1. ?2 account.
	bumpParent = `UPDATE convo_messages SET reply_count = reply_count + 1, last_reply_at = max(coalesce(last_reply_at, ?1), ?1)
WHERE account_id = ?2 AND id = ?3`

	// bumpMaintained keeps the conversation's maintained columns true
	// after an append of one message or several (an appendFold), by the
	// rules of derived.go: the new messages are the last, unread when
	// incoming and after the agent's last look (the newest incoming one,
	// unless the clock went back); the last one not an
	// activity is the last non-activity message; an incoming message
	// starts the wait for a reply, a human reply ends it. ?1 now, ?2 the
	// last seq, ?3 messages, ?4 incoming ones, ?5 the last non-activity
	// message id (NULL: none), ?6 non-activity ones, ?7 the wait (one of
	// the wait constants), ?8 a human reply among them, ?9 account, ?10
	// conversation. The append moves the row version itself, so no
	// trigger writes the row a second time.
	bumpMaintained = `UPDATE convo_conversations SET
	last_seq = ?2,
	messages_count = messages_count + ?3,
	updated_at = ?1,
	last_incoming_at = CASE WHEN ?4 > 0 THEN max(coalesce(last_incoming_at, ?1), ?1) ELSE last_incoming_at END,
	unread_count = unread_count + iif(?1 > coalesce(agent_last_seen_at, -9223372036854775808), ?4, 0),
	last_non_activity_message_id = coalesce(?5, last_non_activity_message_id),
	non_activity_count = non_activity_count + ?6,
	waiting_since = CASE ?7 WHEN 1 THEN coalesce(waiting_since, ?1) WHEN 2 THEN ?1 WHEN 3 THEN NULL ELSE waiting_since END,
	first_reply_created_at = CASE WHEN ?8 THEN coalesce(first_reply_created_at, ?1) ELSE first_reply_created_at END,
	version = version + 1`
	// bumpActivity moves the last activity, when the append is newer:
	// its three indexes change then only.
	bumpActivity = `,
	last_activity_at = ?1`
	// bumpReopen reopens a resolved or snoozed conversation that is not
	// muted on an incoming message: the status indexes change then only.
	bumpReopen = `,
	status = 0,
	snoozed_until = NULL`
	bumpWhere = `
WHERE account_id = ?9 AND id = ?10`

	// touchContact moves the contact's version itself: no trigger write.
	touchContact = `UPDATE convo_contacts SET last_activity_at = ?, version = version + 1 WHERE account_id = ? AND id = ?`

	// moveAuthorHorizon moves the horizon of the author ?3 to their last
	// message ?4, with the ?5 messages after it unseen: bumpMaintained
	// counted every new message that is not activity as unseen on every
	// horizon (the trigger convo_unseen_append), the author's included.
	// ?1 account, ?2 conversation.
	moveAuthorHorizon = `INSERT INTO convo_read_horizons (account_id, conversation_id, user_id, seen_seq, unseen_count)
VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET seen_seq = max(seen_seq, excluded.seen_seq), unseen_count = excluded.unseen_count`
)

// bumpConversation is the update of a conversation after an append, by
// whether it moves the last activity and whether it reopens: four fixed
// statements.
var bumpConversation = [2][2]string{
	{bumpMaintained + bumpWhere, bumpMaintained + bumpReopen + bumpWhere},
	{bumpMaintained + bumpActivity + bumpWhere, bumpMaintained + bumpActivity + bumpReopen + bumpWhere},
}

// The effect of an append on the conversation's wait for a reply, as
// bumpMaintained's ?7 takes it.
const (
	waitKept      = iota // no incoming message, no human reply
	waitStarted          // incoming: waiting since the earlier of then and now
	waitRestarted        // a human reply, then incoming: waiting since now
	waitEnded            // a human reply last: not waiting
)

// appendFold is what the messages appended to one conversation in one
// transaction change in its maintained columns, gathered message by
// message so that one bumpMaintained writes them.
type appendFold struct {
	lastSeq         int64
	count           int
	incoming        int
	lastNonActivity int64 // 0: none
	nonActivity     int
	wait            int
	replied         bool
	moves, reopens  bool
	authors         []authorMark // the users who wrote messages, each once
}

// authorMark is a user's last message among those appended, and how many
// messages that are not activity came after it.
type authorMark struct {
	user  uuid.UUID
	seq   int64
	after int
}

// add folds in the message m, given whether it is a human reply.
func (f *appendFold) add(m convo.Message, humanReply bool) {
	f.lastSeq = m.Seq
	f.count++
	switch {
	case m.Type == convo.MessageIncoming:
		f.incoming++
		if f.wait == waitEnded {
			f.wait = waitRestarted
		} else if f.wait == waitKept {
			f.wait = waitStarted
		}
	case humanReply:
		f.wait, f.replied = waitEnded, true
	}
	if m.Type != convo.MessageActivity {
		f.lastNonActivity = m.ID
		f.nonActivity++
		for i := range f.authors {
			f.authors[i].after++ // the author's own is reset below
		}
	}
	if m.AuthorID != uuid.Nil {
		i := slices.IndexFunc(f.authors, func(a authorMark) bool { return a.user == m.AuthorID })
		if i < 0 {
			f.authors = append(f.authors, authorMark{user: m.AuthorID})
			i = len(f.authors) - 1
		}
		f.authors[i].seq, f.authors[i].after = m.Seq, 0
	}
}

// appender appends messages to the conversations of one account in one
// transaction. Each conversation is read when it is first met, and its
// maintained columns, its contact's last activity and its unseen counts
// are written once, by flush: a batch of 1,000 messages over 100
// conversations runs 1,000 inserts and a few hundred updates, not 1,000
// of each.
type appender struct {
	tx      *dbtx
	account int64
	now     time.Time
	convs   map[int64]*appendConversation
	order   []int64 // the conversations, as first met
}

// appendConversation is a conversation an appender adds to: as read, then
// as its appends left it.
type appendConversation struct {
	target  appendTarget
	fold    appendFold
	touches bool // an incoming message moves the contact's last activity
}

func newAppender(tx *dbtx, accountID int64, now time.Time) *appender {
	return &appender{tx: tx, account: accountID, now: now, convs: map[int64]*appendConversation{}}
}

// moveAuthors moves the horizons of the authors of the messages appended
// to the conversation id, as f gathered them, once bumpMaintained has
// counted the messages.
func (a *appender) moveAuthors(ctx context.Context, id int64, f *appendFold) error {
	for _, w := range f.authors {
		if _, err := a.tx.ExecContext(ctx, moveAuthorHorizon, a.account, id, w.user.String(), w.seq, w.after); err != nil {
			return err
		}
	}
	return nil
}

// conversation returns the conversation, read on first use.
func (a *appender) conversation(ctx context.Context, id int64) (*appendConversation, error) {
	if c, ok := a.convs[id]; ok {
		return c, nil
	}
	target, err := readAppendTarget(ctx, a.tx, a.account, id)
	if err != nil {
		return nil, err
	}
	c := &appendConversation{target: target}
	a.convs[id] = c
	a.order = append(a.order, id)
	return c, nil
}

// flush writes what the appends changed in their conversations and
// contacts.
func (a *appender) flush(ctx context.Context) error {
	var touched []int64 // contacts: one or a few
	for _, id := range a.order {
		c := a.convs[id]
		f := &c.fold
		if f.count > 0 {
			if _, err := a.tx.ExecContext(ctx, bumpConversation[b2i(f.moves)][b2i(f.reopens)], timeValue(a.now), f.lastSeq,
				f.count, f.incoming, nullInt(f.lastNonActivity), f.nonActivity, f.wait, f.replied, a.account, id); err != nil {
				return err
			}
		}
		if err := a.moveAuthors(ctx, id, f); err != nil {
			return err
		}
		if c.touches && !slices.Contains(touched, c.target.ContactID) {
			touched = append(touched, c.target.ContactID)
			if _, err := a.tx.ExecContext(ctx, touchContact, timeValue(a.now), a.account, c.target.ContactID); err != nil {
				return err
			}
		}
	}
	clear(a.convs)
	a.order = a.order[:0]
	return nil
}

// replyParent is a row of selectReplyParent.
type replyParent struct {
	ConversationID int64  `db:"conversation_id"`
	ID             int64  `db:"id"`
	SourceID       string `db:"source_id"`
	LastReplyAt    int64  `db:"last_reply_at"` // microseconds, 0 when none
}

// appendTarget is a row of selectAppendTarget.
type appendTarget struct {
	ContactID      int64
	LastSeq        int64
	Status         int
	LastActivityAt dbTime
	Muted          bool
	SnoozedUntil   bool // a snooze time is set
}

func (r *appendTarget) dest() []any {
	return []any{&r.ContactID, &r.LastSeq, &r.Status, &r.LastActivityAt, &r.Muted, &r.SnoozedUntil}
}

// readAppendTarget reads the conversation a message is added to, or
// ErrNotFound.
func readAppendTarget(ctx context.Context, tx *dbtx, accountID, conversationID int64) (appendTarget, error) {
	rows, err := queryRows[appendTarget](ctx, tx, selectAppendTarget, accountID, conversationID)
	switch {
	case err != nil:
		return appendTarget{}, err
	case len(rows) == 0:
		return appendTarget{}, convo.ErrNotFound
	}
	return rows[0], nil
}

// add writes a valid message at the end of a conversation; flush writes
// what it changes in the conversation. A message whose source id is
// already stored in the conversation is returned as stored instead.
func (a *appender) add(ctx context.Context, conversationID int64, in convo.NewMessage) (convo.Message, error) {
	tx, accountID, now := a.tx, a.account, a.now
	c, err := a.conversation(ctx, conversationID)
	if err != nil {
		return convo.Message{}, err
	}
	target := &c.target
	if in.ContactID != 0 && in.ContactID != target.ContactID {
		return convo.Message{}, convo.Invalid("contact_id", convo.CodeMismatch, "is not the conversation's contact")
	}
	var p replyParent
	parent, err := backend.ReplyParent(in, conversationID, func(id int64, sourceID string) (int64, int64, string, error) {
		var err error
		if id != 0 {
			err = tx.GetContext(ctx, &p, selectReplyParent, accountID, id)
		} else {
			err = tx.GetContext(ctx, &p, selectReplyParentBySource, accountID, sourceID)
		}
		return p.ConversationID, p.ID, p.SourceID, translate(err)
	})
	if err != nil {
		return convo.Message{}, err
	}
	m := convo.Message{
		AccountID: accountID, ConversationID: conversationID, ContactID: target.ContactID, Seq: target.LastSeq + 1,
		Content: in.Content, ContentType: in.ContentType, ContentAttributes: in.ContentAttributes, Type: in.Type,
		Private: in.Private, Status: in.Status, SourceID: in.SourceID, SenderType: in.SenderType,
		AuthorID: in.AuthorID, WrittenAt: backend.StoredTime(in.WrittenAt), CreatedAt: now, UpdatedAt: now,
		Attachments: in.Attachments, ExternalSourceIDs: in.ExternalSourceIDs, AdditionalAttributes: in.AdditionalAttributes,
		ReplyToID: parent, ExternalError: in.ExternalError,
	}
	j, err := backend.EncodeMessageJSON(m)
	if err != nil {
		return convo.Message{}, err
	}
	res, err := tx.ExecContext(ctx, insertMessage, accountID, conversationID, m.Seq, m.Content, string(m.ContentType),
		j.ContentAttributes, m.Type.Code(), m.Private, string(m.Status), nullString(m.SourceID), string(m.SenderType),
		uuidValue(m.AuthorID), timeValue(m.WrittenAt), timeValue(now), timeValue(now), j.Attachments, j.ExternalIDs,
		j.Additional, nullInt(parent), nullString(m.ExternalError))
	if err != nil {
		return convo.Message{}, err
	}
	if inserted, err := res.RowsAffected(); err != nil || inserted == 0 {
		if err != nil {
			return convo.Message{}, err
		}
		return messageBySourceID(ctx, tx, accountID, conversationID, m.SourceID)
	}
	if m.ID, err = res.LastInsertId(); err != nil {
		return convo.Message{}, err
	}
	tx.added = max(tx.added, m.ID) // indexed shortly after the call commits: see indexer.go
	incoming := m.Type == convo.MessageIncoming
	c.fold.add(m, m.Type == convo.MessageOutgoing && !m.Private && m.SenderType == convo.SenderUser)
	target.LastSeq = m.Seq
	c.fold.moves = now.After(target.LastActivityAt.Time) // the same for every message of the call
	c.touches = c.touches || incoming
	tx.changes.MessageCreated(m)
	if incoming && !target.Muted && (target.Status == backend.StatusCodes[convo.StatusResolved] || target.Status == backend.StatusCodes[convo.StatusSnoozed]) {
		tx.changes.Add(backend.ReopenChange(m, target.SnoozedUntil))
		c.fold.reopens = true
		target.Status, target.SnoozedUntil = backend.StatusCodes[convo.StatusOpen], false
	}
	if parent != 0 {
		if _, err := tx.ExecContext(ctx, bumpParent, timeValue(now), accountID, parent); err != nil {
			return convo.Message{}, err
		}
		fields := []string{"reply_count"}
		if now.UnixMicro() > p.LastReplyAt {
			fields = []string{"last_reply_at", "reply_count"}
		}
		tx.changes.Add(store.Change{Kind: store.MessageUpdated, AccountID: accountID, ConversationID: conversationID,
			MessageID: parent, Fields: fields})
	}
	return m, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addActivity records a change in the conversation's timeline.
func addActivity(ctx context.Context, tx *dbtx, accountID, conversationID int64, content string, now time.Time) error {
	in := convo.NewMessage{Type: convo.MessageActivity, Content: content}.WithDefaults(now)
	a := newAppender(tx, accountID, now)
	if _, err := a.add(ctx, conversationID, in); err != nil {
		return err
	}
	return a.flush(ctx)
}

// messageBySourceID returns the message of the conversation with the
// source id, ErrConflict when the source id belongs to another
// conversation. It is asked only when an insert met a taken key, so a
// source id that is not stored means the message's seq was taken: a
// conflict too (another writer on the file broke the single-writer rule).
func messageBySourceID(ctx context.Context, tx *dbtx, accountID, conversationID int64, sourceID string) (convo.Message, error) {
	var found struct {
		ID             int64 `db:"id"`
		ConversationID int64 `db:"conversation_id"`
	}
	err := sql.ErrNoRows
	if sourceID != "" {
		err = tx.GetContext(ctx, &found, selectBySourceID, accountID, sourceID)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return convo.Message{}, fmt.Errorf("%w: the next seq of conversation %d is taken", convo.ErrConflict, conversationID)
	case err != nil:
		return convo.Message{}, err
	case found.ConversationID != conversationID:
		return convo.Message{}, fmt.Errorf("%w: source_id %q is used in conversation %d", convo.ErrConflict, sourceID, found.ConversationID)
	}
	return getMessage(ctx, tx, accountID, found.ID)
}
