package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/convokit/convo"
)

// openOneReader opens a file store with one reader connection, so that
// every read runs on the same held connection.
func openOneReader(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "convo.db"), Options{ReadConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// contactsRead reads, in one read, the number of contacts of account 1.
func contactsRead(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.read(context.Background(), func(tx *dbtx) error {
		return tx.GetContext(context.Background(), &n, `SELECT count(*) FROM convo_contacts WHERE account_id = 1`)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReadEndsItsTransaction shows that a read which fails or panics
// leaves its connection outside any transaction: the next read on it sees
// what was written since, as it would not from an old snapshot.
func TestReadEndsItsTransaction(t *testing.T) {
	s := openOneReader(t)
	ctx := context.Background()
	failed := errors.New("failed")
	for _, end := range []string{"error", "panic", "ok"} {
		t.Run(end, func(t *testing.T) {
			before := contactsRead(t, s)
			func() {
				defer func() { recover() }()
				err := s.read(ctx, func(tx *dbtx) error {
					var n int
					if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM convo_contacts`); err != nil {
						return err
					}
					switch end {
					case "error":
						return failed
					case "panic":
						panic(failed)
					}
					return nil
				})
				if end == "error" && !errors.Is(err, failed) {
					t.Errorf("the read returned %v, want its function's error", err)
				}
			}()
			newTestContact(t, s, 1)
			if got := contactsRead(t, s); got != before+1 {
				t.Errorf("after a read that ended by %s, a read counts %d contacts, want %d", end, got, before+1)
			}
		})
	}
}

// TestReadersWaitForAConnection runs more reads at once than there are
// reader connections: they take turns, and the pool never opens more.
func TestReadersWaitForAConnection(t *testing.T) {
	s := openOneReader(t)
	newTestContact(t, s, 1)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { // t.Fatal belongs to the test's goroutine: report with t.Error
			for range 20 {
				var n int
				err := s.read(context.Background(), func(tx *dbtx) error {
					return tx.GetContext(context.Background(), &n, `SELECT count(*) FROM convo_contacts WHERE account_id = 1`)
				})
				if err != nil || n != 1 {
					t.Errorf("a read counts %d contacts (%v), want 1", n, err)
				}
			}
		})
	}
	wg.Wait()
	if open := s.r.Stats().OpenConnections; open > 1 {
		t.Errorf("the reader pool opened %d connections, want at most 1", open)
	}
	// database/sql's own limit enforces the above; that the connection is
	// lent again rather than opened anew each read is the store's.
	if free, unopened := len(s.readers.free), len(s.readers.slots); free != 1 || unopened != 0 {
		t.Errorf("after the reads the pool holds %d free connections and may open %d more, want 1 and 0", free, unopened)
	}

	// A read that cannot get a connection before its context ends fails
	// with the context's error.
	held := make(chan struct{})
	done := make(chan struct{})
	go func() {
		s.read(context.Background(), func(*dbtx) error { close(held); <-done; return nil })
	}()
	<-held
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := s.read(ctx, func(*dbtx) error { return nil })
	close(done)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a read waiting past its deadline returned %v, want context.DeadlineExceeded", err)
	}
}

// TestCloseDuringRead closes the store while a read runs: the read
// finishes, Close returns, and later reads are ErrClosed.
func TestCloseDuringRead(t *testing.T) {
	s := openOneReader(t)
	held := make(chan struct{})
	finish := make(chan struct{})
	result := make(chan error, 1)
	go func() {
		result <- s.read(context.Background(), func(tx *dbtx) error {
			close(held)
			<-finish
			var n int
			return tx.GetContext(context.Background(), &n, `SELECT count(*) FROM convo_contacts`)
		})
	}()
	<-held
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	close(finish)
	if err := <-result; err != nil && !errors.Is(err, convo.ErrClosed) {
		t.Errorf("the read in flight returned %v, want nil or ErrClosed", err)
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	if err := s.read(context.Background(), func(*dbtx) error { return nil }); !errors.Is(err, convo.ErrClosed) {
		t.Errorf("a read after Close returned %v, want ErrClosed", err)
	}
}

// TestCloseWakesWaitingReads closes the store while reads wait for its one
// reader connection: each returns ErrClosed promptly, while the read that
// holds the connection is still running.
func TestCloseWakesWaitingReads(t *testing.T) {
	s := openOneReader(t)
	held := make(chan struct{})
	finish := make(chan struct{})
	defer close(finish)
	go func() {
		s.read(context.Background(), func(*dbtx) error { close(held); <-finish; return nil })
	}()
	<-held
	const waiting = 8
	results := make(chan error, waiting)
	for range waiting {
		go func() { results <- s.read(context.Background(), func(*dbtx) error { return nil }) }()
	}
	time.Sleep(50 * time.Millisecond) // let them queue for the connection
	go s.Close()
	timeout := time.After(5 * time.Second)
	for range waiting {
		select {
		case err := <-results:
			if !errors.Is(err, convo.ErrClosed) {
				t.Errorf("a read waiting when Close ran returned %v, want ErrClosed", err)
			}
		case <-timeout:
			t.Fatal("a read waiting for a connection when Close ran did not return")
		}
	}
}
