// Command webhooks forwards an account's new messages and status changes to
// an HTTP endpoint as JSON POSTs. It shows a durable consumer of convo's
// change feed: it resumes where it last acknowledged (AckedChanges), reads
// with Changes and waits with WaitChanges (which also wakes on writes of
// other processes using the same database file), and acknowledges a change
// (AckChanges) only once the endpoint has answered 2xx. A change is never
// skipped: an error status or a network error is retried, after a delay
// that doubles up to a minute. So after a crash the endpoint may see a
// change twice, never miss one: each POST carries the change's position
// (the body's "position" and the Convo-Position header), by which the
// receiver drops duplicates.
//
// An error of the store ends the program: run it under a supervisor that
// restarts it, and it resumes where it acknowledged. Stopped for longer than
// the feed keeps changes, it finds them expired (convo.ErrChangesExpired)
// and starts over from the newest change, where a host keeping a copy would
// resync it.
//
//	webhooks -db convo.db -account 1 -url https://example.com/hooks/convo
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, flag.ErrHelp) {
		log.Fatal(err)
	}
}

// consumer names this program's durable consumer: the store keeps the
// changes it has not acknowledged.
const consumer = "webhooks"

// event is the body of each POST: the change as the feed gives it (its
// position, kind, ids, and for a message.created the message, nil when it
// was deleted since), and for a status change the conversation's status
// when forwarded.
type event struct {
	store.Change
	Status convo.Status `json:"status,omitzero"`
}

func run(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("webhooks", flag.ContinueOnError)
	db := flags.String("db", "", "the SQLite database `file`")
	account := flags.Int64("account", 0, "the `id` of the account whose changes to forward")
	url := flags.String("url", "", "the endpoint to POST each change to")
	backoff := flags.Duration("backoff", time.Second, "the first retry's delay, doubled at each retry up to a minute")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *db == "" || *account <= 0 || *url == "" || *backoff <= 0 || flags.NArg() > 0 {
		flags.Usage()
		return errors.New("-db, -account and -url are required, -backoff must be positive")
	}
	s, err := sqlite.Open(*db, sqlite.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	post := poster{client: &http.Client{Timeout: 10 * time.Second}, url: *url, backoff: *backoff}

	after, err := s.AckedChanges(ctx, *account, consumer)
	if err == nil {
		log.Printf("forwarding account %d's changes after position %d to %s", *account, after, *url)
	}
	for err == nil {
		err = forward(ctx, s, *account, after, post)
		if errors.Is(err, convo.ErrChangesExpired) {
			// The feed no longer holds what this consumer has not handled
			// (it was stopped for longer than the retention). A real host
			// would resync its copy from the records themselves; this one
			// only says so and carries on with the changes from now on.
			log.Print("the changes not acknowledged have expired: starting over from now")
			after, err = store.FromNow, nil
		}
	}
	return err
}

// forward posts the account's changes after position after, acknowledging
// each one posted, until ctx ends or something fails.
func forward(ctx context.Context, s store.Store, account, after int64, post poster) error {
	f := store.ChangeFilter{Kinds: []store.ChangeKind{store.MessageCreated, store.ConversationUpdated}}
	for {
		page, err := s.Changes(ctx, account, after, f)
		if err != nil {
			return err
		}
		acked := after
		for _, c := range page.Changes {
			if c.Kind == store.ConversationUpdated && !c.Changed("status") {
				continue // an assignee, labels...: not forwarded
			}
			e := event{Change: c}
			if c.Kind == store.ConversationUpdated {
				conv, err := s.GetConversation(ctx, account, c.ConversationID, store.GetConversationOptions{})
				if err != nil && !errors.Is(err, convo.ErrNotFound) {
					return err
				}
				e.Status = conv.Status
			}
			if err := post.send(ctx, e); err != nil {
				return err
			}
			if err := s.AckChanges(ctx, account, consumer, c.Position); err != nil {
				return err
			}
			acked = c.Position
		}
		// Acknowledge what the filter left out too, so that those changes
		// do not stay in the feed for this consumer.
		if page.Next > acked {
			if err := s.AckChanges(ctx, account, consumer, page.Next); err != nil {
				return err
			}
		}
		after = page.Next
		if !page.More {
			if err := s.WaitChanges(ctx, account, after); err != nil {
				return err
			}
		}
	}
}

// poster posts events to the endpoint.
type poster struct {
	client  *http.Client
	url     string
	backoff time.Duration
}

// send posts e until the endpoint answers 2xx, waiting longer after each
// failure (an error status or a network error), up to a minute.
func (p poster) send(ctx context.Context, e event) error {
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	for delay := p.backoff; ; delay = min(2*delay, time.Minute) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Convo-Position", strconv.FormatInt(e.Position, 10))
		resp, err := p.client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body) // so that the connection is reused
			resp.Body.Close()
			if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				return nil
			}
			err = errors.New(resp.Status)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log.Printf("position %d: %v; retrying in %v", e.Position, err, delay)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}
