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

// TestMessagesOrderedOnlyByAccount: no btree on convo_messages leads with
// the id. Such an index gives every account's messages newest first, and a
// generic plan walks it for one account's search (migration 11); the ids
// stay unique through a hash index, which gives no order.
func TestMessagesOrderedOnlyByAccount(t *testing.T) {
	is := is.New(t)
	s := openStore(t, newConvoDatabase(t), Options{})
	ctx := context.Background()
	rows, err := s.pool.Query(ctx, `SELECT i.indexrelid::regclass::text, a.attname
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_class x ON x.oid = i.indexrelid
JOIN pg_am am ON am.oid = x.relam
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
WHERE t.relname = 'convo_messages' AND t.relnamespace = current_schema()::regnamespace AND am.amname = 'btree'`)
	is.NoErr(err)
	n := 0
	for rows.Next() {
		var index, first string
		is.NoErr(rows.Scan(&index, &first))
		n++
		if first != "account_id" {
			t.Errorf("btree %s leads with %s, not account_id", index, first)
		}
	}
	is.NoErr(rows.Err())
	is.True(n >= 3) // the primary key, the seq of a conversation, the source ids
	var hashed bool
	is.NoErr(s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_constraint
WHERE conrelid = 'convo_messages'::regclass AND contype = 'x')`).Scan(&hashed))
	is.True(hashed) // the ids are still unique
}
