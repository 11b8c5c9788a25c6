package main

import (
	"context"
	"path/filepath"
	"testing"
)

// TestRun runs the quickstart against a fresh file, twice: the second run
// reopens the database and adds to it.
func TestRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quickstart.db")
	for range 2 {
		if err := run(context.Background(), []string{path}); err != nil {
			t.Fatal(err)
		}
	}
}
