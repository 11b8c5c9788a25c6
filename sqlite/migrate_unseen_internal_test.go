package sqlite

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
)

// Migrations 9 and 10 move the unseen counts of new messages from a
// trigger on each insert to the append's update of its conversation: the
// counts a version-8 file kept carry on, for participants, for authors
// and for an audience's members, who have no horizon.
func TestMigrateUnseenPerConversation(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	ann, bob, cy := uuid.New(), uuid.New(), uuid.New()
	path := openAtVersion(t, 8,
		`INSERT INTO convo_contacts (id, account_id, first_name, sort_name, created_at, updated_at) VALUES (1, 1, 'Ada', 'ada', 1, 1)`,
		`INSERT INTO convo_conversations (id, uuid, account_id, contact_id, channel, status, happened_at, created_at, updated_at, last_activity_at)
			VALUES (1, 'a0000000-0000-4000-8000-000000000001', 1, 1, 'api', 0, 1, 1, 1, 1)`,
		`INSERT INTO convo_conversation_participants (account_id, conversation_id, user_id) VALUES (1, 1, '`+ann.String()+`'), (1, 1, '`+bob.String()+`')`,
		`INSERT INTO convo_conversation_audiences (account_id, conversation_id, audience_id) VALUES (1, 1, 7)`,
		// the version-8 trigger counts it for both horizons and the audience
		`INSERT INTO convo_messages (id, account_id, conversation_id, seq, content, content_type, message_type, status, sender_type, written_at, created_at, updated_at)
			VALUES (1, 1, 1, 1, 'hello', 'text', 0, 'sent', 'contact', 1, 1, 1)`,
		`UPDATE convo_conversations SET messages_count = 1, last_seq = 1, unread_count = 1, last_incoming_at = 1,
			last_non_activity_message_id = 1, non_activity_count = 1 WHERE id = 1`,
	)

	s, err := Open(path, Options{}) // migrates to the current version
	is.NoErr(err)
	defer s.Close()
	var old int
	is.NoErr(s.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'convo_unseen_message_insert'`).Scan(&old))
	is.Equal(old, 0) // the per-insert trigger is gone
	_, err = s.AddMessage(ctx, 1, 1, convo.NewMessage{Type: convo.MessageIncoming, Content: "still there?"})
	is.NoErr(err)
	_, err = s.AddMessage(ctx, 1, 1, convo.NewMessage{Type: convo.MessageOutgoing, Content: "yes", AuthorID: ann})
	is.NoErr(err)
	for _, c := range []struct {
		viewer convo.Viewer
		want   int
	}{
		{convo.Viewer{UserID: ann}, 0},                         // her own message moved her horizon past the rest
		{convo.Viewer{UserID: bob}, 3},                         // one before the upgrade, two after
		{convo.Viewer{UserID: cy, AudienceIDs: []int64{7}}, 3}, // no horizon: the audience row's count
	} {
		n, err := s.CountUnseen(ctx, 1, c.viewer)
		is.NoErr(err)
		is.Equal(n, c.want)
	}
	is.NoErr(s.CheckInvariants(ctx)) // every horizon and audience row recounts the same
}
