package postgres

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
)

// TestWordsVectorAsLiteral checks that the binary tsvector a batch copies
// is what PostgreSQL makes of the literal a single append sends, where the
// server trims it: repeated words, a position past the last one kept, more
// positions than a lexeme keeps, a word longer than a lexeme, quotes.
func TestWordsVectorAsLiteral(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, newDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	long := strings.Repeat("é", 1500) // 3000 bytes, cut in the middle of none
	for _, texts := range [][]string{
		{""},
		{"!!"},
		{"the cat and the hat, the end"},
		{"it's a back\\slash 'quoted' Ünïcödé ÉCOLE école"},
		{"first text", "second text"},
		{strings.Repeat("again ", 300) + "done"},
		{strings.Repeat("w ", maxPosition+50) + "tail tail"},
		{long + " " + long + "x " + long},
	} {
		for _, account := range []int64{1, math.MaxInt64} { // the shortest mark and the longest
			var same bool
			var literal, binary string
			err := conn.QueryRow(ctx, `SELECT $1::text::tsvector = $2::tsvector, $1::text::tsvector::text, $2::tsvector::text`,
				tsvector(account, texts...), wordsVector(account, texts...)).Scan(&same, &literal, &binary)
			if err != nil {
				t.Fatalf("%.40q: %v", texts, err)
			}
			if !same || literal != binary {
				t.Errorf("%.40q: binary %.200s, want %.200s", texts, binary, literal)
			}
		}
	}
}

// TestWordsKeepToTheirAccount queries the words indexes with no filter by
// account: an account's query (a word, a prefix, a phrase) finds only its
// own messages and contacts, though another account holds the same words.
func TestWordsKeepToTheirAccount(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, newConvoDatabase(t), Options{})
	accounts := []int64{1, 36} // marks "1." and "10.": one a prefix of the other but for the dot
	for _, account := range accounts {
		c, err := s.CreateContact(ctx, account, convo.NewContact{FirstName: "Ada", Email: "ada@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		conv, err := s.CreateConversation(ctx, account, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMessage(ctx, account, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "the invoice is paid"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, account := range accounts {
		for _, c := range []struct{ table, q string }{
			{"convo_messages", "invoice"}, {"convo_messages", "inv*"}, {"convo_messages", `"invoice is"`},
			{"convo_contacts", "ada"}, {"convo_contacts", "exam"},
		} {
			search, err := convo.ParseSearch("q", c.q)
			if err != nil {
				t.Fatal(err)
			}
			query, _ := tsquery(account, search, c.table == "convo_contacts")
			rows, err := s.pool.Query(ctx, `SELECT account_id FROM `+c.table+` WHERE words @@ $1::tsquery`, query)
			if err != nil {
				t.Fatal(err)
			}
			found, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				t.Fatal(err)
			}
			if len(found) != 1 || found[0] != account {
				t.Errorf("account %d, %s %q: found rows of accounts %v, want its own one", account, c.table, c.q, found)
			}
		}
	}
}
