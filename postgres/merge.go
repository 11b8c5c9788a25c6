package postgres

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

const (
	// lockMergedContacts locks the two contacts of a merge, in id order, so
	// that neither changes under the merge and two merges of the same pair
	// take the locks in the same order. $1 account, $2 and $3 the contacts.
	lockMergedContacts = `SELECT id FROM convo_contacts WHERE account_id = $1 AND id IN ($2, $3) ORDER BY id FOR UPDATE`

	// moveContactConversations gives one contact's conversations to
	// another. No count follows the contact, so no counting trigger fires;
	// each row's version moves. $1 the new contact, $2 now, $3 account, $4
	// the old contact.
	moveContactConversations = `UPDATE convo_conversations SET contact_id = $1, updated_at = $2
WHERE account_id = $3 AND contact_id = $4 RETURNING id`
)

// MergeContacts implements store.Store.
func (s *Store) MergeContacts(ctx context.Context, accountID, keepID, mergeID int64) (convo.Contact, error) {
	if err := backend.CheckMergeContacts(accountID, keepID, mergeID); err != nil {
		return convo.Contact{}, err
	}
	var c convo.Contact
	err := s.write(ctx, accountID, func(tx *wtx, now time.Time) error {
		if _, err := tx.Exec(ctx, lockMergedContacts, accountID, keepID, mergeID); err != nil {
			return err
		}
		keep, err := getContact(ctx, tx, accountID, keepID)
		if err != nil {
			return err
		}
		gone, err := getContact(ctx, tx, accountID, mergeID)
		if err != nil {
			return err
		}
		if c, err = backend.MergedContact(keep, gone, now); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, moveContactConversations, keepID, now, accountID, mergeID)
		if err != nil {
			return err
		}
		moved, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		slices.Sort(moved)
		for _, id := range moved {
			tx.log(store.Change{Kind: store.ConversationUpdated, ContactID: keepID, ConversationID: id,
				Fields: []string{"contact_id"}})
		}
		// The merged contact goes before the kept one takes its email,
		// phone and identifier: a unique index is checked row by row, so
		// it never sees two holders; each was unique in the account, so
		// the update cannot clash.
		if _, err := tx.Exec(ctx, deleteContact, accountID, mergeID); err != nil {
			return err
		}
		if err := updateContactRow(ctx, tx, c); err != nil {
			return err
		}
		tx.changes.ContactChanged(keep, c)
		tx.log(store.Change{Kind: store.ContactDeleted, ContactID: mergeID})
		return nil
	})
	if err != nil {
		return convo.Contact{}, err
	}
	return c, nil
}
