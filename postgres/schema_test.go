package postgres

import (
	"context"
	"testing"

	"github.com/matryer/is"
)

// TestLabelsShareOneCollation: the count triggers join a conversation's
// labels to their count rows by label. In two collations the join cannot
// use the counts' key, and every move of a conversation reads every
// account's count rows (migration 10).
func TestLabelsShareOneCollation(t *testing.T) {
	is := is.New(t)
	s := openStore(t, newConvoDatabase(t), Options{})
	rows, err := s.pool.Query(context.Background(), `SELECT table_name, coalesce(collation_name, 'default')
FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name LIKE 'convo\_%' AND column_name = 'label'
ORDER BY table_name`)
	is.NoErr(err)
	collations := map[string]string{}
	for rows.Next() {
		var table, collation string
		is.NoErr(rows.Scan(&table, &collation))
		collations[table] = collation
	}
	is.NoErr(rows.Err())
	is.Equal(len(collations), 2) // the labels and their counts
	for table, collation := range collations {
		if collation != "C" {
			t.Errorf("%s.label is in collation %s, not C", table, collation)
		}
	}
}
