// Package postgres is the convo store on PostgreSQL, for hosts that outgrow
// one machine: several application instances on one database, behind the
// same store.Store contract as the SQLite backend.
//
// It is a module of its own (github.com/convokit/convo/postgres), so that
// its driver (pgx) stays out of the go.mod of hosts on SQLite.
//
// This package is being built: today it opens a database and brings the
// convo schema up to date (applied once even when many instances start at
// once), and translates PostgreSQL's errors into convo's. The store's calls
// follow; until then Store does not implement store.Store.
//
//	s, err := postgres.Open(ctx, "postgres://user@host/db", postgres.Options{})
//	if err != nil {
//		return err
//	}
//	defer s.Close()
package postgres
