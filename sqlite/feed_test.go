package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// TestWaitChangesSeesAnotherStore: a change written through another store
// on the file (as another process would) wakes WaitChanges within the poll
// of 100 ms; the bound allows for a loaded machine.
func TestWaitChangesSeesAnotherStore(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "feed.db")
	waiter, err := sqlite.Open(path, sqlite.Options{})
	is.NoErr(err)
	defer waiter.Close()
	writer, err := sqlite.Open(path, sqlite.Options{})
	is.NoErr(err)
	defer writer.Close()

	var slowest time.Duration
	for i := range 5 {
		now, err := waiter.Changes(ctx, 1, store.FromNow, store.ChangeFilter{})
		is.NoErr(err)
		woke := make(chan time.Time, 1)
		go func() {
			err := waiter.WaitChanges(ctx, 1, now.Next)
			if err != nil {
				t.Error(err)
			}
			woke <- time.Now()
		}()
		time.Sleep(time.Duration(i*37) * time.Millisecond) // at different moments of the poll
		wrote := time.Now()
		_, err = writer.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
		is.NoErr(err)
		select {
		case at := <-woke:
			slowest = max(slowest, at.Sub(wrote))
		case <-time.After(5 * time.Second):
			t.Fatal("WaitChanges did not wake within 5 s")
		}
	}
	t.Logf("slowest wake: %v", slowest)
	if slowest > time.Second {
		t.Errorf("a change of another store took %v to wake WaitChanges, want about the 100 ms poll", slowest)
	}
}
