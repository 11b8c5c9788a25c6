// Package helpdesk is a host application's own code using convo, as a
// module outside convo's would: its tickets live in its own table, in the
// same SQLite file as convo's conversations, and its HTTP layer hands
// conversations to a web UI as JSON and reads list filters from query
// strings. Its tests (helpdesk_test.go) are what CI runs.
package helpdesk

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// Account is the helpdesk's one tenant.
const Account = 1

// Open opens the helpdesk's database: convo's tables and the helpdesk's
// own tickets table, in one file.
func Open(ctx context.Context, path string) (*sqlite.Store, error) {
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		return nil, err
	}
	err = s.WithTx(ctx, func(tx sqlite.Tx, _ store.Store) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS tickets (
			id              INTEGER PRIMARY KEY,
			subject         TEXT    NOT NULL,
			conversation_id INTEGER NOT NULL
		)`)
		return err
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Ticket is the helpdesk's own record of a customer's request.
type Ticket struct {
	ID             int64
	Subject        string
	ConversationID int64
}

// OpenTicket records a customer's request: the helpdesk's ticket and the
// conversation about it, with the customer's first message, all in one
// commit. Either everything is stored or, on any error, nothing.
func OpenTicket(ctx context.Context, s *sqlite.Store, email, subject, text string) (Ticket, error) {
	var t Ticket
	err := s.WithTx(ctx, func(tx sqlite.Tx, st store.Store) error {
		contact, err := st.CreateContact(ctx, Account, convo.NewContact{Email: email})
		if err != nil {
			return err
		}
		conv, err := st.CreateConversation(ctx, Account, convo.NewConversation{
			ContactID: contact.ID, Channel: convo.ChannelEmail, HappenedAt: time.Now(), Labels: []string{"ticket"}})
		if err != nil {
			return err
		}
		if _, err := st.AddMessage(ctx, Account, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: text}); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO tickets (subject, conversation_id) VALUES (?, ?)`, subject, conv.ID)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		t = Ticket{ID: id, Subject: subject, ConversationID: conv.ID}
		return err
	})
	return t, err
}

// InboxJSON is what the helpdesk's inbox endpoint answers for a query
// string such as "status=open&assignee_type=unassigned&labels[]=ticket":
// a page of conversations as JSON. A bad parameter is a
// *convo.ValidationError naming it, for a 400 answer.
func InboxJSON(ctx context.Context, s store.Store, query string) ([]byte, error) {
	values, err := url.ParseQuery(query)
	if err != nil {
		return nil, convo.Invalid("query", convo.CodeInvalid, err.Error())
	}
	f, err := store.ParseConversationFilter(values)
	if err != nil {
		return nil, err
	}
	page, err := s.ListConversations(ctx, Account, f)
	if err != nil {
		return nil, err
	}
	return json.Marshal(page)
}
