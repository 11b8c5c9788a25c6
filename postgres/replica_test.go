package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/postgres/internal/pgserver"
	"github.com/convokit/convo/store"
)

// startReplica starts a streaming replica (hot standby) of the server the
// tests started, on a free port, stopped when the test ends, and returns
// its port and how to stop it sooner. A server of CONVO_POSTGRES_URL gets
// no replica: the test skips.
func startReplica(t *testing.T) (int, func()) {
	t.Helper()
	requireServer(t)
	if os.Getenv("CONVO_POSTGRES_URL") != "" {
		t.Skip("CONVO_POSTGRES_URL names a server this test cannot replicate")
	}
	bin := os.Getenv("PG_BIN")
	if bin == "" {
		bin = "/usr/lib/postgresql/15/bin"
	}
	// run runs a server program as the postgres user when we are root.
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		if os.Geteuid() == 0 {
			cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(bin, name)}, args...)...)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v: %s", name, err, out)
		}
		return nil
	}
	dir, err := os.MkdirTemp("", "convo-pg-replica-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatal(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(dir, "data")
	// -R: standby.signal and primary_conninfo, so that it streams.
	if err := run("pg_basebackup", "-D", data, "-R", "-X", "stream", "-c", "fast", "-d", serverURL); err != nil {
		t.Fatal(err)
	}
	port, err := pgserver.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	// The copy has the primary's port and socket directory: later lines win.
	conf := fmt.Sprintf("port = %d\nunix_socket_directories = '%s'\nhot_standby = on\n", port, dir)
	f, err := os.OpenFile(filepath.Join(data, "postgresql.auto.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(conf)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			if err := run("pg_ctl", "-D", data, "-m", "fast", "-w", "stop"); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(stop)
	return port, stop
}

// onPort is url with its port changed: the same database on a replica.
func onPort(t *testing.T, url string, port int) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, port, cfg.Database)
}

// waitReplay waits until the replica at url has replayed the store's last
// write (and has the database at all).
func waitReplay(t *testing.T, s *Store, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	want := s.replicas.last.lsn.Load()
	for {
		var text *string
		c, err := pgx.Connect(ctx, url)
		if err == nil {
			err = c.QueryRow(ctx, replayLSN).Scan(&text)
			c.Close(ctx)
		}
		if err == nil && text != nil {
			if got, err := parseLSN(*text); err == nil && got >= want {
				return
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("the replica did not replay %x: %v", want, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// replicaReads is how many reads the store's replicas served.
func replicaReads(s *Store) int64 {
	var n int64
	for _, r := range s.replicas.replicas {
		n += r.reads.Load()
	}
	return n
}

func TestReplica(t *testing.T) {
	ctx := context.Background()

	t.Run("BadURLs", func(t *testing.T) {
		is := is.New(t)
		for _, replicas := range [][]string{{""}, {"postgres://user:secret@local host:x/db"}} {
			_, err := Open(ctx, "postgres://localhost/db", Options{Replicas: replicas})
			var ve *convo.ValidationError
			is.True(errors.As(err, &ve)) // a ValidationError
			_, ok := ve.Field("replicas")
			is.True(ok) // naming the option
			is.True(errors.Is(err, convo.ErrInvalid))
			is.True(!strings.Contains(err.Error(), "secret")) // never the password
		}
	})

	t.Run("ReadYourWrites", func(t *testing.T) {
		is := is.New(t)
		port, stop := startReplica(t)
		url := newConvoDatabase(t)
		// Commits flush the WAL, so that the replica gets them at once and
		// some reads right after a write can go to it.
		rawExec(t, url, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = on', current_database()); END $$`)
		replicaURL := onPort(t, url, port)
		s, err := Open(ctx, url, Options{Replicas: []string{replicaURL}})
		is.NoErr(err)
		defer s.Close()

		c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
		is.NoErr(err)
		conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
		is.NoErr(err)
		waitReplay(t, s, replicaURL)

		// Every read sees the write before it, wherever it ran.
		before := replicaReads(s)
		for i := range 200 {
			name := fmt.Sprintf("Contact %d", i)
			c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: name})
			is.NoErr(err)
			got, err := s.GetContact(ctx, 1, c.ID)
			is.NoErr(err) // the contact just made
			is.Equal(got.FirstName, name)

			m, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: name})
			is.NoErr(err)
			gotConv, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: 1})
			is.NoErr(err)
			is.Equal(len(gotConv.Messages), 1)
			is.Equal(gotConv.Messages[0].ID, m.ID) // the message just added is the newest
			gotM, err := s.GetMessage(ctx, 1, m.ID)
			is.NoErr(err)
			is.Equal(gotM.Content, name)
		}
		t.Logf("right after a write: %d reads on the replica, %d on the primary",
			replicaReads(s)-before, s.replicas.primary.Load())

		// Caught up, every read goes to the replica.
		waitReplay(t, s, replicaURL)
		before, primary := replicaReads(s), s.replicas.primary.Load()
		for range 20 {
			_, err := s.GetContact(ctx, 1, c.ID)
			is.NoErr(err)
		}
		is.Equal(replicaReads(s)-before, int64(20))
		is.Equal(s.replicas.primary.Load(), primary)

		// A snooze that has ended, seen on the replica, is woken on the
		// primary and reads as open.
		rawExec(t, url, fmt.Sprintf(`UPDATE convo_conversations SET status = 3, snoozed_until = now() - interval '1 minute' WHERE id = %d`, conv.ID))
		_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Marker"}) // a write after the snooze's
		is.NoErr(err)
		waitReplay(t, s, replicaURL)
		before = replicaReads(s)
		gotConv, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(gotConv.Status, convo.StatusOpen)
		is.True(replicaReads(s) > before) // the probe that found it ran on the replica

		// A store that has written nothing reads from any replica.
		other, err := Open(ctx, url, Options{Replicas: []string{replicaURL}})
		is.NoErr(err)
		defer other.Close()
		_, err = other.GetContact(ctx, 1, c.ID)
		is.NoErr(err)
		is.Equal(replicaReads(other), int64(1))

		// The replica stopped, reads go to the primary.
		stop()
		before, primary = replicaReads(s), s.replicas.primary.Load()
		start := time.Now()
		for i := range 20 {
			name := fmt.Sprintf("After %d", i)
			c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: name})
			is.NoErr(err)
			got, err := s.GetContact(ctx, 1, c.ID)
			is.NoErr(err)
			is.Equal(got.FirstName, name)
			_, err = other.GetContact(ctx, 1, c.ID)
			is.NoErr(err) // one that has never written too
		}
		is.Equal(replicaReads(s), before)
		is.Equal(s.replicas.primary.Load(), primary+20)
		t.Logf("40 writes and reads with the replica down: %v", time.Since(start))
	})
}

func TestReplicaParseLSN(t *testing.T) {
	is := is.New(t)
	for text, want := range map[string]uint64{"0/0": 0, "0/16B3748": 0x16B3748, "1/0": 1 << 32, "FFFFFFFF/FFFFFFFF": 1<<64 - 1} {
		got, err := parseLSN(text)
		is.NoErr(err)
		is.Equal(got, want)
	}
	for _, text := range []string{"", "16B3748", "1/2/3", "G/0", "100000000/0"} {
		_, err := parseLSN(text)
		is.True(err != nil) // not a WAL position
	}
}
