package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"
)

// openAtVersion opens a new database file whose schema stops at version, as
// the convo of that version wrote it, for a test of the upgrades after it.
// The store's queries are this version's: write through those the old
// schema has.
func openAtVersion(t *testing.T, version int) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("v%d.db", version))
	all := migrations
	migrations = all[:version]
	s, err := Open(path, Options{})
	migrations = all
	if err != nil {
		t.Fatal(err)
	}
	return s, path
}
