package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// openAtVersion creates a database file whose schema stops at version, as
// the convo of that version wrote it, for a test of the upgrades after it,
// and returns its path, after running stmts on it: the old rows, in raw
// SQL, since the store's queries are this version's.
func openAtVersion(t *testing.T, version int, stmts ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("v%d.db", version))
	all := migrations
	migrations = all[:version]
	s, err := Open(path, Options{})
	migrations = all
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if len(stmts) == 0 {
		return path
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%v: %s", err, stmt)
		}
	}
	return path
}

// A database of version 1 may hold phone numbers in any form, and two
// contacts of an account with one number: migration 2 normalises what
// reads as E.164, leaves the rest, and moves each later duplicate to the
// contact's additional attributes, so that the unique index holds.
func TestMigratePhoneUnique(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	path := openAtVersion(t, 1)
	db, err := sql.Open("sqlite", path)
	is.NoErr(err)
	for _, row := range []string{
		`(1, 1, 'Ada', '+44 20 7946 0000', '{}')`,            // spaced: normalised, the holder
		`(2, 1, 'Bob', '+442079460000', '{"city":"Paris"}')`, // the same number: moved
		`(3, 1, 'Cy', '123456789', '{}')`,                    // not E.164: left as it is
		`(4, 1, 'Dee', '123456789', 'null')`,                 // its duplicate: moved
		`(5, 1, 'Eve', '+1 (555) 010-0100', '{}')`,           // normalised, no duplicate
		`(6, 1, 'Fay', NULL, '{}')`,                          // blank
		`(7, 1, 'Gus', NULL, '{}')`,                          // blank again
		`(8, 2, 'Hal', '+442079460000', '{}')`,               // another account's
		`(9, 1, 'Ida', '+442079460000', '{}')`,               // a third holder: moved
	} {
		_, err := db.Exec(`INSERT INTO convo_contacts (id, account_id, first_name, phone, additional_attributes, created_at, updated_at)
VALUES ` + row[:len(row)-1] + `, 1, 1)`)
		is.NoErr(err)
	}
	is.NoErr(db.Close())

	s, err := Open(path, Options{}) // migrates to the current version
	is.NoErr(err)
	defer s.Close()
	for id, want := range map[int64]struct {
		account int64
		phone   string
		moved   string
	}{
		1: {1, "+442079460000", ""},
		2: {1, "", "+442079460000"},
		3: {1, "123456789", ""},
		4: {1, "", "123456789"},
		5: {1, "+15550100100", ""},
		6: {1, "", ""},
		7: {1, "", ""},
		8: {2, "+442079460000", ""},
		9: {1, "", "+442079460000"},
	} {
		c, err := s.GetContact(ctx, want.account, id)
		is.NoErr(err)
		is.Equal(c.Phone, want.phone) // normalised, left, or cleared
		if want.moved == "" {
			_, ok := c.AdditionalAttributes["convo_duplicate_phone"]
			is.True(!ok) // only duplicates are moved
		} else {
			is.Equal(c.AdditionalAttributes["convo_duplicate_phone"], want.moved) // kept where the host sees it
		}
	}
	bob, err := s.GetContact(ctx, 1, 2)
	is.NoErr(err)
	is.Equal(bob.AdditionalAttributes["city"], "Paris") // the other attributes kept
	is.True(bob.UpdatedAt.Equal(time.UnixMicro(1)))     // updated_at as it was

	_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Jo", Phone: "+44 20 7946 0000"})
	is.True(errors.Is(err, convo.ErrConflict)) // the rule holds on the old rows
	page, err := s.ListContacts(ctx, 1, store.ContactFilter{Phone: "+1 555 010 0100"})
	is.NoErr(err)
	is.Equal(len(page.Items), 1) // found in its new form
	page, err = s.ListContacts(ctx, 1, store.ContactFilter{Query: "1555010"})
	is.NoErr(err)
	is.Equal(len(page.Items), 1) // and searched in it: the full-text index follows

	name := "Cyril"
	cy, err := s.UpdateContact(ctx, 1, 3, convo.ContactUpdate{FirstName: &name})
	is.NoErr(err)
	is.Equal(cy.Phone, "123456789") // an old number stays while the update leaves it
	bad := "987654321"
	_, err = s.UpdateContact(ctx, 1, 3, convo.ContactUpdate{Phone: &bad})
	is.True(errors.Is(err, convo.ErrInvalid)) // a new one must be E.164

	var n int
	is.NoErr(s.r.GetContext(ctx, &n, `SELECT count(*) FROM sqlite_schema WHERE name = 'convo_contacts_phone'`))
	is.Equal(n, 1) // the unique index
}
