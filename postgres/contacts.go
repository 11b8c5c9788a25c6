package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// contactColumns are a contact's columns, of the table aliased ct.
const contactColumns = `ct.id, ct.account_id, ct.first_name, ct.last_name, ct.nickname, ct.sort_name, ct.email, ct.phone,
	ct.identifier, ct.avatar_url, ct.blocked, ct.custom_attributes::text, ct.additional_attributes::text,
	ct.last_activity_at, ct.created_at, ct.updated_at`

const (
	insertContact = `INSERT INTO convo_contacts (account_id, first_name, last_name, nickname, sort_name, email, email_key,
	phone, identifier, avatar_url, blocked, custom_attributes, additional_attributes, last_activity_at, created_at,
	updated_at, words)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::tsvector) RETURNING id`

	updateContact = `UPDATE convo_contacts SET first_name = $2, last_name = $3, nickname = $4, sort_name = $5,
	email = $6, email_key = $7, phone = $8, identifier = $9, avatar_url = $10, blocked = $11, custom_attributes = $12,
	additional_attributes = $13, last_activity_at = $14, created_at = $15, updated_at = $16, words = $17::tsvector
WHERE account_id = $1 AND id = $18`

	selectContact = `SELECT ` + contactColumns + ` FROM convo_contacts ct WHERE ct.account_id = $1 AND ct.id = $2`

	// A contact's email, phone or identifier in use by another contact of
	// the account: $1 email_key, $2 phone, $3 identifier, $4 account, $5
	// the contact itself.
	selectContactClash = `SELECT id, coalesce(email_key = $1, false), coalesce(phone = $2, false)
FROM convo_contacts WHERE account_id = $4 AND id <> $5 AND (email_key = $1 OR phone = $2 OR identifier = $3) LIMIT 1`

	countContactConversations  = `SELECT count(*) FROM convo_conversations WHERE account_id = $1 AND contact_id = $2`
	deleteContactConversations = `DELETE FROM convo_conversations WHERE account_id = $1 AND contact_id = $2 RETURNING id`
	deleteContact              = `DELETE FROM convo_contacts WHERE account_id = $1 AND id = $2`

	// The fragments of a list of contacts (page.go's where numbers the ?).
	contactsOfAccount = `ct.account_id = ?`
	contactsMatching  = `ct.words @@ ?::tsquery`
	contactsWithPhone = `ct.phone = ?`
	contactsWithEmail = `ct.email_key = ?`
	contactsAfter     = `(ct.sort_name, ct.id) > (?, ?)`
	contactsOrder     = ` ORDER BY ct.sort_name, ct.id LIMIT ? OFFSET ?`
	listContacts      = `SELECT ` + contactColumns + ` FROM convo_contacts ct`
	countContacts     = `SELECT count(*) FROM convo_contacts ct`
)

// contactRow is a row of contactColumns.
type contactRow struct {
	ID                   int64
	AccountID            int64
	FirstName            string
	LastName             string
	Nickname             string
	SortName             string
	Email                *string
	Phone                *string
	Identifier           *string
	AvatarURL            string
	Blocked              bool
	CustomAttributes     string
	AdditionalAttributes string
	LastActivityAt       dbTime
	CreatedAt            dbTime
	UpdatedAt            dbTime
}

func (r *contactRow) dest() []any {
	return []any{&r.ID, &r.AccountID, &r.FirstName, &r.LastName, &r.Nickname, &r.SortName, &r.Email, &r.Phone,
		&r.Identifier, &r.AvatarURL, &r.Blocked, &r.CustomAttributes, &r.AdditionalAttributes, &r.LastActivityAt,
		&r.CreatedAt, &r.UpdatedAt}
}

func (r contactRow) toContact() (convo.Contact, error) {
	c := convo.Contact{
		ID: r.ID, AccountID: r.AccountID, FirstName: r.FirstName, LastName: r.LastName, Nickname: r.Nickname,
		Email: deref(r.Email), Phone: deref(r.Phone), Identifier: deref(r.Identifier), AvatarURL: r.AvatarURL,
		Blocked: r.Blocked, LastActivityAt: r.LastActivityAt.Time, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time,
	}
	var errCustom, errAdditional error
	c.CustomAttributes, errCustom = backend.FromJSON[convo.Attributes](r.CustomAttributes)
	c.AdditionalAttributes, errAdditional = backend.FromJSON[convo.Attributes](r.AdditionalAttributes)
	return c, errors.Join(errCustom, errAdditional)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// contactArgs are the arguments of insertContact and updateContact, $1 to
// $17 (and the id, $18, for updateContact).
func contactArgs(c convo.Contact) ([]any, error) {
	custom, additional, err := backend.AttributesJSON(c.CustomAttributes, c.AdditionalAttributes)
	if err != nil {
		return nil, err
	}
	return []any{c.AccountID, c.FirstName, c.LastName, c.Nickname, sortName(c), textValue(c.Email),
		textValue(strings.ToLower(c.Email)), textValue(c.Phone), textValue(c.Identifier), c.AvatarURL, c.Blocked,
		custom, additional, timeValue(c.LastActivityAt), timeValue(c.CreatedAt), timeValue(c.UpdatedAt),
		contactWords(c), c.ID}, nil
}

// sortName is the name a contact list sorts by.
func sortName(c convo.Contact) string { return strings.ToLower(c.CompleteName()) }

// contactWords are the words a contact is found by (a tsvector literal):
// its name, nickname, email, phone and identifier.
func contactWords(c convo.Contact) string {
	return tsvector(c.AccountID, sortName(c), c.Nickname, c.Email, c.Phone, c.Identifier)
}

// CreateContact implements store.Store.
func (s *Store) CreateContact(ctx context.Context, accountID int64, in convo.NewContact) (convo.Contact, error) {
	if err := backend.Check(accountID, in); err != nil {
		return convo.Contact{}, err
	}
	var c convo.Contact
	err := s.write(ctx, accountID, func(tx *wtx, now time.Time) error {
		c = backend.NewContact(accountID, in, now)
		if err := insertContactRow(ctx, tx, &c); err != nil {
			return err
		}
		tx.log(store.Change{Kind: store.ContactCreated, ContactID: c.ID})
		return nil
	})
	return c, err
}

// insertContactRow writes c as a new contact and sets its id.
func insertContactRow(ctx context.Context, tx pgx.Tx, c *convo.Contact) error {
	if err := checkContactClash(ctx, tx, *c); err != nil {
		return err
	}
	args, err := contactArgs(*c)
	if err != nil {
		return err
	}
	return tx.QueryRow(ctx, insertContact, args[:17]...).Scan(&c.ID)
}

// checkContactClash names the field when another contact of the account has
// c's email, phone or identifier; the unique indexes stay the last word.
func checkContactClash(ctx context.Context, tx pgx.Tx, c convo.Contact) error {
	if c.Email == "" && c.Phone == "" && c.Identifier == "" {
		return nil
	}
	var id int64
	var emailClash, phoneClash bool
	err := queryOne(ctx, tx, selectContactClash, []any{textValue(strings.ToLower(c.Email)), textValue(c.Phone),
		textValue(c.Identifier), c.AccountID, c.ID}, &id, &emailClash, &phoneClash)
	switch {
	case errors.Is(err, convo.ErrNotFound):
		return nil
	case err != nil:
		return err
	default:
		return backend.ContactClash(c, id, emailClash, phoneClash)
	}
}

// GetContact implements store.Store.
func (s *Store) GetContact(ctx context.Context, accountID, contactID int64) (convo.Contact, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return convo.Contact{}, err
	}
	var c convo.Contact
	err := s.read(ctx, func(tx pgx.Tx) (err error) {
		c, err = getContact(ctx, tx, accountID, contactID)
		return err
	})
	return c, err
}

func getContact(ctx context.Context, tx pgx.Tx, accountID, contactID int64) (convo.Contact, error) {
	rows, err := queryRows[contactRow](ctx, tx, 1, selectContact, accountID, contactID)
	if err != nil {
		return convo.Contact{}, err
	}
	if len(rows) == 0 {
		return convo.Contact{}, convo.ErrNotFound
	}
	return rows[0].toContact()
}

// UpdateContact implements store.Store.
func (s *Store) UpdateContact(ctx context.Context, accountID, contactID int64, up convo.ContactUpdate) (convo.Contact, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return convo.Contact{}, err
	}
	var c convo.Contact
	err := s.write(ctx, accountID, func(tx *wtx, now time.Time) error {
		old, err := getContact(ctx, tx, accountID, contactID)
		if err != nil {
			return err
		}
		if c, err = backend.UpdatedContact(old, up, now); err != nil {
			return err
		}
		if err := updateContactRow(ctx, tx, c); err != nil {
			return err
		}
		tx.changes.ContactChanged(old, c)
		return nil
	})
	return c, err
}

// updateContactRow writes c over the stored contact of its id.
func updateContactRow(ctx context.Context, tx pgx.Tx, c convo.Contact) error {
	if err := checkContactClash(ctx, tx, c); err != nil {
		return err
	}
	args, err := contactArgs(c)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, updateContact, args...)
	return err
}

// DeleteContact implements store.Store.
func (s *Store) DeleteContact(ctx context.Context, accountID, contactID int64, opts store.DeleteContactOptions) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	return s.write(ctx, accountID, func(tx *wtx, now time.Time) error {
		if _, err := getContact(ctx, tx, accountID, contactID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, countContactConversations, accountID, contactID).Scan(&n); err != nil {
			return err
		}
		if err := backend.CheckContactCascade(contactID, n, opts.Cascade); err != nil {
			return err
		}
		if n > 0 {
			// Their messages, labels and members go with them (ON DELETE
			// CASCADE), with no change of their own.
			rows, err := tx.Query(ctx, deleteContactConversations, accountID, contactID)
			if err != nil {
				return err
			}
			gone, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			slices.Sort(gone)
			for _, id := range gone {
				tx.log(store.Change{Kind: store.ConversationDeleted, ContactID: contactID, ConversationID: id})
			}
		}
		if _, err := tx.Exec(ctx, deleteContact, accountID, contactID); err != nil {
			return err
		}
		tx.log(store.Change{Kind: store.ContactDeleted, ContactID: contactID})
		return nil
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
	query, searchable := tsquery(accountID, search, true)
	if !search.Empty() && !searchable {
		// Only punctuation: nothing can match.
		page.Items, page.Meta = []convo.Contact{}, backend.EmptyMeta(f.Page)
		return page, s.open()
	}
	var w where
	w.and(contactsOfAccount, accountID)
	if searchable {
		w.and(contactsMatching, query)
	}
	if phone := f.PhoneKey(); phone != "" {
		w.and(contactsWithPhone, phone)
	}
	if email := strings.ToLower(f.Email); email != "" {
		w.and(contactsWithEmail, email)
	}
	count, countArgs := countContacts+w.sql(), w.args
	offset := 0
	if f.Page.Keyset() && f.Page.Cursor() != "" {
		cur, err := store.DecodeCursor(f.Page.Cursor(), list, 1)
		if err != nil {
			return page, err
		}
		w.and(contactsAfter, cur.Text, cur.Keys[0])
	} else if !f.Page.Keyset() {
		offset = f.Page.Offset()
	}
	q := listContacts + w.sql() + w.bind(contactsOrder, f.Page.PerPage()+1, offset)
	err := s.read(ctx, func(tx pgx.Tx) error {
		args := w.args
		if searchable {
			args = planWithWords(tx, args)
		}
		rows, err := queryRows[contactRow](ctx, tx, f.Page.PerPage()+1, q, args...)
		if err != nil {
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
		return pageMeta(ctx, tx, &page.Meta, f.Page, len(items), count, countArgs...)
	})
	return page, err
}
