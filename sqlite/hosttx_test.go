package sqlite_test

import (
	"context"
	"errors"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// openHostFile opens a store on a new file that also holds the host's own
// table, tickets.
func openHostFile(t *testing.T) (*sqlite.Store, string) {
	t.Helper()
	s, path := mustOpenFile(t, sqlite.Options{})
	err := s.WithTx(context.Background(), func(tx sqlite.Tx, _ store.Store) error {
		_, err := tx.ExecContext(context.Background(), `CREATE TABLE tickets (id INTEGER PRIMARY KEY, subject TEXT NOT NULL, conversation_id INTEGER)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, path
}

// openTicket is what a host does in one transaction: its own row, and the
// conversation about it.
func openTicket(ctx context.Context, tx sqlite.Tx, st store.Store, subject string) (convo.Conversation, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO tickets (subject) VALUES (?)`, subject)
	if err != nil {
		return convo.Conversation{}, err
	}
	ticket, err := res.LastInsertId()
	if err != nil {
		return convo.Conversation{}, err
	}
	c, err := st.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada", Email: "ada@example.com"})
	if err != nil {
		return convo.Conversation{}, err
	}
	conv, err := st.CreateConversation(ctx, 1, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
	if err != nil {
		return convo.Conversation{}, err
	}
	if _, err := st.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "my invoice is wrong"}); err != nil {
		return convo.Conversation{}, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE tickets SET conversation_id = ? WHERE id = ?`, conv.ID, ticket)
	return conv, err
}

func TestWithTx(t *testing.T) {
	ctx := context.Background()

	t.Run("CommitsBoth", func(t *testing.T) {
		is := is.New(t)
		s, path := openHostFile(t)
		var conv convo.Conversation
		err := s.WithTx(ctx, func(tx sqlite.Tx, st store.Store) error {
			var err error
			conv, err = openTicket(ctx, tx, st, "wrong invoice")
			if err != nil {
				return err
			}
			// Reads of st see what the transaction wrote, a search too.
			got, err := st.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
			is.NoErr(err)
			is.Equal(len(got.Messages), 1)
			hits, err := st.SearchMessages(ctx, 1, store.MessageSearch{Query: "invoice"})
			is.NoErr(err)
			is.Equal(hits.Meta.Total, 1)
			// The store's own reads see the file as it was.
			page, err := s.ListConversations(ctx, 1, store.ConversationFilter{})
			is.NoErr(err)
			is.Equal(len(page.Items), 0)
			return nil
		})
		is.NoErr(err)
		var ticketConv int64
		is.NoErr(rawQuery(t, path, `SELECT conversation_id FROM tickets WHERE subject = 'wrong invoice'`, &ticketConv))
		is.Equal(ticketConv, conv.ID) // the host's row, committed
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{})
		is.NoErr(err)
		is.Equal(got.MessagesCount, int64(1)) // and convo's, in the same commit
		hits, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "invoice"})
		is.NoErr(err)
		is.Equal(hits.Meta.Total, 1) // searchable after the commit
		is.NoErr(s.CheckInvariants(ctx))
	})

	t.Run("RollsBackBoth", func(t *testing.T) {
		is := is.New(t)
		s, path := openHostFile(t)
		failed := errors.New("payment service down")
		err := s.WithTx(ctx, func(tx sqlite.Tx, st store.Store) error {
			if _, err := openTicket(ctx, tx, st, "wrong invoice"); err != nil {
				return err
			}
			return failed
		})
		is.True(errors.Is(err, failed)) // fn's error
		var tickets int
		is.NoErr(rawQuery(t, path, `SELECT count(*) FROM tickets`, &tickets))
		is.Equal(tickets, 0) // no host row
		counts, err := s.CountConversations(ctx, 1, store.ConversationFilter{})
		is.NoErr(err)
		is.Equal(counts.All, 0) // no conversation
		contacts, err := s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(len(contacts.Items), 0) // no contact
		is.NoErr(s.CheckInvariants(ctx))
	})

	t.Run("RollsBackOnPanic", func(t *testing.T) {
		is := is.New(t)
		s, path := openHostFile(t)
		func() {
			defer func() { recover() }()
			s.WithTx(ctx, func(tx sqlite.Tx, st store.Store) error { //nolint:errcheck // it panics
				if _, err := openTicket(ctx, tx, st, "wrong invoice"); err != nil {
					return err
				}
				panic("host bug")
			})
		}()
		var tickets int
		is.NoErr(rawQuery(t, path, `SELECT count(*) FROM tickets`, &tickets))
		is.Equal(tickets, 0)
		_, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Grace"})
		is.NoErr(err) // the writer is free again
	})

	t.Run("FailedCallLeavesNoTrace", func(t *testing.T) {
		is := is.New(t)
		s, _ := openHostFile(t)
		var conv convo.Conversation
		err := s.WithTx(ctx, func(tx sqlite.Tx, st store.Store) error {
			var err error
			if conv, err = openTicket(ctx, tx, st, "first"); err != nil {
				return err
			}
			// A batch whose second message is for a missing conversation:
			// the call fails as a whole, the transaction goes on.
			_, err = st.AddMessages(ctx, 1, []store.MessageTo{
				{ConversationID: conv.ID, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "second"}},
				{ConversationID: conv.ID + 100, Message: convo.NewMessage{Type: convo.MessageIncoming, Content: "third"}}})
			is.True(errors.Is(err, convo.ErrNotFound))
			return nil
		})
		is.NoErr(err)
		got, err := s.GetConversation(ctx, 1, conv.ID, store.GetConversationOptions{Messages: store.AllMessages})
		is.NoErr(err)
		is.Equal(len(got.Messages), 1) // the failed batch wrote nothing
		is.Equal(got.MessagesCount, int64(1))
		is.NoErr(s.CheckInvariants(ctx))
	})

	t.Run("StoreEndsWithTheTransaction", func(t *testing.T) {
		is := is.New(t)
		s, _ := openHostFile(t)
		var kept store.Store
		err := s.WithTx(ctx, func(_ sqlite.Tx, st store.Store) error {
			kept = st
			err := st.(*sqlite.Store).WithTx(ctx, func(sqlite.Tx, store.Store) error { return nil })
			is.True(errors.Is(err, convo.ErrInvalid)) // no transaction within the transaction
			return nil
		})
		is.NoErr(err)
		_, err = kept.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
		is.True(errors.Is(err, convo.ErrClosed)) // a write after WithTx returned
		_, err = kept.ListContacts(ctx, 1, store.ContactFilter{})
		is.True(errors.Is(err, convo.ErrClosed)) // a read too
		is.NoErr(kept.Close())                   // Close does nothing
		_, err = s.ListContacts(ctx, 1, store.ContactFilter{})
		is.NoErr(err) // the store is open
	})
}
