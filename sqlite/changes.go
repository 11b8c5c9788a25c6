package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

const (
	// insertChange stores one change after the account's newest.
	insertChange = `INSERT INTO convo_changes (account_id, position, kind, contact_id, conversation_id, message_id,
	user_id, seen_seq, fields, at) SELECT ?1, coalesce(max(position), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
	FROM convo_changes WHERE account_id = ?1`

	changeColumns = `SELECT position, kind, coalesce(contact_id, 0), coalesce(conversation_id, 0),
	coalesce(message_id, 0), coalesce(user_id, ''), coalesce(seen_seq, 0), coalesce(fields, ''), at FROM convo_changes`

	accountHead = `SELECT coalesce(max(position), 0) FROM convo_changes WHERE account_id = ?`
	// accountHeadTrimmed reads an account's newest position and the newest
	// one retention removed.
	accountHeadTrimmed = `SELECT coalesce((SELECT max(position) FROM convo_changes WHERE account_id = ?1), 0),
	coalesce((SELECT trimmed FROM convo_change_trims WHERE account_id = ?1), 0)`

	// selectChangedMessages reads messages by id: +m.account_id keeps the
	// planner from walking the account's messages to find them.
	selectChangedMessages = `SELECT ` + messageColumns + messageFrom + `
WHERE +m.account_id = ? AND m.id IN (SELECT value FROM json_each(?))`

	ackChanges = `INSERT INTO convo_change_consumers (account_id, name, position, acked_at) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (account_id, name) DO UPDATE SET position = excluded.position, acked_at = excluded.acked_at
WHERE excluded.position > position`
	ackedChanges = `SELECT coalesce((SELECT position FROM convo_change_consumers WHERE account_id = ? AND name = ?), 0)`
	dropConsumer = `DELETE FROM convo_change_consumers WHERE account_id = ? AND name = ?`
	// accountHeads reads the newest position of each account of a JSON
	// array.
	accountHeads = `SELECT a.value, coalesce((SELECT max(position) FROM convo_changes WHERE account_id = a.value), 0)
FROM json_each(?) a`
)

// A run of changes stored by one statement: changeRun rows of
// changeFields values each.
const (
	changeRun    = 32
	changeFields = 10
)

// insertChanges stores changeRun changes of one account at the positions
// given.
var insertChanges = `INSERT INTO convo_changes (account_id, position, kind, contact_id, conversation_id, message_id,
	user_id, seen_seq, fields, at) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", changeRun), ", ")

// changeRow is one row of changeColumns.
type changeRow struct {
	Position, Kind                       int64
	ContactID, ConversationID, MessageID int64
	UserID                               string
	SeenSeq                              int64
	Fields                               string
	At                                   dbTime
}

func (r *changeRow) dest() []any {
	return []any{&r.Position, &r.Kind, &r.ContactID, &r.ConversationID, &r.MessageID, &r.UserID, &r.SeenSeq,
		&r.Fields, &r.At}
}

func (r changeRow) toChange(accountID int64) (store.Change, error) {
	c := store.Change{Position: r.Position, AccountID: accountID, Kind: backend.ChangeKindOf(int(r.Kind)),
		ContactID: r.ContactID, ConversationID: r.ConversationID, MessageID: r.MessageID, SeenSeq: r.SeenSeq,
		Fields: backend.FieldsOf(r.Fields), At: r.At.Time}
	if r.UserID != "" {
		id, err := uuid.Parse(r.UserID)
		if err != nil {
			return c, err
		}
		c.UserID = id
	}
	return c, nil
}

// flushChanges stores the changes tx logged, each at time now. A call
// that logs many (a batch, an import) stores them changeRun at a time,
// one statement each, at positions after the account's newest.
func flushChanges(ctx context.Context, tx *dbtx, now time.Time) error {
	changes := tx.changes.Changes()
	for len(changes) > 0 {
		n := 1
		if len(changes) >= changeRun && sameAccount(changes[:changeRun]) {
			n = changeRun
		}
		args := make([]any, 0, n*changeFields)
		head := int64(0)
		if n > 1 {
			if err := tx.GetContext(ctx, &head, accountHead, changes[0].AccountID); err != nil {
				return err
			}
		}
		for i, c := range changes[:n] {
			var user any
			if c.UserID != uuid.Nil {
				user = c.UserID.String()
			}
			var fields any
			if len(c.Fields) > 0 {
				fields = backend.FieldsText(c.Fields)
			}
			args = append(args, c.AccountID, head+int64(i)+1, backend.ChangeKindCodes[c.Kind], idValue(c.ContactID),
				idValue(c.ConversationID), idValue(c.MessageID), user, idValue(c.SeenSeq), fields, timeValue(now))
		}
		query := insertChanges
		if n == 1 {
			query, args = insertChange, append(args[:1], args[2:]...) // its position is the newest's + 1
		}
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return err
		}
		changes = changes[n:]
	}
	return nil
}

// sameAccount reports whether the changes are all of one account.
func sameAccount(changes []store.Change) bool {
	for _, c := range changes[1:] {
		if c.AccountID != changes[0].AccountID {
			return false
		}
	}
	return true
}

// Changes implements store.Store.
func (s *Store) Changes(ctx context.Context, accountID, after int64, f store.ChangeFilter) (store.ChangePage, error) {
	if err := backend.CheckChanges(accountID, after, &f); err != nil {
		return store.ChangePage{}, err
	}
	var page store.ChangePage
	err := s.read(ctx, func(tx *dbtx) error {
		bounds, err := queryRows[pairRow](ctx, tx, accountHeadTrimmed, accountID)
		if err != nil {
			return err
		}
		head, trimmed := bounds[0].A, bounds[0].B
		switch {
		case after == store.FromNow:
			page = store.ChangePage{Changes: []store.Change{}, Next: head}
			return nil
		case after > 0 && after < trimmed:
			return convo.ErrChangesExpired
		}
		page, err = readChanges(ctx, tx, accountID, after, head, f)
		return err
	})
	return page, err
}

// readChanges reads the page of changes after position after, head being
// the account's newest.
func readChanges(ctx context.Context, tx *dbtx, accountID, after, head int64, f store.ChangeFilter) (store.ChangePage, error) {
	var w where
	w.and("account_id = ?", accountID)
	w.and("position > ?", after)
	if f.ConversationID != 0 {
		w.and("conversation_id = ?", f.ConversationID)
	}
	if len(f.Kinds) > 0 {
		codes := make([]int64, len(f.Kinds))
		for i, k := range f.Kinds {
			codes[i] = int64(backend.ChangeKindCodes[k])
		}
		w.and("kind IN (SELECT value FROM json_each(?))", idsJSON(codes))
	}
	if f.Viewer != nil {
		andInViewerConversations(&w, "conversation_id", accountID, *f.Viewer)
	}
	limit := f.PerRead()
	page := store.ChangePage{Changes: make([]store.Change, 0, min(limit, 64))}
	err := eachRow(ctx, tx, changeColumns+w.sql()+" ORDER BY position LIMIT ?", append(w.args, limit),
		func(r changeRow) error {
			c, err := r.toChange(accountID)
			if err != nil {
				return err
			}
			page.Changes = append(page.Changes, c)
			return nil
		})
	if err != nil {
		return page, err
	}
	page.More = len(page.Changes) == limit
	page.Next = max(after, head)
	if page.More {
		page.Next = page.Changes[len(page.Changes)-1].Position
	}
	ids := backend.ChangedMessageIDs(page.Changes)
	if len(ids) == 0 {
		return page, nil
	}
	list, err := selectMessages(ctx, tx, selectChangedMessages, accountID, idsJSON(ids))
	if err != nil {
		return page, err
	}
	backend.AttachMessages(page.Changes, list)
	return page, nil
}

// AckChanges implements store.Store.
func (s *Store) AckChanges(ctx context.Context, accountID int64, consumer string, position int64) error {
	if err := backend.CheckAck(accountID, consumer, position); err != nil {
		return err
	}
	return s.write(ctx, func(tx *dbtx, now time.Time) error {
		var head int64
		if err := tx.GetContext(ctx, &head, accountHead, accountID); err != nil {
			return err
		}
		if position > head {
			return backend.AckBeyond(head)
		}
		_, err := tx.ExecContext(ctx, ackChanges, accountID, consumer, position, timeValue(now))
		return err
	})
}

// AckedChanges implements store.Store.
func (s *Store) AckedChanges(ctx context.Context, accountID int64, consumer string) (int64, error) {
	if err := backend.CheckConsumer(accountID, consumer); err != nil {
		return 0, err
	}
	var position int64
	err := s.read(ctx, func(tx *dbtx) error { return tx.GetContext(ctx, &position, ackedChanges, accountID, consumer) })
	return position, err
}

// DropConsumer implements store.Store.
func (s *Store) DropConsumer(ctx context.Context, accountID int64, consumer string) error {
	if err := backend.CheckConsumer(accountID, consumer); err != nil {
		return err
	}
	return s.write(ctx, func(tx *dbtx, now time.Time) error {
		_, err := tx.ExecContext(ctx, dropConsumer, accountID, consumer)
		return err
	})
}
