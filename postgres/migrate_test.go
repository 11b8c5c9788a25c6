package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// TestMigrateThreads upgrades a database made by the first schema, with
// messages in it, to the schema of replies, reactions, edits and
// tombstones: what was stored reads as before, and the new calls work on
// it with every maintained value kept.
func TestMigrateThreads(t *testing.T) {
	ctx := context.Background()
	is := is.New(t)
	url := newDatabase(t)
	reader := uuid.New()
	rawExec(t, url,
		`CREATE TABLE convo_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`,
		migrations[0].SQL,
		`INSERT INTO convo_schema_migrations VALUES (1, '`+migrations[0].Name+`', now())`,
		`INSERT INTO convo_contacts (account_id, id, first_name, created_at, updated_at) VALUES (1, 1, 'Ada', now(), now())`,
		`INSERT INTO convo_conversations (account_id, id, uuid, contact_id, channel, status, happened_at, created_at,
			updated_at, last_activity_at) VALUES (1, 1, gen_random_uuid(), 1, 'email', 0, now(), now(), now(), now())`,
		`INSERT INTO convo_conversation_participants VALUES (1, 1, '`+reader.String()+`')`,
		`INSERT INTO convo_messages (account_id, id, conversation_id, seq, content, content_type, message_type, status,
			sender_type, written_at, created_at, updated_at, words)
			VALUES (1, 1, 1, 1, 'hello there', 'text', 0, 'sent', 'contact', now(), now(), now(), '''hello'':1 ''there'':2'),
			(1, 2, 1, 2, 'again', 'text', 0, 'sent', 'contact', now(), now(), now(), '''again'':1')`,
		`SELECT setval(pg_get_serial_sequence('convo_messages', 'id'), 2)`,
		`UPDATE convo_conversations SET messages_count = 2, last_seq = 2, unread_count = 2, non_activity_count = 2,
			last_incoming_at = (SELECT max(created_at) FROM convo_messages), last_non_activity_message_id = 2 WHERE id = 1`,
	)
	s := openStore(t, url, Options{})
	is.NoErr(checkInvariants(ctx, s)) // the upgrade keeps what was maintained

	m, err := s.GetMessage(ctx, 1, 1)
	is.NoErr(err)
	is.Equal(m.Content, "hello there")
	is.True(m.Reactions == nil && m.ReplyCount == 0 && !m.Deleted()) // the new columns' defaults

	reply, err := s.AddMessage(ctx, 1, 1, convo.NewMessage{Type: convo.MessageIncoming, Content: "a reply", ReplyToID: 1})
	is.NoErr(err)
	is.Equal(reply.ReplyToID, int64(1))
	_, err = s.AddReaction(ctx, 1, 1, convo.UserActor(reader), "👍")
	is.NoErr(err)
	_, err = s.UpdateMessage(ctx, 1, 2, convo.MessageUpdate{Content: new("again, edited")})
	is.NoErr(err)
	_, err = s.DeleteMessage(ctx, 1, 2)
	is.NoErr(err)
	is.NoErr(checkInvariants(ctx, s))

	c, err := s.GetConversation(ctx, 1, 1, store.GetConversationOptions{Viewer: &convo.Viewer{UserID: reader}})
	is.NoErr(err)
	is.Equal(c.UnreadCount, int64(2))  // the first message and the reply, not the tombstone
	is.Equal(c.UnseenMessagesCount, 2) // the first message and the reply, not the tombstone
	is.Equal(c.LastNonActivityMessage.ID, reply.ID)
	is.Equal(c.MessagesCount, int64(3)) // the tombstone still counts
}

// TestMigrateWordsOfEachAccount upgrades a database whose words carry no
// account's mark (schema 11) with two accounts in it: every message's and
// contact's words come out as the store now writes them, no row's version
// moves (the words are no part of what the store returns), and each
// account's searches find its own rows.
func TestMigrateWordsOfEachAccount(t *testing.T) {
	ctx := context.Background()
	is := is.New(t)
	url := newConvoDatabase(t)
	s := openStore(t, url, Options{})
	long := strings.Repeat("é", 1500) // cut to a lexeme, and cut again behind the mark
	for _, account := range []int64{1, 1 << 40} {
		c, err := s.CreateContact(ctx, account, convo.NewContact{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"})
		is.NoErr(err)
		conv, err := s.CreateConversation(ctx, account, convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt})
		is.NoErr(err)
		for _, text := range []string{"Invoice paid, thank you", "it's a back\\slash Ünïcödé, the invoice again", long + " tail"} {
			_, err := s.AddMessage(ctx, account, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: text})
			is.NoErr(err)
		}
	}
	is.NoErr(s.Close())
	versions := func() (v [2]int64) {
		is.NoErr(rawConn(t, url).QueryRow(ctx, `SELECT (SELECT sum(version) FROM convo_conversations),
			(SELECT sum(version) FROM convo_contacts)`).Scan(&v[0], &v[1]))
		return v
	}
	// the words as schema 11 wrote them: no mark
	rawExec(t, url,
		`UPDATE convo_messages SET words = regexp_replace(words::text, '''[0-9a-z]+\.', '''', 'g')::tsvector`,
		`UPDATE convo_contacts SET words = regexp_replace(words::text, '''[0-9a-z]+\.', '''', 'g')::tsvector`,
		`DELETE FROM convo_schema_migrations WHERE version = 12`)
	before := versions()

	s = openStore(t, url, Options{})
	conn := rawConn(t, url)
	rows, err := conn.Query(ctx, `SELECT id, account_id, content, words::text FROM convo_messages ORDER BY id`)
	is.NoErr(err)
	n := 0
	for rows.Next() {
		var id, account int64
		var content, words string
		is.NoErr(rows.Scan(&id, &account, &content, &words))
		var same bool
		is.NoErr(s.pool.QueryRow(ctx, `SELECT $1::tsvector = $2::text::tsvector`, words, tsvector(account, content)).Scan(&same))
		if !same {
			t.Errorf("message %d: words %.120s, not as the store writes them", id, words)
		}
		n++
	}
	is.NoErr(rows.Err())
	is.Equal(n, 6)
	is.Equal(versions(), before)
	for _, account := range []int64{1, 1 << 40} {
		contacts, err := s.ListContacts(ctx, account, store.ContactFilter{})
		is.NoErr(err)
		is.Equal(len(contacts.Items), 1) // each account's contact is checked
		for _, c := range contacts.Items {
			var same bool
			is.NoErr(s.pool.QueryRow(ctx, `SELECT words = $3::text::tsvector FROM convo_contacts WHERE account_id = $1 AND id = $2`,
				account, c.ID, contactWords(c)).Scan(&same))
			if !same {
				t.Errorf("contact %d of account %d: words not as the store writes them", c.ID, account)
			}
		}
	}
	for _, account := range []int64{1, 1 << 40} {
		for _, q := range []string{"invoice", "inv*", `"thank you"`, "ünï*", "tail"} {
			hits, err := s.SearchMessages(ctx, account, store.MessageSearch{Query: q})
			is.NoErr(err)
			is.True(len(hits.Items) > 0) // found in the account
			for _, h := range hits.Items {
				is.Equal(h.Message.AccountID, account)
			}
		}
		contacts, err := s.ListContacts(ctx, account, store.ContactFilter{Query: "lovel"})
		is.NoErr(err)
		is.Equal(len(contacts.Items), 1)
	}
	is.NoErr(checkInvariants(ctx, s))
}
