package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestFullTextIndexInStep writes through every path that adds, edits or
// deletes messages and contacts, then has FTS5 check both indexes against
// their tables (integrity-check with rank 1 compares the content too): on
// a file, whose index follows behind, and in memory, where each write
// indexes what it adds.
func TestFullTextIndexInStep(t *testing.T) {
	for _, memory := range []bool{false, true} {
		t.Run(fmt.Sprintf("memory=%t", memory), func(t *testing.T) {
			open := func() (*Store, error) {
				if memory {
					return Open(":memory:", Options{})
				}
				return Open(filepath.Join(t.TempDir(), "fts.db"), Options{})
			}
			testFullTextIndexInStep(t, open)
		})
	}
}

func testFullTextIndexInStep(t *testing.T, open func() (*Store, error)) {
	ctx := context.Background()
	s, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.index != nil {
		s.index.stop() // the test says when the index catches up
	}
	check := func(when string) {
		t.Helper()
		if err := s.CheckInvariants(ctx); err != nil { // the mark holds while the index is behind
			t.Fatalf("%s, before indexing: %v", when, err)
		}
		if s.index != nil {
			if err := s.index.catchUp(ctx); err != nil {
				t.Fatalf("%s: index: %v", when, err)
			}
		}
		for _, table := range []string{"convo_messages_fts", "convo_contacts_fts"} {
			if err := s.execOnWriter(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('integrity-check', 1)`); err != nil {
				t.Fatalf("%s: %s: %v", when, table, err)
			}
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada", Email: "ada@example.com"})
	must(err)
	c2, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Bob", Phone: "+1 555"})
	must(err)
	var convs []convo.Conversation
	for _, contact := range []int64{c.ID, c.ID, c2.ID} {
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
		must(err)
		convs = append(convs, conv)
	}
	m, err := s.AddMessage(ctx, 1, convs[0].ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "first words"})
	must(err)
	var batch []store.MessageTo
	for i := range 50 {
		batch = append(batch, store.MessageTo{ConversationID: convs[i%3].ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "batch café words"}})
	}
	added, err := s.AddMessages(ctx, 1, batch)
	must(err)
	_, err = s.AddMessage(ctx, 1, convs[0].ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "retried", SourceID: "x-1"})
	must(err)
	_, err = s.AddMessage(ctx, 1, convs[0].ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "retried", SourceID: "x-1"})
	must(err)
	_, err = s.AddMessages(ctx, 1, []store.MessageTo{{ConversationID: convs[0].ID, Message: convo.NewMessage{Content: ""}}})
	if err == nil {
		t.Fatal("a bad batch was accepted")
	}
	_, err = s.ChangeStatus(ctx, 1, convs[1].ID, convo.StatusChange{Status: convo.StatusResolved})
	must(err)
	_, err = s.Assign(ctx, 1, convs[1].ID, convo.Assignment{AssigneeID: uuid.New()})
	must(err)
	check("after adds")
	content := "edited words"
	_, err = s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &content})
	must(err)
	_, err = s.DeleteMessage(ctx, 1, added[0].ID)
	must(err)
	name := "Grace"
	_, err = s.UpdateContact(ctx, 1, c2.ID, convo.ContactUpdate{FirstName: &name})
	must(err)
	check("after edits")
	_, err = s.DeleteConversation(ctx, 1, convs[1].ID)
	must(err)
	must(s.DeleteContact(ctx, 1, c2.ID, store.DeleteContactOptions{Cascade: true}))
	check("after deletes")

	// Messages the index does not hold yet, edited and deleted before it does.
	pending, err := s.AddMessages(ctx, 1, []store.MessageTo{
		{ConversationID: convs[0].ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "pending words"}},
		{ConversationID: convs[0].ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "pending words"}},
	})
	must(err)
	content = "rewritten before indexing"
	_, err = s.UpdateMessage(ctx, 1, pending[0].ID, convo.MessageUpdate{Content: &content})
	must(err)
	_, err = s.DeleteMessage(ctx, 1, pending[1].ID)
	must(err)
	check("after edits and deletes of messages not yet indexed")
	for q, want := range map[string]int{"rewritten": 1, "pending": 0} {
		hits, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: q})
		must(err)
		if hits.Meta.Total != want {
			t.Errorf("search %q finds %d messages, want %d", q, hits.Meta.Total, want)
		}
	}

	// An import writes messages with the file's ids, older than the newest.
	// Into a new store, they are newer than the index's mark, and the
	// indexer takes them; into a store whose mark is past them, the import
	// indexes them itself.
	var records []store.Record
	must(s.Export(ctx, 1, func(r store.Record) error { records = append(records, r); return nil }))
	want, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "café"})
	must(err)
	for _, markPast := range []bool{false, true} {
		into, err := open()
		must(err)
		defer into.Close()
		if into.index != nil {
			into.index.stop()
		}
		if markPast {
			other, err := into.CreateContact(ctx, 2, convo.NewContact{FirstName: "Other"})
			must(err)
			otherConv, err := into.CreateConversation(ctx, 2, convo.NewConversation{ContactID: other.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
			must(err)
			batch = batch[:0]
			for range 100 {
				batch = append(batch, store.MessageTo{ConversationID: otherConv.ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "other words"}})
			}
			_, err = into.AddMessages(ctx, 2, batch)
			must(err)
			if into.index != nil {
				must(into.index.catchUp(ctx))
			}
			must(into.DeleteContact(ctx, 2, other.ID, store.DeleteContactOptions{Cascade: true})) // frees the ids
		}
		_, err = into.Import(ctx, 1, func(yield func(store.Record, error) bool) {
			for _, r := range records {
				if !yield(r, nil) {
					return
				}
			}
		}, store.ImportOptions{})
		must(err)
		s = into
		check(fmt.Sprintf("after an import (mark past its messages: %t)", markPast))
		got, err := into.SearchMessages(ctx, 1, store.MessageSearch{Query: "café"})
		must(err)
		if got.Meta.Total != want.Meta.Total || want.Meta.Total == 0 {
			t.Errorf("an imported store finds %d messages with café, the source %d", got.Meta.Total, want.Meta.Total)
		}
	}
}

// TestTokenizerGivesTheContractsWords holds unicode61 with
// remove_diacritics 2, as the schema configures it, to store.Words: each
// character of the blocks below, between two letters, is indexed as the
// contract reads it, in the message index (the account's code before each
// word) and from any text (the contacts' index). The blocks are those of the contract's folding (Latin,
// combining accents) and a sample of the rest, all as Unicode 6.1 knew
// them, the version of unicode61's tables; characters Unicode had not
// assigned are left out (the tokenizer takes them for letters).
func TestTokenizerGivesTheContractsWords(t *testing.T) {
	ctx := context.Background()
	s, err := Open(":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conv := newTestConversation(t, s)
	blocks := [][2]rune{
		{0x0001, 0x037E},                       // Latin, IPA, modifiers, combining marks, Greek (U+037F came in 7.0)
		{0x0384, 0x0527},                       // Greek and Cyrillic (U+0528 came in 7.0)
		{0x1E00, 0x1FFE},                       // Latin Extended Additional, Greek Extended
		{0x2000, 0x2064},                       // punctuation
		{0x20A0, 0x20B9},                       // currency
		{0x2100, 0x2189},                       // letterlike symbols, number forms
		{0x2460, 0x24FF},                       // enclosed alphanumerics
		{0x3000, 0x30FF},                       // CJK punctuation, kana
		{0x4E00, 0x4EFF},                       // CJK ideographs
		{0xAC00, 0xACFF},                       // Hangul
		{0xFF01, 0xFFEE},                       // full and half width forms
		{0x1F442, 0x1F4F7}, {0x1F600, 0x1F640}, // emoji
	}
	var runes []rune
	for _, b := range blocks {
		for r := b[0]; r <= b[1]; r++ {
			if !unicode.Is(unicode.Cn, r) {
				runes = append(runes, r)
			}
		}
	}
	byID := map[int64]string{}
	for batch := range slices.Chunk(runes, store.MaxBatch) {
		var in []store.MessageTo
		for _, r := range batch {
			in = append(in, store.MessageTo{ConversationID: conv.ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "x" + string(r) + "x"}})
		}
		added, err := s.AddMessages(ctx, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range added {
			byID[m.ID] = m.Content
		}
	}
	if _, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "x"}); err != nil { // the index catches up
		t.Fatal(err)
	}
	// tokens reads an index's words by rowid, in order.
	tokens := func(c *sql.Conn, schema, table, column string) (map[int64][]string, error) {
		vocab := `CREATE VIRTUAL TABLE temp.tokens USING fts5vocab(` + schema + `, ` + table + `, instance)`
		if _, err := c.ExecContext(ctx, vocab); err != nil {
			return nil, err
		}
		defer c.ExecContext(ctx, `DROP TABLE temp.tokens`) //nolint:errcheck // a test's
		rows, err := c.QueryContext(ctx, `SELECT doc, term FROM temp.tokens WHERE col = ? ORDER BY doc, offset`, column)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		got := map[int64][]string{}
		for rows.Next() {
			var id int64
			var term string
			if err := rows.Scan(&id, &term); err != nil {
				return nil, err
			}
			got[id] = append(got[id], term)
		}
		return got, rows.Err()
	}
	// The message index holds the contract's words behind the account's
	// code, and the contacts' index (as any text) gives them from the text.
	var indexed, raw map[int64][]string
	err = s.OnWriter(ctx, func(c *sql.Conn) error {
		if indexed, err = tokens(c, "main", "convo_messages_fts", "words"); err != nil {
			return err
		}
		if _, err := c.ExecContext(ctx, `CREATE VIRTUAL TABLE temp.raw USING fts5(content, tokenize = 'unicode61 remove_diacritics 2')`); err != nil {
			return err
		}
		for id, content := range byID {
			if _, err := c.ExecContext(ctx, `INSERT INTO temp.raw (rowid, content) VALUES (?, ?)`, id, content); err != nil {
				return err
			}
		}
		raw, err = tokens(c, "temp", "raw", "content")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, content := range byID {
		want := store.Words(content)
		if !slices.Equal(raw[id], want) {
			t.Errorf("%U: unicode61 gives %q, store.Words %q", []rune(content)[1], raw[id], want)
		}
		for i, w := range want {
			want[i] = searchCode(1) + w
		}
		if !slices.Equal(indexed[id], want) {
			t.Errorf("%U: the message index holds %q, want %q", []rune(content)[1], indexed[id], want)
		}
	}
}

// TestSearchCodes shows every account number up to 36^6-1 with a code of
// its own of one length, and the next a clear error, not a shorter or
// longer code that could read as another account's.
func TestSearchCodes(t *testing.T) {
	last := int64(36*36*36*36*36*36 - 1)
	for n, want := range map[int64]string{1: "000001", 36: "000010", last: "zzzzzz"} {
		if got := searchCode(n); got != want {
			t.Errorf("searchCode(%d) = %q, want %q", n, got, want)
		}
	}
	if got, err := searchWords(2, "Hello, World"); err != nil || got != "000002hello 000002world" {
		t.Errorf(`searchWords(2, "Hello, World") = %q, %v`, got, err)
	}
	for _, n := range []int64{0, last + 1} {
		if _, err := searchWords(n, "hello"); !errors.Is(err, convo.ErrStorageFull) {
			t.Errorf("searchWords(%d) gives %v, want ErrStorageFull", n, err)
		}
	}
}

// TestSearchCodesRunOut shows a store whose accounts have used every
// search code refusing to index a new account's messages with
// ErrStorageFull, rather than give it a code that is not its own.
func TestSearchCodesRunOut(t *testing.T) {
	ctx := context.Background()
	s := openFileStore(t)
	if err := s.execOnWriter(ctx, `INSERT INTO convo_search_accounts (n, account_id) VALUES (36*36*36*36*36*36 - 1, 999)`); err != nil {
		t.Fatal(err)
	}
	addWords(t, s, 1, "hello")
	if _, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "hello"}); !errors.Is(err, convo.ErrStorageFull) {
		t.Errorf("a search of an account without a code gives %v, want ErrStorageFull", err)
	}
}

// TestMessageMatchKeepsToItsAccount asks the message index itself, without
// the searches' filter by account, for a word two accounts wrote: each
// account's MATCH finds its own message only, the same query typed with
// the other account's code included. A message search (the words
// dropped) and a prefix keep to it too.
func TestMessageMatchKeepsToItsAccount(t *testing.T) {
	ctx := context.Background()
	s := openFileStore(t)
	own := map[int64]int64{} // account → its message
	for _, account := range []int64{1, 2} {
		c := newTestContact(t, s, account)
		conv, err := s.CreateConversation(ctx, account, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		added, err := s.AddMessages(ctx, account, []store.MessageTo{{ConversationID: conv.ID,
			Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "invoice attached"}}})
		if err != nil {
			t.Fatal(err)
		}
		own[account] = added[0].ID
	}
	if _, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "x"}); err != nil { // the index catches up
		t.Fatal(err)
	}
	for account, id := range own {
		var n int64
		if err := s.r.QueryRowContext(ctx, selectSearchAccount, account).Scan(&n); err != nil {
			t.Fatal(err)
		}
		other := searchCode(3 - n)
		for _, q := range []string{"invoice", "inv*", `"invoice attached"`, other + "invoice"} {
			search, err := convo.ParseSearch("q", q)
			if err != nil {
				t.Fatal(err)
			}
			expr, ok := messageMatch(n, search)
			if !ok {
				t.Fatalf("%q: nothing to search", q)
			}
			var found []int64
			if err := s.r.SelectContext(ctx, &found, `SELECT rowid FROM convo_messages_fts WHERE convo_messages_fts MATCH ?`, expr); err != nil {
				t.Fatal(err)
			}
			want := []int64{id}
			if q == other+"invoice" {
				want = nil
			}
			if !slices.Equal(found, want) {
				t.Errorf("account %d, %q (%s): the index gives %v, want %v", account, q, expr, found, want)
			}
		}
	}
}
