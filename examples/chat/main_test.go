package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// want is what the chat prints: nothing in it depends on the clock, and a
// fresh file numbers the conversation 1.
const want = `conversation 1 by alice: 2 users, audiences [15]
alice sees 1 conversation(s), 1 unseen message(s)
bob   sees 1 conversation(s), 0 unseen message(s)
carol sees 1 conversation(s), 2 unseen message(s)
dave  sees 0 conversation(s), 0 unseen message(s)
  seen=false The new logo is ready for review.
  seen=false Looks great. Carol, can you check the colours?
carol marked the thread seen: 0 unseen
dave: convo: not found
before bob's edit 1: Ill lighten the blue.
timeline, as alice sees it:
  1 alice: The new logo is ready for review.
  2 bob: Looks great. Carol, can you check the colours? [replies: 1] [👀 1, 👍 2; mine: 👀 👍]
  4 bob: I'll lighten the blue. (edited)
  5 alice: (deleted)
thread of message 2
    3 carol: The blue is a shade too dark. [❤️ 1]
`

// TestRun runs the chat against a fresh file and checks what it prints.
func TestRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.db")
	var out strings.Builder
	if err := run(context.Background(), &out, []string{path}); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out.String(), want)
	}
}
