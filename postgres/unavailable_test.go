package postgres

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// proxy forwards TCP connections to a server. It can cut every one of
// them and refuse new ones, as a server out of reach would, until it is
// restored on the same port; or cut the one connection that carries some
// bytes to the server, before they reach it.
type proxy struct {
	t      testing.TB
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
	// cutBefore, when set, cuts the connection whose next bytes to the
	// server it matches, once.
	cutBefore func([]byte) bool
}

func startProxy(t testing.TB, target string) *proxy {
	t.Helper()
	p := &proxy{t: t, target: target}
	p.listen("127.0.0.1:0")
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) port() int {
	_, port, _ := net.SplitHostPort(p.addr)
	n, _ := strconv.Atoi(port)
	return n
}

func (p *proxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // cut
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			if p.ln != ln { // cut while this one was accepted
				p.mu.Unlock()
				c.Close()
				s.Close()
				return
			}
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go p.toServer(c, s)
			go func() { io.Copy(c, s); c.Close() }() //nolint:errcheck // ends when either side closes
		}
	}()
}

// toServer forwards what the client sends, unless cutBefore matches it.
func (p *proxy) toServer(c, s net.Conn) {
	defer s.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		p.mu.Lock()
		cut := p.cutBefore != nil && p.cutBefore(buf[:n])
		if cut {
			p.cutBefore = nil
		}
		p.mu.Unlock()
		if cut {
			c.Close()
			return
		}
		if _, err := s.Write(buf[:n]); err != nil {
			return
		}
	}
}

// cut closes every connection and the listener: the server is out of reach.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore listens again on the port it had.
func (p *proxy) restore() { p.listen(p.addr) }

// unavailable fails the test unless err is ErrUnavailable and took less
// than a moment since start: the call did not wait for the server.
func unavailable(t *testing.T, what string, start time.Time, err error) {
	t.Helper()
	if !errors.Is(err, convo.ErrUnavailable) {
		t.Fatalf("%s with the server out of reach: %v, want ErrUnavailable", what, err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("%s took %v to fail", what, took)
	}
}

// A server out of reach, or a connection that breaks, is ErrUnavailable at
// once; once the server is back, the store works again.
func TestServerOutOfReach(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	url := newConvoDatabase(t)
	cfg, err := pgx.ParseConfig(url)
	is.NoErr(err)
	p := startProxy(t, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))))
	s := openStore(t, onPort(t, url, p.port()), Options{})
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
	is.NoErr(err)
	conv, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
	is.NoErr(err)

	t.Run("ConnectionBreaksMidWrite", func(t *testing.T) {
		is := is.New(t)
		// The append's transaction has begun and locked the conversation
		// when its insert is cut on the way to the server.
		p.mu.Lock()
		p.cutBefore = func(b []byte) bool { return bytes.Contains(b, []byte("cut mid-write")) }
		p.mu.Unlock()
		start := time.Now()
		_, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "cut mid-write"})
		unavailable(t, "AddMessage", start, err)
		// The server rolled it back: the lock is gone and nothing was written.
		bounded, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err = s.AddMessage(bounded, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "after the cut"})
		is.NoErr(err)
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)
		for _, m := range got.Messages {
			is.True(m.Content != "cut mid-write") // the cut append wrote nothing
		}
	})

	t.Run("ServerEndsConnection", func(t *testing.T) {
		is := is.New(t)
		// The server ends the connection of a store (as when it shuts
		// down, or an administrator terminates it): the next call on it
		// reads the server's last word, SQLSTATE 57P01.
		s := openStore(t, url, Options{MaxConns: 1})
		var pid int32
		is.NoErr(s.pool.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid)) // the one connection, just used: no ping before the next call
		var ended bool
		is.NoErr(rawConn(t, url).QueryRow(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&ended))
		is.True(ended)
		start := time.Now()
		_, err = s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "ended"})
		unavailable(t, "AddMessage", start, err)
		_, err = s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "on a new connection"})
		is.NoErr(err) // the pool connects again
	})

	t.Run("ServerOutOfReach", func(t *testing.T) {
		is := is.New(t)
		// A watch that has seen a change, and waits for the next.
		bounded, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		watched := make(chan error, 16)
		go func() {
			for _, err := range store.Watch(bounded, s, 1, store.FromNow, store.ChangeFilter{}) {
				watched <- err
				if err != nil {
					return
				}
			}
		}()
		for {
			_, err = s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "seen"})
			is.NoErr(err)
			select {
			case err = <-watched:
				is.NoErr(err)
			case <-time.After(50 * time.Millisecond):
				continue // the watch began after the message: another
			}
			break
		}

		p.cut() // the pool's connections break, and no new one can be made
		start := time.Now()
		_, err = s.AddMessage(bounded, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "lost"})
		unavailable(t, "AddMessage", start, err)
		start = time.Now()
		_, err = s.AddMessages(bounded, 1, []store.MessageTo{{ConversationID: conv.ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "lost too"}}})
		unavailable(t, "AddMessages", start, err)
		start = time.Now()
		_, err = s.ListConversations(bounded, 1, store.ConversationFilter{})
		unavailable(t, "ListConversations", start, err)
		start = time.Now()
		_, err = s.GetConversation(bounded, 1, conv.ID, store.GetConversationOptions{Messages: 10})
		unavailable(t, "GetConversation", start, err)
		start = time.Now()
		_, err = s.UpdateContact(bounded, 1, c.ID, convo.ContactUpdate{LastName: new("Lovelace")})
		unavailable(t, "UpdateContact", start, err)
		start = time.Now()
		watchErr := func() error {
			for {
				select {
				case err := <-watched:
					if err != nil {
						return err
					}
					// a change seen before the cut
				case <-bounded.Done():
					t.Fatal("Watch still waits with the server out of reach")
				}
			}
		}()
		unavailable(t, "Watch", start, watchErr) // it ends, rather than waiting for a server that is gone
		start = time.Now()
		_, err = Open(bounded, onPort(t, url, p.port()), Options{})
		unavailable(t, "Open", start, err)

		p.restore()
		_, err = s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "back"})
		is.NoErr(err) // the store works again
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: 1})
		is.NoErr(err)
		is.Equal(got.Messages[0].Content, "back") // the message sent once the server was back
	})
}

// A server that takes a connection and never answers is ErrUnavailable
// once the URL's connect_timeout passes, though the caller's context has
// no deadline; a database that does not exist is not: trying again would
// not help.
func TestOpenUnavailable(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	is.NoErr(err)
	defer ln.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c) // and say nothing
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	start := time.Now()
	_, err = Open(ctx, "postgres://convo@127.0.0.1:"+port+"/convo?sslmode=disable&connect_timeout=1", Options{})
	is.True(errors.Is(err, convo.ErrUnavailable)) // no answer in time
	is.True(time.Since(start) < 10*time.Second)

	url := newConvoDatabase(t)
	cfg, err := pgx.ParseConfig(url)
	is.NoErr(err)
	_, err = Open(ctx, onPort(t, strings.Replace(url, "/"+cfg.Database, "/no_such_database", 1), int(cfg.Port)), Options{})
	is.True(err != nil)
	is.True(!errors.Is(err, convo.ErrUnavailable))           // a database that is not there is no outage
	is.True(strings.Contains(err.Error(), "does not exist")) // the server's reason
}
