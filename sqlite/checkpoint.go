package sqlite

import (
	"context"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// checkpointer copies the write-ahead log back into the database file on its
// own connection, off the writer's path.
//
// SQLite's default checkpoints in the writer: the commit that takes the log
// past 1000 pages copies them all and waits for two fsyncs before it returns,
// a pause of many milliseconds every few dozen appends. Here a commit only
// nudges the checkpointer, which lets writes gather for checkpointEvery (so
// a page written by many commits, such as an index page or the full-text
// index's structure record, is copied once) and then runs a PASSIVE
// checkpoint, which never blocks writers or readers. An idle store runs none.
// The writer keeps SQLite's own checkpoint as a backstop at a larger log
// (walBackstopPages), for when this one cannot keep up.
type checkpointer struct {
	db    *sqlx.DB // one connection, used by nothing else
	nudge chan struct{}
	done  chan struct{}
	wg    sync.WaitGroup
	every time.Duration
	log   func(error)
}

const (
	checkpointEvery  = 50 * time.Millisecond
	walBackstopPages = 16384 // 64 MiB of 4 KiB pages
)

func newCheckpointer(db *sqlx.DB, every time.Duration, log func(error)) *checkpointer {
	c := &checkpointer{db: db, nudge: make(chan struct{}, 1), done: make(chan struct{}), every: every, log: log}
	c.wg.Add(1)
	go c.run()
	return c
}

// wrote tells the checkpointer that a transaction committed. It never blocks.
func (c *checkpointer) wrote() {
	select {
	case c.nudge <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer c.wg.Done()
	afterNudges(c.nudge, c.done, c.every, func() {
		if _, err := c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
			c.log(err)
		}
	})
}

// afterNudges runs fn once for each nudge, every after it (so that what
// happens meanwhile gathers into one run), until done is closed.
func afterNudges(nudge, done <-chan struct{}, every time.Duration, fn func()) {
	for {
		select {
		case <-done:
			return
		case <-nudge:
		}
		select {
		case <-done:
			return
		case <-time.After(every):
		}
		fn()
	}
}

// close stops the checkpointer and closes its connection. SQLite checkpoints
// what is left when the store's last connection closes.
func (c *checkpointer) close() error {
	close(c.done)
	c.wg.Wait()
	return c.db.Close()
}
