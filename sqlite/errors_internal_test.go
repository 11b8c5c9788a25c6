package sqlite

import (
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
)

// TestTranslateSaysWhatConflicted makes SQLite refuse writes for each
// constraint translate maps to a sentinel, and requires the error to say
// what was refused: the driver's table of result codes names only the
// primary codes, so the extended ones (a UNIQUE violation is 2067) once read
// "convo: conflict: " with nothing after it.
func TestTranslateSaysWhatConflicted(t *testing.T) {
	is := is.New(t)
	db, err := sql.Open("sqlite", "file:"+t.TempDir()+"/raw.db?_pragma=foreign_keys(1)")
	is.NoErr(err)
	t.Cleanup(func() { db.Close() })
	_, err = db.Exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
		CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id),
			n INTEGER NOT NULL CHECK (n > 0));
		INSERT INTO parent (id, email) VALUES (1, 'a@example.com')`)
	is.NoErr(err)
	for _, tc := range []struct {
		name, stmt string
		want       error
	}{
		{"unique", `INSERT INTO parent (id, email) VALUES (2, 'a@example.com')`, convo.ErrConflict},
		{"primary key", `INSERT INTO parent (id, email) VALUES (1, 'b@example.com')`, convo.ErrConflict},
		{"foreign key", `INSERT INTO child (parent_id, n) VALUES (9, 1)`, convo.ErrConflict},
		{"check", `INSERT INTO child (parent_id, n) VALUES (1, 0)`, convo.ErrInvalid},
		{"not null", `INSERT INTO child (parent_id, n) VALUES (1, NULL)`, convo.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			_, err := db.Exec(tc.stmt)
			is.True(err != nil) // SQLite refuses the write
			got := translate(err)
			is.True(errors.Is(got, tc.want)) // to the sentinel
			reason := strings.TrimPrefix(got.Error(), tc.want.Error()+":")
			is.True(strings.TrimSpace(reason) != "") // saying what was refused
			t.Log(got)
		})
	}
}
