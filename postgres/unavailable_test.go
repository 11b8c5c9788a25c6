package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// proxy forwards TCP connections to a server, and can cut every one of
// them and refuse new ones, as a server out of reach would, until it is
// restored on the same port.
type proxy struct {
	t      testing.TB
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
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
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }() //nolint:errcheck // ends when either side closes
			go func() { io.Copy(c, s); c.Close() }() //nolint:errcheck
		}
	}()
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

// A server out of reach, or a connection that breaks, is ErrUnavailable,
// at once and with nothing written; once the server is back, the store
// works again.
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
	unavailable := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, convo.ErrUnavailable) {
			t.Fatalf("%s with the server out of reach: %v, want ErrUnavailable", what, err)
		}
	}
	_, err = s.AddMessage(bounded, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "lost"})
	unavailable("AddMessage", err)
	_, err = s.AddMessages(bounded, 1, []store.MessageTo{{ConversationID: conv.ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "lost too"}}})
	unavailable("AddMessages", err)
	_, err = s.ListConversations(bounded, 1, store.ConversationFilter{})
	unavailable("ListConversations", err)
	_, err = s.GetConversation(bounded, 1, conv.ID, store.GetConversationOptions{Messages: 10})
	unavailable("GetConversation", err)
	_, err = s.UpdateContact(bounded, 1, c.ID, convo.ContactUpdate{LastName: new("Lovelace")})
	unavailable("UpdateContact", err)
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
	unavailable("Watch", watchErr) // it ends, rather than waiting for a server that is gone
	is.NoErr(bounded.Err())        // each returned at once, not at the deadline
	_, err = Open(bounded, onPort(t, url, p.port()), Options{})
	unavailable("Open", err)

	p.restore()
	_, err = s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "back"})
	is.NoErr(err) // the store works again
	got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
	is.NoErr(err)
	is.Equal(got.Messages[len(got.Messages)-1].Content, "back") // the message sent once the server was back
	for _, m := range got.Messages {
		is.True(m.Content != "lost" && m.Content != "lost too") // and none of those sent while it was not
	}
	is.Equal(got.Contact.LastName, "") // the failed update wrote nothing
}
