package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
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
		var same bool
		var literal, binary string
		err := conn.QueryRow(ctx, `SELECT $1::text::tsvector = $2::tsvector, $1::text::tsvector::text, $2::tsvector::text`,
			tsvector(texts...), wordsVector(texts...)).Scan(&same, &literal, &binary)
		if err != nil {
			t.Fatalf("%.40q: %v", texts, err)
		}
		if !same || literal != binary {
			t.Errorf("%.40q: binary %.200s, want %.200s", texts, binary, literal)
		}
	}
}
