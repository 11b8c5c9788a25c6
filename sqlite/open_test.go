package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

func hashFile(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// mustOpenFile opens a store on a new file in a temporary directory.
func mustOpenFile(t *testing.T, opts sqlite.Options) (*sqlite.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "convo.db")
	s, err := sqlite.Open(path, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// seed writes a contact and a conversation, and closes the store.
func seed(t *testing.T, s *sqlite.Store) convo.Conversation {
	t.Helper()
	ctx := context.Background()
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Content: "hello", Type: convo.MessageIncoming}); err != nil {
		t.Fatal(err)
	}
	return conv
}

// rawExec changes a database file behind convo's back.
func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// wantRefused opens path, expects err, and checks the file did not change.
func wantRefused(t *testing.T, path string, want error) {
	t.Helper()
	is := is.NewRelaxed(t)
	before := hashFile(t, path)
	s, err := sqlite.Open(path, sqlite.Options{})
	if err == nil {
		s.Close()
	}
	is.True(errors.Is(err, want)) // the named error
	if err != nil {
		t.Logf("error: %v", err)
	}
	is.Equal(hashFile(t, path), before) // file left byte-for-byte untouched
}

func TestOpen(t *testing.T) {
	t.Run("ReopenKeepsData", func(t *testing.T) {
		is := is.New(t)
		s, path := mustOpenFile(t, sqlite.Options{})
		conv := seed(t, s)
		is.NoErr(s.Close())
		s2, err := sqlite.Open(path, sqlite.Options{})
		is.NoErr(err) // reopen runs no migration twice
		defer s2.Close()
		got, err := s2.GetConversation(context.Background(), 1, conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)
		is.Equal(len(got.Messages), 1)             // the message survived
		is.Equal(got.Messages[0].Content, "hello") // with its content
	})
	t.Run("NotADatabase", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "notes.txt")
		if err := os.WriteFile(path, []byte("these are my notes, not a database\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		wantRefused(t, path, convo.ErrNotDatabase)
	})
	t.Run("Truncated", func(t *testing.T) {
		s, path := mustOpenFile(t, sqlite.Options{})
		seed(t, s)
		s.Close()
		b, _ := os.ReadFile(path)
		if err := os.WriteFile(path, b[:len(b)/2], 0o600); err != nil {
			t.Fatal(err)
		}
		wantRefused(t, path, convo.ErrCorrupt)
	})
	t.Run("CorruptSchemaPage", func(t *testing.T) {
		s, path := mustOpenFile(t, sqlite.Options{})
		seed(t, s)
		s.Close()
		damage(t, path, 100, 4096) // page 1 past the header: the schema
		wantRefused(t, path, convo.ErrCorrupt)
	})
	t.Run("CorruptDataPages", func(t *testing.T) {
		is := is.New(t)
		s, path := mustOpenFile(t, sqlite.Options{})
		conv := seed(t, s)
		s.Close()
		damage(t, path, 4096, -1) // every page but the first
		before := hashFile(t, path)
		s, err := sqlite.Open(path, sqlite.Options{})
		if err != nil {
			is.True(errors.Is(err, convo.ErrCorrupt)) // refused by name
			is.Equal(hashFile(t, path), before)       // and left untouched
			return
		}
		defer s.Close()
		// Damage past the schema shows when a call reads it, by name.
		_, err = s.GetConversation(context.Background(), 1, conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
		is.True(errors.Is(err, convo.ErrCorrupt))
		_, err = s.AddMessage(context.Background(), 1, conv.ID, convo.NewMessage{Content: "x", Type: convo.MessageIncoming})
		is.True(errors.Is(err, convo.ErrCorrupt))
	})
	t.Run("NewerSchemaVersion", func(t *testing.T) {
		s, path := mustOpenFile(t, sqlite.Options{})
		seed(t, s)
		s.Close()
		rawExec(t, path, "PRAGMA journal_mode=DELETE", "INSERT INTO convo_schema_migrations (version, name, applied_at) VALUES (999, 'future.sql', 0)")
		wantRefused(t, path, convo.ErrSchemaTooNew)
	})
	t.Run("HostTables", func(t *testing.T) {
		is := is.New(t)
		path := filepath.Join(t.TempDir(), "host.db")
		rawExec(t, path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)",
			"INSERT INTO invoices (total) VALUES (12.5)", "PRAGMA user_version = 7")
		s, err := sqlite.Open(path, sqlite.Options{})
		is.NoErr(err) // convo's tables go beside the host's
		seed(t, s)
		is.NoErr(s.Close())
		var total float64
		is.NoErr(rawQuery(t, path, "SELECT total FROM invoices WHERE id = 1", &total))
		is.Equal(total, 12.5) // the host's rows are as they were
		var version int
		is.NoErr(rawQuery(t, path, "PRAGMA user_version", &version))
		is.Equal(version, 7) // and so is the host's user_version
	})
	t.Run("ForeignConvoTables", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "other.db")
		rawExec(t, path, "CREATE TABLE convo_contacts (id INTEGER PRIMARY KEY, name TEXT)")
		wantRefused(t, path, convo.ErrNotConvo)
	})
	t.Run("Directory", func(t *testing.T) {
		is := is.New(t)
		_, err := sqlite.Open(t.TempDir(), sqlite.Options{})
		is.True(errors.Is(err, convo.ErrNotDatabase)) // a directory is not a database
	})
	t.Run("BadOptions", func(t *testing.T) {
		is := is.New(t)
		for _, tc := range []struct {
			path  string
			opts  sqlite.Options
			field string
		}{
			{"", sqlite.Options{}, "path"},
			{":memory:", sqlite.Options{BusyTimeout: -1}, "busy_timeout"},
			{":memory:", sqlite.Options{ReadConns: -1}, "read_conns"},
			{":memory:", sqlite.Options{CacheSize: -1}, "cache_size"},
			{":memory:", sqlite.Options{ReadOnly: true}, "read_only"},
			{":memory:", sqlite.Options{ReadConns: math.MaxInt}, "read_conns"},
			{":memory:", sqlite.Options{ReadConns: 1 << 40}, "read_conns"},
			{":memory:", sqlite.Options{ReadConns: sqlite.MaxReadConns + 1}, "read_conns"},
			{":memory:", sqlite.Options{BusyTimeout: math.MaxInt64}, "busy_timeout"},
			{":memory:", sqlite.Options{CacheSize: math.MaxInt64}, "cache_size"},
			{":memory:", sqlite.Options{MmapSize: math.MaxInt64}, "mmap_size"},
			{":memory:", sqlite.Options{RowCache: math.MaxInt}, "row_cache"},
			{":memory:", sqlite.Options{ChangeRetention: -time.Hour}, "change_retention"},
			{":memory:", sqlite.Options{MaxChangeRetention: -time.Hour}, "max_change_retention"},
			{":memory:", sqlite.Options{ChangeRetention: 48 * time.Hour, MaxChangeRetention: 24 * time.Hour}, "max_change_retention"},
			{"con\x00vo.db", sqlite.Options{}, "path"},
		} {
			_, err := sqlite.Open(tc.path, tc.opts)
			var ve *convo.ValidationError
			is.True(errors.As(err, &ve)) // bad options are a ValidationError
			_, ok := ve.Field(tc.field)
			is.True(ok) // naming the option
		}
	})
	t.Run("MissingDirectory", func(t *testing.T) {
		is := is.New(t)
		path := filepath.Join(t.TempDir(), "missing", "convo.db")
		_, err := sqlite.Open(path, sqlite.Options{})
		is.True(errors.Is(err, fs.ErrNotExist))      // the cause, matchable
		is.True(strings.Contains(err.Error(), path)) // and the path, named
	})
	t.Run("CloseTwice", func(t *testing.T) {
		is := is.New(t)
		s, err := sqlite.Open(":memory:", sqlite.Options{})
		is.NoErr(err)
		is.NoErr(s.Close()) // first close
		is.NoErr(s.Close()) // second close is fine
		_, err = s.GetContact(context.Background(), 1, 1)
		is.True(errors.Is(err, convo.ErrClosed)) // calls after Close
	})
	t.Run("ReadOnly", func(t *testing.T) {
		is := is.New(t)
		s, path := mustOpenFile(t, sqlite.Options{})
		conv := seed(t, s)
		s.Close()
		ro, err := sqlite.Open(path, sqlite.Options{ReadOnly: true})
		is.NoErr(err)
		defer ro.Close()
		ctx := context.Background()
		_, err = ro.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err) // reads work
		_, err = ro.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Content: "x", Type: convo.MessageIncoming})
		is.True(errors.Is(err, convo.ErrReadOnly)) // writes are refused by name
	})
	t.Run("ReadOnlyDirectory", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes whatever the permissions; run as another user")
		}
		is := is.New(t)
		dir := t.TempDir()
		path := filepath.Join(dir, "convo.db")
		s, err := sqlite.Open(path, sqlite.Options{})
		is.NoErr(err)
		conv := seed(t, s)
		is.NoErr(s.Close())
		is.NoErr(os.Chmod(path, 0o444))
		is.NoErr(os.Chmod(dir, 0o555))
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		before := hashFile(t, path)
		_, err = sqlite.Open(path, sqlite.Options{})
		is.True(errors.Is(err, convo.ErrReadOnly)) // a file this process cannot write, opened for writing
		ro, err := sqlite.Open(path, sqlite.Options{ReadOnly: true})
		is.NoErr(err) // opened for reading
		defer ro.Close()
		ctx := context.Background()
		got, err := ro.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)                  // reads work
		is.Equal(len(got.Messages), 1) // and see the data
		_, err = ro.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Content: "x", Type: convo.MessageIncoming})
		is.True(errors.Is(err, convo.ErrReadOnly)) // writes are refused by name
		is.Equal(hashFile(t, path), before)        // the file is untouched
	})
	t.Run("MemoryStoresAreSeparate", func(t *testing.T) {
		is := is.New(t)
		ctx := context.Background()
		a, err := sqlite.Open(":memory:", sqlite.Options{})
		is.NoErr(err)
		defer a.Close()
		b, err := sqlite.Open(":memory:", sqlite.Options{})
		is.NoErr(err)
		defer b.Close()
		_, err = a.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
		is.NoErr(err)
		page, err := b.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(len(page.Items), 0) // another in-memory store sees nothing
	})
}

// damage overwrites bytes [from, to) of a file (to -1: its end) with a pattern.
func damage(t *testing.T, path string, from, to int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if to < 0 || to > len(b) {
		to = len(b)
	}
	for i := from; i < to; i++ {
		b[i] = byte(i*7 + 3)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPragmas takes every pooled connection at once and checks that each has
// the settings the DSN gives it, in both durability modes.
func TestPragmas(t *testing.T) {
	for _, durable := range []bool{false, true} {
		t.Run(fmt.Sprintf("Durable=%v", durable), func(t *testing.T) { testPragmas(t, durable) })
	}
}

func testPragmas(t *testing.T, durable bool) {
	is := is.New(t)
	s, _ := mustOpenFile(t, sqlite.Options{ReadConns: 4, Durable: durable})
	ctx := context.Background()
	writer, readers, release, err := s.HoldConns(ctx, 4) // every connection at once
	is.NoErr(err)
	defer release()
	wantSync := 1 // NORMAL: survives a crash of the process
	if durable {
		wantSync = 2 // FULL: survives power loss
	}
	check := func(c *sql.Conn, queryOnly int, cacheKiB int, mmapSize int) {
		var fk, busy, sync, ro, cache, mmap, temp, autoCheckpoint int
		var mode string
		is.NoErr(c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
		is.NoErr(c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
		is.NoErr(c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
		is.NoErr(c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync))
		is.NoErr(c.QueryRowContext(ctx, "PRAGMA query_only").Scan(&ro))
		is.NoErr(c.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache))
		is.NoErr(c.QueryRowContext(ctx, "PRAGMA mmap_size").Scan(&mmap))
		is.NoErr(c.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&temp))
		is.NoErr(c.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&autoCheckpoint))
		is.Equal(fk, 1)            // foreign keys on
		is.Equal(busy, 5000)       // busy timeout set
		is.Equal(mode, "wal")      // WAL
		is.Equal(sync, wantSync)   // the durability mode asked for
		is.Equal(ro, queryOnly)    // readers cannot write
		is.Equal(cache, -cacheKiB) // the page cache of the pool, in KiB
		is.Equal(mmap, mmapSize)   // readers map the file, the writer reads through its cache
		is.Equal(temp, 2)          // temporary B-trees in memory
		if queryOnly == 0 {
			is.Equal(autoCheckpoint, 16384) // the writer checkpoints only as a backstop
		}
	}
	check(writer, 0, 8<<10, 0)
	for _, r := range readers {
		check(r, 1, 32<<10, 1<<30)
	}
}
