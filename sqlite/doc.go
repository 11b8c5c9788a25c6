// Package sqlite is the convo store on SQLite, in pure Go
// (modernc.org/sqlite, no cgo). A *Store implements store.Store.
//
// Open a file, created with its schema when it does not exist, or
// ":memory:" for a private in-memory database that lives until Close:
//
//	s, err := sqlite.Open("convo.db", sqlite.Options{})
//	if err != nil {
//		return err
//	}
//	defer s.Close()
//
// The zero Options suit a server: the system clock, no logging, and writes
// that survive a crash of the process. Each field of Options documents its
// zero value and its largest value (a value beyond it is convo.ErrInvalid):
// Now is the clock (tests inject one); Logger is silent when nil; Durable
// makes every commit wait for the disk, so writes survive power loss too;
// BusyTimeout is how long a call waits for another process's lock (5 s);
// ReadConns is how many reads run at once (max(4, GOMAXPROCS));
// CacheSize, MmapSize and RowCache size the memory the store reads
// through (a negative MmapSize turns memory mapping off, for network file
// systems); ChangeRetention and MaxChangeRetention keep the change feed
// (7 and 30 days).
//
// Close indexes for search the messages not indexed yet, stops the store's
// background work and closes the file; it is safe to call twice. Reads
// still waiting for a connection when Close is called, and every call
// after it, return convo.ErrClosed.
//
// Each account has words of its own in the message index, so an
// account's search costs what its own matches cost, whatever other
// accounts the file holds. While its callers are idle, a store merges the
// index's segments by levels. After a bulk load (Import, or a migration
// through AddMessages), a host may call OptimizeSearch: it merges the
// full-text indexes into one segment at once, so that a search looks each
// word up once, not in many segments. Another program may edit or delete
// messages in the file with plain SQL: the next search finds them as they
// are.
//
// Options.ReadOnly opens a file for reading only: every write is
// convo.ErrReadOnly. A file in a directory this process cannot write is
// read as it is, and must not change while the store is open. A read-only
// store searches the messages its writer has indexed, at most about 50 ms
// behind a writer that is running.
//
// Any number of stores, in one process or several, may open the same file
// at once. Each sees the others' writes in its next call, in gets, lists,
// counts and searches; writes queue for the file's one write lock, each in
// a short transaction, and wait for it up to BusyTimeout. WaitChanges (and
// store.Watch) wakes at once for a change of its own store, and within
// about 100 ms for one of another store on the file: it looks every 100 ms
// while someone waits.
//
// Open refuses a file it must not touch, and leaves it byte for byte as it
// was: a file that is not an SQLite database (or a directory) is
// convo.ErrNotDatabase, a damaged one convo.ErrCorrupt, another
// application's database convo.ErrNotConvo, and one written by a newer
// version of convo convo.ErrSchemaTooNew. Bad options, an empty path, or
// ReadOnly with ":memory:" are a *convo.ValidationError naming the option,
// which matches convo.ErrInvalid. A path that cannot be opened (a missing
// directory, no permission) is an error naming the path that wraps the
// cause, so errors.Is(err, fs.ErrNotExist) works. Opening an older convo
// database brings its schema up to date.
//
// DESIGN.md describes how the store works inside: connections, indexes,
// maintained counts, checkpoints and search indexing.
package sqlite
