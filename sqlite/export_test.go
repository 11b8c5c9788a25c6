package sqlite

import "database/sql"

// Pools exposes the writer and reader pools to the package's tests.
func (s *Store) Pools() (writer, reader *sql.DB) { return s.w.DB, s.r.DB }
