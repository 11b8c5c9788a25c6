package sqlite

import (
	"context"

	"github.com/convokit/convo/store"
)

// An export streams each kind of record, by id, from one read transaction.
const (
	exportContacts      = `SELECT ` + contactColumns + ` FROM contacts WHERE account_id = ? ORDER BY id`
	exportConversations = `SELECT ` + conversationColumns + conversationFrom + ` WHERE c.account_id = ? ORDER BY c.id`
	exportMessages      = `SELECT ` + messageColumns + messageFrom + ` WHERE m.account_id = ? ORDER BY m.id`
)

// Export implements store.Store.
func (s *Store) Export(ctx context.Context, accountID int64, fn func(store.Record) error) error {
	now := s.clock()
	return s.read(ctx, func(tx *dbtx) error {
		err := exportRows(ctx, tx, exportContacts, accountID, fn, func(r contactRow) (store.Record, error) {
			c, err := r.toContact()
			return store.Record{Contact: &c}, err
		})
		if err != nil {
			return err
		}
		err = exportRows(ctx, tx, exportConversations, accountID, fn, func(r conversationRow) (store.Record, error) {
			c, err := r.toConversation(now)
			c.Contact, c.CanReply = nil, false // not part of a record
			return store.Record{Conversation: &c}, err
		})
		if err != nil {
			return err
		}
		err = exportRows(ctx, tx, exportMessages, accountID, fn, func(r messageRow) (store.Record, error) {
			m, err := r.toMessage()
			return store.Record{Message: &m}, err
		})
		if err != nil {
			return err
		}
		return exportRows(ctx, tx, exportReadStates, accountID, fn, readStateRow.toRecord)
	})
}

// scannedRow is a row type that lists its scan destinations.
type scannedRow[R any] interface {
	*R
	dest() []any
}

// exportRows streams the rows of query, converted to records, to fn.
func exportRows[R any, P scannedRow[R]](ctx context.Context, tx *dbtx, query string, accountID int64, fn func(store.Record) error, convert func(R) (store.Record, error)) error {
	rows, err := tx.QueryContext(ctx, query, accountID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var row R
		if err := rows.Scan(P(&row).dest()...); err != nil {
			return err
		}
		rec, err := convert(row)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return rows.Err()
}
