package sqlite

import (
	"context"
	"slices"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// moveContactConversations gives one contact's conversations to another.
// No count follows the contact, so no counting trigger fires; each row's
// version trigger does, so cached rows are read again with their new
// contact. ?1 the new contact, ?2 now, ?3 account, ?4 the old contact.
const moveContactConversations = `UPDATE convo_conversations SET contact_id = ?1, updated_at = ?2
WHERE account_id = ?3 AND contact_id = ?4 RETURNING id`

// MergeContacts implements store.Store.
func (s *Store) MergeContacts(ctx context.Context, accountID, keepID, mergeID int64) (convo.Contact, error) {
	if err := backend.CheckMergeContacts(accountID, keepID, mergeID); err != nil {
		return convo.Contact{}, err
	}
	var c convo.Contact
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
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
		row, err := fromContact(c)
		if err != nil {
			return err
		}
		var moved []int64
		if err := tx.SelectContext(ctx, &moved, moveContactConversations, keepID, timeValue(now), accountID, mergeID); err != nil {
			return err
		}
		slices.Sort(moved)
		for _, id := range moved {
			tx.changes.Add(store.Change{Kind: store.ConversationUpdated, AccountID: accountID, ContactID: keepID,
				ConversationID: id, Fields: []string{"contact_id"}})
		}
		tx.changes.ContactChanged(keep, c)
		tx.changes.Add(store.Change{Kind: store.ContactDeleted, AccountID: accountID, ContactID: mergeID})
		// The merged contact goes before the kept one takes its email,
		// phone and identifier, so no unique index ever sees two holders;
		// each was unique in the account, so the update cannot clash.
		if _, err := tx.ExecContext(ctx, deleteContact, accountID, mergeID); err != nil {
			return err
		}
		_, err = tx.NamedExecContext(ctx, updateContact, row)
		return err
	})
	if err != nil {
		return convo.Contact{}, err
	}
	return c, nil
}
