// Package postgres is the convo store on PostgreSQL, for hosts that outgrow
// one machine: several application instances on one database, behind the
// same store.Store contract as the SQLite backend. A host switches by
// changing the line that opens the store:
//
//	s, err := postgres.Open(ctx, "postgres://user@host/db", postgres.Options{})
//	if err != nil {
//		return err
//	}
//	defer s.Close()
//
// Open brings convo's schema up to date (once, even when many instances
// start at once): tables named convo_*, beside any of the host's. Many
// writers run at once: an append locks only its conversation, and a call
// that loses a deadlock or a serialization race runs again by itself.
// Every read sees one snapshot. Searches see every committed message.
//
// The change feed (Changes, WaitChanges) is written by each write in its
// own transaction; positions follow commit order within an account (each
// write takes them from its account's row as its last statement, so the
// writes of one account commit through that row one at a time). Each
// write with changes notifies the channel convo_changes; WaitChanges
// listens on one connection of its own, outside the pool, opened when the
// first caller waits and closed by Close.
//
// After a bulk load (Import, or many AddMessages batches) a host can call
// Vacuum, which runs VACUUM (ANALYZE) over convo's tables, so that the
// reads right after do not wait for autovacuum to reach them.
//
// It is a module of its own (github.com/convokit/convo/postgres), so that
// its driver (pgx) stays out of the go.mod of hosts on SQLite. PostgreSQL's
// errors are translated into convo's (convo.ErrConflict, convo.ErrInvalid,
// ...), by SQLSTATE; no driver error reaches the caller.
package postgres
