package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Reading the change feed, durable consumers, and retention. How writes
// record their changes: record.go; how WaitChanges learns of them:
// notify.go.

const (
	// selectHeadTrimmed reads an account's newest position and the newest
	// one retention removed.
	selectHeadTrimmed = `SELECT position, trimmed FROM convo_change_heads WHERE account_id = $1`

	changeColumns = `ch.position, ch.kind, coalesce(ch.contact_id, 0), coalesce(ch.conversation_id, 0),
	coalesce(ch.message_id, 0), ch.user_id, coalesce(ch.seen_seq, 0), coalesce(ch.fields, ''), ch.at`

	// selectChangedMessages reads the messages of message changes as they
	// are stored now. $1 account, $2 ids.
	selectChangedMessages = `SELECT ` + messageColumns + messageFrom + ` WHERE m.account_id = $1 AND m.id = ANY($2::bigint[])`

	selectAcked = `SELECT coalesce((SELECT position FROM convo_change_consumers WHERE account_id = $1 AND name = $2), 0)`

	// ackChanges creates the consumer or moves it forward, never back.
	ackChanges = `INSERT INTO convo_change_consumers AS k (account_id, name, position) VALUES ($1, $2, $3)
ON CONFLICT (account_id, name) DO UPDATE SET position = greatest(k.position, excluded.position)`

	dropConsumer = `DELETE FROM convo_change_consumers WHERE account_id = $1 AND name = $2`
)

// changeRow is a row of changeColumns.
type changeRow struct {
	Position       int64
	Kind           int16
	ContactID      int64
	ConversationID int64
	MessageID      int64
	UserID         nullUUID
	SeenSeq        int64
	Fields         string
	At             dbTime
}

func (r *changeRow) dest() []any {
	return []any{&r.Position, &r.Kind, &r.ContactID, &r.ConversationID, &r.MessageID, &r.UserID, &r.SeenSeq,
		&r.Fields, &r.At}
}

func (r changeRow) toChange(accountID int64) store.Change {
	return store.Change{Position: r.Position, AccountID: accountID, Kind: backend.ChangeKindOf(int(r.Kind)),
		ContactID: r.ContactID, ConversationID: r.ConversationID, MessageID: r.MessageID, UserID: r.UserID.UUID,
		SeenSeq: r.SeenSeq, Fields: backend.FieldsOf(r.Fields), At: r.At.Time}
}

// Changes implements store.Store.
func (s *Store) Changes(ctx context.Context, accountID, after int64, f store.ChangeFilter) (store.ChangePage, error) {
	var page store.ChangePage
	if err := backend.CheckChanges(accountID, after, &f); err != nil {
		return page, err
	}
	var w where
	w.and("ch.account_id = ?", accountID)
	w.and("ch.position > ?", max(after, 0))
	if f.ConversationID != 0 {
		w.and("ch.conversation_id = ?", f.ConversationID)
	}
	if len(f.Kinds) > 0 {
		codes := make([]int16, len(f.Kinds))
		for i, k := range f.Kinds {
			codes[i] = int16(backend.ChangeKindCodes[k])
		}
		w.and("ch.kind = ANY(?::smallint[])", codes)
	}
	if f.Viewer != nil {
		// Contact and account changes have no conversation: left out.
		andInViewerConversations(&w, "ch.conversation_id", accountID, *f.Viewer)
	}
	query := `SELECT ` + changeColumns + ` FROM convo_changes ch` + w.sql() + w.bind(` ORDER BY ch.position LIMIT ?`, f.PerRead())
	err := s.read(ctx, func(tx pgx.Tx) error {
		page = store.ChangePage{Changes: []store.Change{}}
		var head, trimmed int64
		if err := queryOne(ctx, tx, selectHeadTrimmed, []any{accountID}, &head, &trimmed); err != nil && !errors.Is(err, convo.ErrNotFound) {
			return err
		}
		switch {
		case after == store.FromNow:
			page.Next = head
			return nil
		case after > 0 && after < trimmed:
			return fmt.Errorf("%w: account %d keeps its changes after position %d, not %d", convo.ErrChangesExpired,
				accountID, trimmed, after)
		}
		err := eachRow(ctx, tx, query, w.args, func(r changeRow) error {
			page.Changes = append(page.Changes, r.toChange(accountID))
			return nil
		})
		if err != nil {
			return err
		}
		page.More = len(page.Changes) == f.PerRead()
		if page.More {
			page.Next = page.Changes[len(page.Changes)-1].Position
		} else {
			page.Next = max(head, after)
		}
		return attachMessages(ctx, tx, accountID, page.Changes)
	})
	if err != nil {
		return store.ChangePage{}, err
	}
	return page, nil
}

// attachMessages gives each message change its message as stored now, in
// one query.
func attachMessages(ctx context.Context, tx pgx.Tx, accountID int64, list []store.Change) error {
	ids := backend.ChangedMessageIDs(list)
	if len(ids) == 0 {
		return nil
	}
	msgs, err := selectMessages(ctx, tx, selectChangedMessages, accountID, ids)
	if err != nil {
		return err
	}
	backend.AttachMessages(list, msgs)
	return nil
}

// AckChanges implements store.Store.
func (s *Store) AckChanges(ctx context.Context, accountID int64, consumer string, position int64) error {
	if err := backend.CheckAck(accountID, consumer, position); err != nil {
		return err
	}
	return s.write(ctx, accountID, func(tx *wtx, _ time.Time) error {
		var head int64
		if err := tx.QueryRow(ctx, selectHead, accountID).Scan(&head); err != nil {
			return err
		}
		if position > head {
			return backend.AckBeyond(head)
		}
		_, err := tx.Exec(ctx, ackChanges, accountID, consumer, position)
		return err
	})
}

// AckedChanges implements store.Store.
func (s *Store) AckedChanges(ctx context.Context, accountID int64, consumer string) (int64, error) {
	if err := backend.CheckConsumer(accountID, consumer); err != nil {
		return 0, err
	}
	var position int64
	err := s.read(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, selectAcked, accountID, consumer).Scan(&position)
	})
	return position, err
}

// DropConsumer implements store.Store.
func (s *Store) DropConsumer(ctx context.Context, accountID int64, consumer string) error {
	if err := backend.CheckConsumer(accountID, consumer); err != nil {
		return err
	}
	return s.write(ctx, accountID, func(tx *wtx, _ time.Time) error {
		_, err := tx.Exec(ctx, dropConsumer, accountID, consumer)
		return err
	})
}

// Retention. A write trims the feed when this Store last did a minute or
// more before (the first write after Open does), by its clock: up to
// trimBatch changes, the oldest first. A change expires after the
// retention once every consumer of its account acknowledged it (at once
// without consumers), and after the maximum retention in any case.

const (
	trimEvery = time.Minute
	trimBatch = 1000
	// neverTrimmed is lastTrim before the first trim.
	neverTrimmed = math.MinInt64
)

// trimExpired removes up to $3 expired changes, the oldest first, and
// raises each account's trimmed to the newest position it removed. $1 now
// less the retention, $2 now less the maximum retention.
const trimExpired = `WITH x AS (
	SELECT ch.account_id, ch.position FROM convo_changes ch
	WHERE ch.at < $1 AND (ch.at < $2 OR ch.position <= coalesce(
		(SELECT min(k.position) FROM convo_change_consumers k WHERE k.account_id = ch.account_id), ch.position))
	ORDER BY ch.at LIMIT $3
), d AS (
	DELETE FROM convo_changes ch USING x WHERE ch.account_id = x.account_id AND ch.position = x.position
	RETURNING ch.account_id, ch.position
)
UPDATE convo_change_heads h SET trimmed = greatest(h.trimmed, d.top)
FROM (SELECT account_id, max(position) AS top FROM d GROUP BY account_id) d
WHERE h.account_id = d.account_id`

// trimDue reports whether a write at now trims the feed; with take, the
// write takes the turn, so that the next one is a minute on.
func (s *Store) trimDue(now time.Time, take bool) bool {
	for {
		last := s.lastTrim.Load()
		if last != neverTrimmed && now.Before(time.Unix(0, last).Add(trimEvery)) {
			return false
		}
		if !take || s.lastTrim.CompareAndSwap(last, now.UnixNano()) {
			return true
		}
	}
}

// trimChanges removes expired changes (see trimExpired).
func (s *Store) trimChanges(ctx context.Context, tx *wtx, now time.Time) error {
	_, err := tx.Exec(ctx, trimExpired, now.Add(-s.retention.Keep), now.Add(-s.retention.Max), trimBatch)
	return err
}
