package sqlite

import (
	"context"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo/store"
)

// Migration 7 rebuilds the full-text indexes with each row's account: the
// messages the old index held (up to the indexer's mark) and every
// contact are found again, by their own account only, and the messages
// after the mark are indexed as before, once the store opens. Account 2
// holds one of nine conversations, so its contact searches name it in
// their MATCH (ftsAccount); account 1's do not. Migration 12 then rebuilds
// the message index with the account's code before each word.
func TestMigrateSearchAccounts(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	path := openAtVersion(t, 6,
		`INSERT INTO convo_contacts (id, account_id, first_name, sort_name, created_at, updated_at) VALUES (1, 1, 'Ada', 'ada', 1, 1), (2, 2, 'Adam', 'adam', 1, 1)`,
		`INSERT INTO convo_conversations (id, uuid, account_id, contact_id, channel, status, happened_at, created_at, updated_at, last_activity_at)
			VALUES (1, 'a0000000-0000-4000-8000-000000000001', 1, 1, 'api', 0, 1, 1, 1, 1),
			       (2, 'a0000000-0000-4000-8000-000000000002', 2, 2, 'api', 0, 1, 1, 1, 1),
			       (3, 'a0000000-0000-4000-8000-000000000003', 1, 1, 'api', 0, 1, 1, 1, 1),
			       (4, 'a0000000-0000-4000-8000-000000000004', 1, 1, 'api', 0, 1, 1, 1, 1),
			       (5, 'a0000000-0000-4000-8000-000000000005', 1, 1, 'api', 0, 1, 1, 1, 1),
			       (6, 'a0000000-0000-4000-8000-000000000006', 1, 1, 'api', 0, 1, 1, 1, 1),
			       (7, 'a0000000-0000-4000-8000-000000000007', 1, 1, 'api', 0, 1, 1, 1, 1),
			       (8, 'a0000000-0000-4000-8000-000000000008', 1, 1, 'api', 0, 1, 1, 1, 1),
			       (9, 'a0000000-0000-4000-8000-000000000009', 1, 1, 'api', 0, 1, 1, 1, 1)`,
		`INSERT INTO convo_messages (id, account_id, conversation_id, seq, content, content_type, message_type, status, sender_type, written_at, created_at, updated_at)
			VALUES (1, 1, 1, 1, 'the invoice is wrong', 'text', 0, 'sent', 'contact', 1, 1, 1),
			       (2, 2, 2, 1, 'another invoice', 'text', 0, 'sent', 'contact', 1, 1, 1),
			       (3, 1, 1, 2, 'a later invoice', 'text', 0, 'sent', 'contact', 1, 1, 1)`,
		`INSERT INTO convo_messages_fts (rowid, content) SELECT id, content FROM convo_messages WHERE id <= 2`,
		`UPDATE convo_index_state SET indexed_through = 2`,
	)

	s, err := Open(path, Options{})
	is.NoErr(err)
	defer s.Close()
	for _, c := range []struct {
		account int64
		want    []int64
	}{{1, []int64{3, 1}}, {2, []int64{2}}} {
		page, err := s.SearchMessages(ctx, c.account, store.MessageSearch{Query: "invoice"})
		is.NoErr(err)
		var ids []int64
		for _, h := range page.Items {
			ids = append(ids, h.Message.ID)
		}
		is.Equal(ids, c.want) // the account's messages, the one after the mark too
		contacts, err := s.ListContacts(ctx, c.account, store.ContactFilter{Query: "ad"})
		is.NoErr(err)
		is.Equal(len(contacts.Items), 1) // the account's contact only
		is.Equal(contacts.Items[0].AccountID, c.account)
	}
	// The account's id is no word of its text: terms match only the text.
	page, err := s.SearchMessages(ctx, 2, store.MessageSearch{Query: "2"})
	is.NoErr(err)
	is.Equal(len(page.Items), 0)
	contacts, err := s.ListContacts(ctx, 2, store.ContactFilter{Query: "2"})
	is.NoErr(err)
	is.Equal(len(contacts.Items), 0)
}
