// Package pgserver gives tests a PostgreSQL server: the one
// CONVO_POSTGRES_URL names, or else a throwaway one started in a temporary
// directory (initdb and pg_ctl of PG_BIN, default
// /usr/lib/postgresql/15/bin; as the postgres user when the tests run as
// root, since initdb refuses root), on 127.0.0.1 and a free port, with
// durability off. Each test gets a database of its own, copied from a
// template.
package pgserver

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
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a server the tests may use.
type Server struct {
	// URL is the server's maintenance database (postgres).
	URL  string
	stop func() // nil for a server of CONVO_POSTGRES_URL

	databases    atomic.Int64
	templateOnce sync.Once
	template     string
	templateErr  error
}

// Start returns the server of CONVO_POSTGRES_URL, or starts one.
func Start() (*Server, error) {
	if url := os.Getenv("CONVO_POSTGRES_URL"); url != "" {
		return &Server{URL: url}, nil
	}
	url, stop, err := start()
	if err != nil {
		return nil, err
	}
	return &Server{URL: url, stop: stop}, nil
}

// Stop drops the template and stops the server, if it started it.
func (s *Server) Stop() {
	if s.template != "" {
		s.DropDatabase(s.template) //nolint:errcheck // best effort: the server may go next
	}
	if s.stop != nil {
		s.stop()
	}
}

// Template returns the name of a database made once by migrate (given its
// URL), for CreateDatabase to copy.
func (s *Server) Template(migrate func(url string) error) (string, error) {
	s.templateOnce.Do(func() {
		name, err := s.CreateDatabase("template0")
		if err == nil {
			err = migrate(s.DatabaseURL(name))
		}
		s.template, s.templateErr = name, err
	})
	return s.template, s.templateErr
}

// CreateDatabase makes a database, a copy of template, and returns its
// name.
func (s *Server) CreateDatabase(template string) (string, error) {
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		return "", err
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("convo_test_%d_%d", os.Getpid(), s.databases.Add(1))
	_, err = admin.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE `+template+` STRATEGY file_copy`)
	return name, err
}

// DropDatabase drops a database, closing its connections.
func (s *Server) DropDatabase(name string) error {
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	return err
}

// DatabaseURL is the URL of the server's database name.
func (s *Server) DatabaseURL(name string) string {
	cfg, err := pgx.ParseConfig(s.URL)
	if err != nil {
		panic(err) // the URL was connected to
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
}

// Unique returns a number no other call of this server's has returned: for
// names of roles and databases.
func (s *Server) Unique() int64 { return s.databases.Add(1) }

// start starts a throwaway server and returns the URL of its maintenance
// database and how to stop it.
func start() (string, func(), error) {
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
	port, err := FreePort()
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

// FreePort is a TCP port nothing listens on at the moment.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
