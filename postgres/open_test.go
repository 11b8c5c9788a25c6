package postgres

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/matryer/is"

	"github.com/convokit/convo"
)

// rawConn is a connection of the test's own, outside any store.
func rawConn(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// rawExec runs statements on the database at url behind the store's back.
func rawExec(t testing.TB, url string, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range stmts {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()

	t.Run("MakesTheSchema", func(t *testing.T) {
		is := is.New(t)
		s, err := Open(ctx, newDatabase(t), Options{})
		is.NoErr(err)
		defer s.Close()
		var version int
		is.NoErr(s.pool.QueryRow(ctx, `SELECT max(version) FROM convo_schema_migrations`).Scan(&version))
		is.Equal(version, SchemaVersion())
		var tables int
		is.NoErr(s.pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'convo\_%'`).Scan(&tables))
		is.True(tables >= 10) // convo's tables, all convo_*
		is.NoErr(s.Close())
		is.NoErr(s.Close()) // twice is fine
	})

	t.Run("ManyInstancesAtOnce", func(t *testing.T) {
		is := is.New(t)
		url := newDatabase(t)
		var wg sync.WaitGroup
		stores := make(chan *Store, 8)
		for range 8 {
			wg.Go(func() {
				s, err := Open(ctx, url, Options{MaxConns: 2})
				if err != nil {
					t.Errorf("an open among several at once: %v", err)
					return
				}
				stores <- s
			})
		}
		wg.Wait()
		close(stores)
		var applied int
		for s := range stores {
			is.NoErr(s.pool.QueryRow(ctx, `SELECT count(*) FROM convo_schema_migrations`).Scan(&applied))
			s.Close()
		}
		is.Equal(applied, SchemaVersion()) // each migration applied once
	})

	t.Run("HostTables", func(t *testing.T) {
		is := is.New(t)
		url := newDatabase(t)
		rawExec(t, url, `CREATE TABLE tickets (id bigint PRIMARY KEY, subject text)`, `INSERT INTO tickets VALUES (1, 'kept')`)
		s, err := Open(ctx, url, Options{})
		is.NoErr(err) // convo's tables go beside the host's
		defer s.Close()
		var subject string
		is.NoErr(s.pool.QueryRow(ctx, `SELECT subject FROM tickets WHERE id = 1`).Scan(&subject))
		is.Equal(subject, "kept")
	})

	t.Run("ForeignConvoTables", func(t *testing.T) {
		is := is.New(t)
		url := newDatabase(t)
		rawExec(t, url, `CREATE TABLE convo_contacts (id bigint PRIMARY KEY)`)
		_, err := Open(ctx, url, Options{})
		is.True(errors.Is(err, convo.ErrNotConvo))
	})

	t.Run("NewerSchema", func(t *testing.T) {
		is := is.New(t)
		url := newDatabase(t)
		s, err := Open(ctx, url, Options{})
		is.NoErr(err)
		s.Close()
		rawExec(t, url, `INSERT INTO convo_schema_migrations (version, name, applied_at) VALUES (999, 'future.sql', now())`)
		_, err = Open(ctx, url, Options{})
		is.True(errors.Is(err, convo.ErrSchemaTooNew))
	})

	t.Run("BadOptions", func(t *testing.T) {
		is := is.New(t)
		for _, tc := range []struct {
			url   string
			opts  Options
			field string
		}{
			{"", Options{}, "url"},
			{"postgres://localhost/db", Options{MaxConns: -1}, "max_conns"},
			{"postgres://localhost/db", Options{MaxConns: MaxPoolConns + 1}, "max_conns"},
			{"postgres://user:secret@local host:x/db", Options{}, "url"},
		} {
			_, err := Open(ctx, tc.url, tc.opts)
			var ve *convo.ValidationError
			is.True(errors.As(err, &ve)) // a ValidationError
			_, ok := ve.Field(tc.field)
			is.True(ok)                                       // naming the option
			is.True(!strings.Contains(err.Error(), "secret")) // never the password
		}
	})
}

// TestTranslate shows each kind of server error becoming convo's sentinel.
func TestTranslate(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, newDatabase(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	exec := func(q string) error {
		_, err := s.pool.Exec(ctx, q)
		return translate(err)
	}
	contact := `INSERT INTO convo_contacts (account_id, id, email_key, created_at, updated_at) VALUES (1, 1, 'a@x', now(), now())`
	if err := exec(contact); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, query string
		want        error
	}{
		{"Unique", contact, convo.ErrConflict},
		{"ForeignKey", `INSERT INTO convo_conversations (account_id, uuid, contact_id, channel, status, happened_at, created_at,
			updated_at, last_activity_at) VALUES (2, gen_random_uuid(), 1, 'email', 0, now(), now(), now(), now())`, convo.ErrConflict},
		{"NotNull", `INSERT INTO convo_contacts (account_id, created_at) VALUES (1, now())`, convo.ErrInvalid},
		{"ReadOnly", `SET TRANSACTION READ ONLY; INSERT INTO convo_contacts (account_id, created_at, updated_at) VALUES (1, now(), now())`, convo.ErrReadOnly},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := exec(tc.query)
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), "convo") {
				t.Errorf("%v: no convo prefix", err)
			}
		})
	}
}
