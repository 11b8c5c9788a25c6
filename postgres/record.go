package postgres

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Recording the change feed: a write logs its changes as it makes them
// and stores them as its last statement, which takes the positions from
// each account's head row. The row stays locked from that statement to the
// commit, so that the writes of one account get their positions in the
// order they commit.

// wtx is a write transaction: the statements of one call and the changes
// they log.
type wtx struct {
	pgx.Tx
	changes *backend.ChangeLog
	// account is the call's account, which log gives a change that names
	// none.
	account int64
	// at is the time of the changes: the clock's last reading, which is
	// the time of what the call wrote.
	at    time.Time
	store *Store
}

// clock reads the store's clock, as Store.clock does, and makes it the
// time of the transaction's changes.
func (tx *wtx) clock() time.Time {
	tx.at = tx.store.clock()
	return tx.at
}

// log logs one change, of the call's account unless it names one.
func (tx *wtx) log(c store.Change) {
	if c.AccountID == 0 {
		c.AccountID = tx.account
	}
	tx.changes.Add(c)
}

// recordChanges stores the logged changes, with positions from their
// accounts' heads (locked in account order, so that two writes that both
// meet two accounts, as a snooze wake can, take them in the same order),
// and notifies the listeners of each account (notify.go). $1 to $8 are a
// column each.
const recordChanges = `WITH u AS (
	SELECT * FROM unnest($1::bigint[], $2::smallint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::uuid[],
		$7::bigint[], $8::text[]) WITH ORDINALITY
		AS u(account_id, kind, contact_id, conversation_id, message_id, user_id, seen_seq, fields, k)
), n AS (
	SELECT account_id, count(*) AS n FROM u GROUP BY account_id
), h AS (
	INSERT INTO convo_change_heads AS h (account_id, position)
	SELECT account_id, n FROM n ORDER BY account_id
	ON CONFLICT (account_id) DO UPDATE SET position = h.position + excluded.position
	RETURNING account_id, position
), f AS (
	INSERT INTO convo_changes (account_id, position, kind, contact_id, conversation_id, message_id, user_id,
		seen_seq, fields, at)
	SELECT u.account_id, h.position - n.n + row_number() OVER (PARTITION BY u.account_id ORDER BY u.k),
		u.kind, u.contact_id, u.conversation_id, u.message_id, u.user_id, u.seen_seq, u.fields, $9
	FROM u JOIN n USING (account_id) JOIN h USING (account_id)
)
SELECT pg_notify('` + notifyChannel + `', account_id::text) FROM h`

// record stores the logged changes; nothing when there are none.
func (tx *wtx) record(ctx context.Context) error {
	list := tx.changes.Changes()
	if len(list) == 0 {
		return nil
	}
	n := len(list)
	var (
		accounts = make([]int64, n)
		kinds    = make([]int16, n)
		contacts = make([]pgtype.Int8, n)
		convs    = make([]pgtype.Int8, n)
		messages = make([]pgtype.Int8, n)
		users    = make([]pgtype.UUID, n)
		seqs     = make([]pgtype.Int8, n)
		fields   = make([]pgtype.Text, n)
	)
	for i, c := range list {
		accounts[i], kinds[i] = c.AccountID, int16(backend.ChangeKindCodes[c.Kind])
		contacts[i], convs[i], messages[i] = optionalID(c.ContactID), optionalID(c.ConversationID), optionalID(c.MessageID)
		users[i] = pgtype.UUID{Bytes: c.UserID, Valid: c.UserID != uuid.Nil}
		seqs[i] = pgtype.Int8{Int64: c.SeenSeq, Valid: c.Kind == store.ReadStateUpdated}
		fields[i] = pgtype.Text{String: backend.FieldsText(c.Fields), Valid: len(c.Fields) > 0}
	}
	_, err := tx.Exec(ctx, recordChanges, accounts, kinds, contacts, convs, messages, users, seqs, fields, tx.at)
	return err
}

// optionalID stores an id (0: none) as NULL.
func optionalID(id int64) pgtype.Int8 { return pgtype.Int8{Int64: id, Valid: id != 0} }

// changedAccounts lists the accounts of changes, each once.
func changedAccounts(list []store.Change) []int64 {
	var out []int64
	for _, c := range list {
		if !slices.Contains(out, c.AccountID) {
			out = append(out, c.AccountID)
		}
	}
	return out
}
