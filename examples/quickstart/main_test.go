package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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

// TestReadmeShowsThisProgram keeps the README's quickstart the code of
// this program, byte for byte.
func TestReadmeShowsThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	program, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, found := strings.Cut(string(readme), "## Quickstart")
	block, _, _ := strings.Cut(after, "\n```\n")
	_, code, ok := strings.Cut(block, "```go\n")
	if !found || !ok || strings.TrimSpace(code) != strings.TrimSpace(string(program)) {
		t.Error("the README's Quickstart block is not examples/quickstart/main.go: copy the file into it")
	}
}
