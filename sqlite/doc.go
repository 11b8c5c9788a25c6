// Package sqlite is the convo store on SQLite, in pure Go
// (modernc.org/sqlite, no cgo).
//
// Open a file, or ":memory:" for a private in-memory database that lives
// until Close:
//
//	s, err := sqlite.Open("convo.db", sqlite.Options{})
//	defer s.Close()
//
// The database runs in WAL mode with one writer connection, whose
// transactions start IMMEDIATE so writers queue instead of failing busy,
// and a pool of reader connections that the store holds, each with its
// prepared statements; a read runs BEGIN, its queries and COMMIT on one
// (database/sql's Tx costs a goroutine for itself and one per query
// result). A goroutine of the store copies the
// write-ahead log back into the file (a PASSIVE checkpoint on a connection
// of its own, 50 ms after writes), so no write waits for a checkpoint; Close
// stops it. Another indexes new messages for search in batches, 50 ms after
// they commit, instead of each append indexing its own (FTS5 writes a new
// segment for every transaction that adds to it); every call that searches
// first indexes what is still waiting, so it finds every committed message,
// and Close indexes what is left (an in-memory store indexes in each write
// instead: it has no WAL, so a background write would hold readers off).
// Foreign keys and the busy timeout are
// set on every connection through the DSN. The schema is embedded, numbered
// .sql migrations recorded in the schema_migrations table; a database
// written by a newer version is refused with convo.ErrSchemaTooNew.
//
// Times are stored as INTEGER microseconds since the Unix epoch, UTC.
//
// CountConversations costs the same at any size for filters by status,
// inbox, team, unattended or one label: those counts live in tables kept by
// triggers in the transaction of every write. Other filters (several labels,
// update time, a contact, a participant, a search) count only the
// conversations that match them, found through an index, never by walking
// the account. Unread and unseen counts are maintained on write too. A list
// walks the index of its sort and stops at a full page; filtered by labels
// or update time, it sorts its matches instead when they are few (see
// matches.go), so a rare label does not walk the whole status.
//
// Options has a clock, a *slog.Logger (silent unless given), the
// durability mode and the reader pool size; each field documents what its
// zero value means.
package sqlite
