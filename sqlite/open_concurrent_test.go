package sqlite_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
)

// TestConcurrentOpen opens one new file from many stores at once, then
// opens and closes an existing one in loops: every open succeeds, and the
// schema is made once.
func TestConcurrentOpen(t *testing.T) {
	const opens = 40
	path := filepath.Join(t.TempDir(), "convo.db")
	var wg sync.WaitGroup
	stores := make(chan *sqlite.Store, opens)
	for range opens {
		wg.Go(func() {
			s, err := sqlite.Open(path, sqlite.Options{ReadConns: 1})
			if err != nil {
				t.Errorf("a concurrent open of a new file: %v", err)
				return
			}
			stores <- s
		})
	}
	wg.Wait()
	close(stores)
	for s := range stores {
		if _, err := s.CreateContact(context.Background(), 1, convo.NewContact{FirstName: "Ada"}); err != nil {
			t.Errorf("a write through a store opened concurrently: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}

	for range 4 {
		wg.Go(func() {
			for range 10 {
				s, err := sqlite.Open(path, sqlite.Options{ReadConns: 1})
				if err != nil {
					t.Errorf("open of an existing file in a loop: %v", err)
					return
				}
				if _, err := s.CreateContact(context.Background(), 1, convo.NewContact{FirstName: "Ada"}); err != nil {
					t.Errorf("a write: %v", err)
				}
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			}
		})
	}
	wg.Wait()
}
