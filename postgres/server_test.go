package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The tests need a PostgreSQL server: the one CONVO_POSTGRES_URL names, or
// else one TestMain starts in a temporary directory (initdb and pg_ctl of
// PG_BIN, default /usr/lib/postgresql/15/bin; as the postgres user when the
// tests run as root, since initdb refuses root), on 127.0.0.1 and a free
// port, stopped when the tests end. Each test gets a database of its own.
// Where there is no server and none can start, the tests skip, unless CI
// is set: then they fail.

var (
	serverURL string // the server's maintenance database (postgres)
	serverErr error  // why there is no server
	databases atomic.Int64
)

func TestMain(m *testing.M) {
	serverURL = os.Getenv("CONVO_POSTGRES_URL")
	var stop func()
	if serverURL == "" {
		serverURL, stop, serverErr = startServer()
	}
	code := m.Run()
	if templateName != "" {
		dropDatabase(templateName) //nolint:errcheck // a server of our own goes next
	}
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

// newDatabase makes an empty database for one test and returns its URL; it
// is dropped when the test ends.
func newDatabase(t testing.TB) string {
	t.Helper()
	return cloneDatabase(t, "template0")
}

// newConvoDatabase makes a database with convo's schema for one test, a
// copy of a template migrated once: the conformance suite makes hundreds.
func newConvoDatabase(t testing.TB) string {
	t.Helper()
	requireServer(t)
	templateOnce.Do(func() {
		templateName, templateErr = createDatabase("template0")
		if templateErr != nil {
			return
		}
		s, err := Open(context.Background(), databaseURL(templateName), Options{})
		if err != nil {
			templateErr = err
			return
		}
		s.Close()
	})
	if templateErr != nil {
		t.Fatalf("template database: %v", templateErr)
	}
	return cloneDatabase(t, templateName)
}

var (
	templateOnce sync.Once
	templateName string // dropped by TestMain
	templateErr  error
)

// requireServer skips the test when there is no server, or fails it in CI.
func requireServer(t testing.TB) {
	t.Helper()
	if serverErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no PostgreSQL server: %v", serverErr)
		}
		t.Skipf("no PostgreSQL server (set CONVO_POSTGRES_URL, or install PostgreSQL 15): %v", serverErr)
	}
}

// cloneDatabase makes a copy of the database template for one test and
// returns its URL; it is dropped when the test ends.
func cloneDatabase(t testing.TB, template string) string {
	t.Helper()
	requireServer(t)
	name, err := createDatabase(template)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := dropDatabase(name); err != nil {
			t.Error(err)
		}
	})
	return databaseURL(name)
}

// createDatabase makes a database, a copy of template, and returns its name.
func createDatabase(template string) (string, error) {
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", err
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("convo_test_%d_%d", os.Getpid(), databases.Add(1))
	_, err = admin.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE `+template+` STRATEGY file_copy`)
	return name, err
}

func dropDatabase(name string) error {
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	return err
}

// databaseURL is the URL of the server's database name.
func databaseURL(name string) string {
	cfg, err := pgx.ParseConfig(serverURL)
	if err != nil {
		panic(err) // serverURL was connected to
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
}

// startServer starts a throwaway server and returns the URL of its
// maintenance database and how to stop it.
func startServer() (string, func(), error) {
	bin := os.Getenv("PG_BIN")
	if bin == "" {
		bin = "/usr/lib/postgresql/15/bin"
	}
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		return "", nil, fmt.Errorf("no initdb in %s", bin)
	}
	dir, err := os.MkdirTemp("", "convo-pg-")
	if err != nil {
		return "", nil, err
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
	fail := func(err error) (string, func(), error) {
		run("pg_ctl", "-D", filepath.Join(dir, "data"), "-m", "immediate", "stop") //nolint:errcheck // it may not run
		os.RemoveAll(dir)
		return "", nil, err
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fail(errors.New("running as root and there is no postgres user: initdb refuses root"))
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return fail(err)
		}
	}
	data := filepath.Join(dir, "data")
	if err := run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"); err != nil {
		return fail(err)
	}
	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	// A test server: nothing but this machine reaches it, and durability
	// is not what the tests check.
	conf := fmt.Sprintf("listen_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\nfsync = off\n"+
		"synchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n", port, dir)
	f, err := os.OpenFile(filepath.Join(data, "postgresql.auto.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fail(err)
	}
	_, err = f.WriteString(conf)
	f.Close()
	if err != nil {
		return fail(err)
	}
	if err := run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		return fail(err)
	}
	stop := func() {
		run("pg_ctl", "-D", data, "-m", "fast", "-w", "stop") //nolint:errcheck // removed next
		os.RemoveAll(dir)
	}
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		c, err := pgx.Connect(ctx, url)
		if err == nil {
			c.Close(ctx)
			return url, stop, nil
		}
		if ctx.Err() != nil {
			stop()
			return "", nil, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort is a TCP port nothing listens on at the moment.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
