package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
)

// TestOpenRollsBackAHotJournal opens a file left with a hot rollback
// journal, as a crash during the first open leaves it (the schema is
// written before WAL is on): the journal is rolled back and the store
// opens. The open used to check the file on a read-only connection, which
// cannot roll a journal back: ErrReadOnly (SQLITE_READONLY_ROLLBACK).
func TestOpenRollsBackAHotJournal(t *testing.T) {
	is := is.New(t)
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	db, err := sql.Open("sqlite", live)
	is.NoErr(err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	for _, q := range []string{
		`PRAGMA journal_mode = DELETE`,
		`PRAGMA cache_size = 5`, // small, so the transaction's pages spill into the file before it commits
		`CREATE TABLE host_notes (body TEXT)`,
		`INSERT INTO host_notes VALUES ('kept')`,
		`BEGIN`,
		`CREATE TABLE convo_contacts (x)`,
		`INSERT INTO host_notes SELECT '` + strings.Repeat("x", 2000) + `' FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT i FROM n)`,
	} {
		_, err := db.ExecContext(ctx, q)
		is.NoErr(err)
	}
	// The crash: the file and its journal as they are mid-transaction.
	crashed := filepath.Join(dir, "crashed.db")
	for _, suffix := range []string{"", "-journal"} {
		b, err := os.ReadFile(live + suffix)
		is.NoErr(err)
		is.NoErr(os.WriteFile(crashed+suffix, b, 0o644))
	}
	_, err = db.ExecContext(ctx, `ROLLBACK`)
	is.NoErr(err)

	s, err := sqlite.Open(crashed, sqlite.Options{})
	is.NoErr(err) // the journal rolled back, convo's schema made beside the host's table
	defer s.Close()
	_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "After"})
	is.NoErr(err)
	_, err = os.Stat(crashed + "-journal")
	is.True(os.IsNotExist(err)) // rolled back and gone
}
