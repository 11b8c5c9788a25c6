package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

const contactColumns = `id, account_id, first_name, last_name, nickname, sort_name, email, phone, identifier,
	avatar_url, blocked, custom_attributes, additional_attributes, last_activity_at, created_at, updated_at`

const (
	insertContact = `INSERT INTO convo_contacts (account_id, first_name, last_name, nickname, sort_name, email, email_key,
	phone, identifier, avatar_url, blocked, custom_attributes, additional_attributes, last_activity_at, created_at, updated_at)
VALUES (:account_id, :first_name, :last_name, :nickname, :sort_name, :email, :email_key,
	:phone, :identifier, :avatar_url, :blocked, :custom_attributes, :additional_attributes, :last_activity_at, :created_at, :updated_at)`

	updateContact = `UPDATE convo_contacts SET first_name = :first_name, last_name = :last_name, nickname = :nickname,
	sort_name = :sort_name, email = :email, email_key = :email_key, phone = :phone, identifier = :identifier,
	avatar_url = :avatar_url, blocked = :blocked, custom_attributes = :custom_attributes,
	additional_attributes = :additional_attributes, last_activity_at = :last_activity_at, updated_at = :updated_at
WHERE account_id = :account_id AND id = :id`

	selectContact = `SELECT ` + contactColumns + ` FROM convo_contacts WHERE account_id = ? AND id = ?`

	// A contact's email, phone or identifier in use by another contact of
	// the account: ?1 email_key, ?2 phone, ?3 identifier, ?4 account, ?5 the
	// contact itself. One arm per unique index: SQLite planned the three
	// keys or-ed together as a walk of the account's contacts, so creating
	// a contact cost time in proportion to the contacts before it.
	selectContactClash = `SELECT id, email_clash, phone_clash FROM (
	SELECT id, 1 AS email_clash, 0 AS phone_clash FROM convo_contacts WHERE account_id = ?4 AND email_key = ?1 AND id != ?5
	UNION ALL SELECT id, 0, 1 FROM convo_contacts WHERE account_id = ?4 AND phone = ?2 AND id != ?5
	UNION ALL SELECT id, 0, 0 FROM convo_contacts WHERE account_id = ?4 AND identifier = ?3 AND id != ?5) LIMIT 1`

	countContactConversations = `SELECT count(*) FROM convo_conversations WHERE account_id = ? AND contact_id = ?`
	contactConversationIDs    = `SELECT id FROM convo_conversations WHERE account_id = ? AND contact_id = ? ORDER BY id`
	deleteContactMessages     = `DELETE FROM convo_messages WHERE account_id = ? AND conversation_id IN
	(SELECT id FROM convo_conversations WHERE account_id = ? AND contact_id = ?)`
	deleteContactConversations = `DELETE FROM convo_conversations WHERE account_id = ? AND contact_id = ?`
	deleteContact              = `DELETE FROM convo_contacts WHERE account_id = ? AND id = ?`

	// A list of contacts takes ?1 account, ?2 an FTS5 MATCH expression
	// (contactsMatching only), ?3 and ?4 the cursor (contactsAfter only),
	// ?5 limit, ?6 offset, ?7 a phone (contactsWithPhone only), ?8 an
	// email_key (contactsWithEmail only).
	listContacts      = `SELECT ` + contactColumns + ` FROM convo_contacts WHERE account_id = ?1`
	contactsMatching  = ` AND id IN (SELECT rowid FROM convo_contacts_fts WHERE convo_contacts_fts MATCH ?2)`
	contactsWithPhone = ` AND phone = ?7`
	contactsWithEmail = ` AND email_key = ?8`
	contactsAfter     = ` AND (sort_name, id) > (?3, ?4)`
	contactsOrder     = ` ORDER BY sort_name, id LIMIT ?5 OFFSET ?6`
	countContacts     = `SELECT count(*) FROM convo_contacts WHERE account_id = ?1`
)

// contactRow is a row of contacts.
type contactRow struct {
	ID                   int64          `db:"id"`
	AccountID            int64          `db:"account_id"`
	FirstName            string         `db:"first_name"`
	LastName             string         `db:"last_name"`
	Nickname             string         `db:"nickname"`
	SortName             string         `db:"sort_name"`
	Email                sql.NullString `db:"email"`
	EmailKey             sql.NullString `db:"email_key"`
	Phone                sql.NullString `db:"phone"`
	Identifier           sql.NullString `db:"identifier"`
	AvatarURL            string         `db:"avatar_url"`
	Blocked              bool           `db:"blocked"`
	CustomAttributes     string         `db:"custom_attributes"`
	AdditionalAttributes string         `db:"additional_attributes"`
	LastActivityAt       dbTime         `db:"last_activity_at"`
	CreatedAt            dbTime         `db:"created_at"`
	UpdatedAt            dbTime         `db:"updated_at"`
}

// dest lists where each of contactColumns scans.
func (r *contactRow) dest() []any {
	return []any{&r.ID, &r.AccountID, &r.FirstName, &r.LastName, &r.Nickname, &r.SortName, &r.Email, &r.Phone,
		&r.Identifier, &r.AvatarURL, &r.Blocked, &r.CustomAttributes, &r.AdditionalAttributes, &r.LastActivityAt,
		&r.CreatedAt, &r.UpdatedAt}
}

func fromContact(c convo.Contact) (contactRow, error) {
	r := contactRow{
		ID: c.ID, AccountID: c.AccountID, FirstName: c.FirstName, LastName: c.LastName, Nickname: c.Nickname,
		SortName: strings.ToLower(c.CompleteName()), Email: nullString(c.Email),
		EmailKey: nullString(strings.ToLower(c.Email)), Phone: nullString(c.Phone),
		Identifier: nullString(c.Identifier), AvatarURL: c.AvatarURL, Blocked: c.Blocked,
		LastActivityAt: dbTime{c.LastActivityAt}, CreatedAt: dbTime{c.CreatedAt}, UpdatedAt: dbTime{c.UpdatedAt},
	}
	var err error
	r.CustomAttributes, r.AdditionalAttributes, err = backend.AttributesJSON(c.CustomAttributes, c.AdditionalAttributes)
	return r, err
}

func (r contactRow) toContact() (convo.Contact, error) {
	c := convo.Contact{
		ID: r.ID, AccountID: r.AccountID, FirstName: r.FirstName, LastName: r.LastName, Nickname: r.Nickname,
		Email: r.Email.String, Phone: r.Phone.String, Identifier: r.Identifier.String, AvatarURL: r.AvatarURL,
		Blocked: r.Blocked, LastActivityAt: r.LastActivityAt.Time, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time,
	}
	var errCustom, errAdditional error
	c.CustomAttributes, errCustom = backend.FromJSON[convo.Attributes](r.CustomAttributes)
	c.AdditionalAttributes, errAdditional = backend.FromJSON[convo.Attributes](r.AdditionalAttributes)
	return c, errors.Join(errCustom, errAdditional)
}

// CreateContact implements store.Store.
func (s *Store) CreateContact(ctx context.Context, accountID int64, in convo.NewContact) (convo.Contact, error) {
	if err := backend.Check(accountID, in); err != nil {
		return convo.Contact{}, err
	}
	var c convo.Contact
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
		c = backend.NewContact(accountID, in, now)
		if err := checkContactClash(ctx, tx, c); err != nil {
			return err
		}
		row, err := fromContact(c)
		if err != nil {
			return err
		}
		res, err := tx.NamedExecContext(ctx, insertContact, row)
		if err != nil {
			return err
		}
		c.ID, err = res.LastInsertId()
		tx.changes.Add(store.Change{Kind: store.ContactCreated, AccountID: accountID, ContactID: c.ID})
		return err
	})
	return c, err
}

// checkContactClash names the field when another contact of the account has
// c's email, phone or identifier; the unique indexes stay the last word.
func checkContactClash(ctx context.Context, tx *dbtx, c convo.Contact) error {
	if c.Email == "" && c.Phone == "" && c.Identifier == "" {
		return nil
	}
	var clash struct {
		ID         int64 `db:"id"`
		EmailClash bool  `db:"email_clash"`
		PhoneClash bool  `db:"phone_clash"`
	}
	err := tx.GetContext(ctx, &clash, selectContactClash, nullString(strings.ToLower(c.Email)), nullString(c.Phone),
		nullString(c.Identifier), c.AccountID, c.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	default:
		return backend.ContactClash(c, clash.ID, clash.EmailClash, clash.PhoneClash)
	}
}

// GetContact implements store.Store.
func (s *Store) GetContact(ctx context.Context, accountID, contactID int64) (convo.Contact, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return convo.Contact{}, err
	}
	var c convo.Contact
	err := s.read(ctx, func(tx *dbtx) (err error) {
		c, err = getContact(ctx, tx, accountID, contactID)
		return err
	})
	return c, err
}

func getContact(ctx context.Context, tx *dbtx, accountID, contactID int64) (convo.Contact, error) {
	var row contactRow
	if err := tx.GetContext(ctx, &row, selectContact, accountID, contactID); err != nil {
		return convo.Contact{}, translate(err)
	}
	return row.toContact()
}

// UpdateContact implements store.Store.
func (s *Store) UpdateContact(ctx context.Context, accountID, contactID int64, up convo.ContactUpdate) (convo.Contact, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return convo.Contact{}, err
	}
	var c convo.Contact
	err := s.write(ctx, func(tx *dbtx, now time.Time) error {
		old, err := getContact(ctx, tx, accountID, contactID)
		if err != nil {
			return err
		}
		if c, err = backend.UpdatedContact(old, up, now); err != nil {
			return err
		}
		if err := checkContactClash(ctx, tx, c); err != nil {
			return err
		}
		row, err := fromContact(c)
		if err != nil {
			return err
		}
		_, err = tx.NamedExecContext(ctx, updateContact, row)
		tx.changes.ContactChanged(old, c)
		return err
	})
	return c, err
}

// DeleteContact implements store.Store.
func (s *Store) DeleteContact(ctx context.Context, accountID, contactID int64, opts store.DeleteContactOptions) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	return s.write(ctx, func(tx *dbtx, now time.Time) error {
		if _, err := getContact(ctx, tx, accountID, contactID); err != nil {
			return err
		}
		var n int
		if err := tx.GetContext(ctx, &n, countContactConversations, accountID, contactID); err != nil {
			return err
		}
		if err := backend.CheckContactCascade(contactID, n, opts.Cascade); err != nil {
			return err
		}
		if n > 0 {
			var ids []int64
			if err := tx.SelectContext(ctx, &ids, contactConversationIDs, accountID, contactID); err != nil {
				return err
			}
			for _, id := range ids {
				tx.changes.Add(store.Change{Kind: store.ConversationDeleted, AccountID: accountID, ContactID: contactID,
					ConversationID: id})
			}
			if _, err := tx.ExecContext(ctx, deleteContactMessages, accountID, accountID, contactID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, deleteContactConversations, accountID, contactID); err != nil {
				return err
			}
		}
		tx.changes.Add(store.Change{Kind: store.ContactDeleted, AccountID: accountID, ContactID: contactID})
		_, err := tx.ExecContext(ctx, deleteContact, accountID, contactID)
		return err
	})
}

// ListContacts implements store.Store.
func (s *Store) ListContacts(ctx context.Context, accountID int64, f store.ContactFilter) (store.Page[convo.Contact], error) {
	var page store.Page[convo.Contact]
	if err := backend.Check(accountID, f); err != nil {
		return page, err
	}
	const list = "contacts"
	search, _ := convo.ParseSearch("query", f.Query) // validated
	_, searchable := contactMatch(0, search)
	q, count := listContacts, countContacts
	if searchable {
		q, count = q+contactsMatching, count+contactsMatching
	}
	phone, emailKey := f.PhoneKey(), strings.ToLower(f.Email)
	if phone != "" {
		q, count = q+contactsWithPhone, count+contactsWithPhone
	}
	if emailKey != "" {
		q, count = q+contactsWithEmail, count+contactsWithEmail
	}
	err := s.read(ctx, func(tx *dbtx) error {
		if !search.Empty() && !searchable {
			// Only punctuation: nothing can match.
			page.Items, page.Meta = []convo.Contact{}, backend.EmptyMeta(f.Page)
			return nil
		}
		account, err := ftsAccount(ctx, tx, accountID)
		if err != nil {
			return err
		}
		expr, _ := contactMatch(account, search)
		q, args := q, []any{accountID, expr, "", 0, f.Page.PerPage() + 1, 0, phone, emailKey}
		if f.Page.Keyset() && f.Page.Cursor() != "" {
			cur, err := store.DecodeCursor(f.Page.Cursor(), list, 1)
			if err != nil {
				return err
			}
			q, args[2], args[3] = q+contactsAfter, cur.Text, cur.Keys[0]
		} else if !f.Page.Keyset() {
			args[5] = f.Page.Offset()
		}
		var rows []contactRow
		if err := tx.SelectContext(ctx, &rows, q+contactsOrder, args...); err != nil {
			return err
		}
		items, more := backend.TrimPage(rows, f.Page.PerPage())
		if page.Items, err = backend.Convert(items, contactRow.toContact); err != nil {
			return err
		}
		if more {
			last := items[len(items)-1]
			page.Next = store.Cursor{List: list, Keys: []int64{last.ID}, Text: last.SortName}.Encode()
		}
		// The count's parameters are numbered as the list's: it takes the
		// same arguments, and binds those it names.
		return pageMeta(ctx, tx, &page.Meta, f.Page, len(items), count, args...)
	})
	return page, err
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }
