package main

import (
	"context"
	"path/filepath"
	"testing"
)

// TestRun runs the chat against a fresh file.
func TestRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.db")
	if err := run(context.Background(), []string{path}); err != nil {
		t.Fatal(err)
	}
}
