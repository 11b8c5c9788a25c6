package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
)

// Full-scan checks of everything the store maintains on write. Each query
// returns one row per violation, described as text; none may return a row.
var invariantChecks = []struct{ name, query string }{
	{"maintained conversation columns", `
SELECT format('conversation %s: messages_count %s scan %s, last_seq %s max seq %s, unread_count %s scan %s, '
	|| 'last_incoming_at %s scan %s, last_non_activity %s scan %s, non_activity_count %s scan %s',
	c.id, c.messages_count, s.n, c.last_seq, s.max_seq, c.unread_count, s.unread, c.last_incoming_at, s.last_incoming,
	c.last_non_activity_message_id, s.last_non_activity, c.non_activity_count, s.non_activity)
FROM convo_conversations c CROSS JOIN LATERAL (SELECT
	` + recountMessagesCount + ` AS n,
	` + recountMaxSeq + ` AS max_seq,
	` + recountUnreadCount + ` AS unread,
	` + recountLastIncoming + ` AS last_incoming,
	` + recountLastNonActivity + ` AS last_non_activity,
	(SELECT count(*) FROM convo_messages m WHERE ` + ofConversation + ` AND ` + isReadable + `) AS non_activity) s
WHERE c.messages_count <> s.n OR c.last_seq < s.max_seq OR c.unread_count <> s.unread
	OR c.last_incoming_at IS DISTINCT FROM s.last_incoming
	OR c.last_non_activity_message_id IS DISTINCT FROM s.last_non_activity OR c.non_activity_count <> s.non_activity`},
	{"convo_conversation_counts", countCheck("convo_conversation_counts", "account_id, status, assignee_id",
		"account_id, status, coalesce(assignee_id::text, '')", "true")},
	{"convo_conversation_route_counts", countCheck("convo_conversation_route_counts",
		"account_id, status, assignee_id, inbox_id, team_id",
		"account_id, status, coalesce(assignee_id::text, ''), coalesce(inbox_id, 0), coalesce(team_id, 0)", "true")},
	{"convo_conversation_unattended_counts", countCheck("convo_conversation_unattended_counts",
		"account_id, status, assignee_id, inbox_id, team_id",
		"account_id, status, coalesce(assignee_id::text, ''), coalesce(inbox_id, 0), coalesce(team_id, 0)",
		"first_reply_created_at IS NULL OR waiting_since IS NOT NULL")},
	{"convo_unread_conversations", countCheck("convo_unread_conversations", "account_id, assignee_id",
		"account_id, coalesce(assignee_id::text, '')", "unread_count > 0")},
	{"convo_conversation_label_counts", `
SELECT format('convo_conversation_label_counts %s differs from a scan %s', x.k, y.k) FROM
	(SELECT row(account_id, label, status, assignee_id, n)::text AS k FROM convo_conversation_label_counts WHERE n <> 0) x
	FULL JOIN (SELECT row(c.account_id, l.label, c.status, coalesce(c.assignee_id::text, ''), count(*))::text AS k
		FROM convo_conversation_labels l JOIN convo_conversations c ON c.account_id = l.account_id AND c.id = l.conversation_id
		GROUP BY c.account_id, l.label, c.status, c.assignee_id) y ON x.k = y.k
WHERE x.k IS NULL OR y.k IS NULL`},
	{"negative counts", `
SELECT 'negative count in ' || t FROM (
	SELECT 'convo_conversation_counts' AS t FROM convo_conversation_counts WHERE n < 0
	UNION ALL SELECT 'convo_conversation_route_counts' FROM convo_conversation_route_counts WHERE n < 0
	UNION ALL SELECT 'convo_conversation_unattended_counts' FROM convo_conversation_unattended_counts WHERE n < 0
	UNION ALL SELECT 'convo_conversation_label_counts' FROM convo_conversation_label_counts WHERE n < 0
	UNION ALL SELECT 'convo_unread_conversations' FROM convo_unread_conversations WHERE n < 0) t`},
	{"member lists", `
SELECT format('conversation %s: lists %s / %s / %s differ from their tables', c.id, c.labels, c.user_ids, c.audience_ids)
FROM convo_conversations c
WHERE c.labels <> coalesce((SELECT array_agg(label ORDER BY label) FROM convo_conversation_labels l
		WHERE l.account_id = c.account_id AND l.conversation_id = c.id), '{}')
	OR c.user_ids <> coalesce((SELECT array_agg(user_id ORDER BY user_id) FROM convo_conversation_participants p
		WHERE p.account_id = c.account_id AND p.conversation_id = c.id), '{}')
	OR c.audience_ids <> coalesce((SELECT array_agg(audience_id ORDER BY audience_id) FROM convo_conversation_audiences a
		WHERE a.account_id = c.account_id AND a.conversation_id = c.id), '{}')`},
	{"unseen counts", `
SELECT format('horizon of %s in conversation %s: unseen_count %s, scan %s', h.user_id, h.conversation_id, h.unseen_count, s.n)
FROM convo_read_horizons h CROSS JOIN LATERAL (SELECT count(*) AS n FROM convo_messages m
	WHERE m.account_id = h.account_id AND m.conversation_id = h.conversation_id AND ` + isReadable + `
		AND m.seq > h.seen_seq AND m.author_id IS DISTINCT FROM h.user_id) s
WHERE h.unseen_count <> s.n
UNION ALL
SELECT format('audience %s of conversation %s: non_activity_count %s, the conversation''s %s',
	a.audience_id, a.conversation_id, a.non_activity_count, c.non_activity_count)
FROM convo_conversation_audiences a JOIN convo_conversations c ON c.account_id = a.account_id AND c.id = a.conversation_id
WHERE a.non_activity_count <> c.non_activity_count`},
	{"replies", `
SELECT format('message %s: reply_count %s scan %s, last_reply_at %s scan %s', p.id, p.reply_count, s.n, p.last_reply_at, s.last)
FROM convo_messages p CROSS JOIN LATERAL (SELECT count(*) AS n, max(r.created_at) AS last FROM convo_messages r
	WHERE r.account_id = p.account_id AND r.reply_to_id = p.id) s
WHERE p.reply_count <> s.n OR p.last_reply_at IS DISTINCT FROM s.last
UNION ALL
SELECT format('message %s replies to %s of another conversation', r.id, r.reply_to_id)
FROM convo_messages r JOIN convo_messages p ON p.account_id = r.account_id AND p.id = r.reply_to_id
WHERE p.conversation_id <> r.conversation_id`},
	{"reactions", `
SELECT format('message %s: reactions %s, scan %s', m.id, m.reactions, s.counts)
FROM convo_messages m CROSS JOIN LATERAL (SELECT jsonb_object_agg(reaction, n) AS counts FROM (SELECT reaction, count(*) AS n
	FROM convo_message_reactions r WHERE r.account_id = m.account_id AND r.message_id = m.id GROUP BY reaction) g) s
WHERE m.reactions IS DISTINCT FROM s.counts`},
	{"versions", `
SELECT format('message %s: edit_count %s edited_at %s, versions %s up to %s, last edited %s', m.id, m.edit_count, m.edited_at,
	s.n, s.top, s.last)
FROM convo_messages m CROSS JOIN LATERAL (SELECT count(*) AS n, coalesce(max(v.version), 0) AS top,
	(SELECT v2.edited_at FROM convo_message_versions v2 WHERE v2.account_id = m.account_id AND v2.message_id = m.id
		ORDER BY v2.version DESC LIMIT 1) AS last
	FROM convo_message_versions v WHERE v.account_id = m.account_id AND v.message_id = m.id) s
WHERE m.edit_count <> s.n OR s.top <> s.n OR m.edited_at IS DISTINCT FROM s.last`},
	{"tombstones", `
SELECT format('message %s: a tombstone with content, attachments, attributes, reactions, edits, an error or words', m.id)
FROM convo_messages m
WHERE m.deleted_at IS NOT NULL AND (m.content <> '' OR m.attachments NOT IN ('[]', '{}') OR m.content_attributes <> '{}'
	OR m.additional_attributes <> '{}' OR m.reactions IS NOT NULL OR m.edit_count <> 0 OR m.external_error <> ''
	OR m.words <> ''::tsvector)`},
	{"merge redirects", `
SELECT format('conversation %s was merged into %s, which is not there', r.merged_id, r.into_id)
FROM convo_conversation_merges r
WHERE NOT EXISTS (SELECT 1 FROM convo_conversations c WHERE c.account_id = r.account_id AND c.id = r.into_id)`},
	{"words", `
SELECT format('message %s: no words for its content', m.id) FROM convo_messages m
WHERE m.words = ''::tsvector AND m.content ~ '[[:alnum:]]'`},
}

// countCheck is the check of a count table: every non-zero row is a scan's
// group, and every group of the scan is a row.
func countCheck(table, keys, scanKeys, where string) string {
	return fmt.Sprintf(`
SELECT format('%[1]s: kept %%s, scan %%s', x.k, y.k) FROM
	(SELECT row(%[2]s, n)::text AS k FROM %[1]s WHERE n <> 0) x
	FULL JOIN (SELECT row(%[3]s, count(*))::text AS k FROM convo_conversations WHERE %[4]s GROUP BY %[3]s) y ON x.k = y.k
WHERE x.k IS NULL OR y.k IS NULL`, table, keys, scanKeys, where)
}

// checkInvariants scans the whole database, in one snapshot, and reports
// every maintained value that differs from a count.
func checkInvariants(ctx context.Context, s *Store) error {
	var errs []error
	err := s.read(ctx, func(tx pgx.Tx) error {
		for _, c := range invariantChecks {
			rows, err := tx.Query(ctx, c.query)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			found, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			if len(found) > 0 {
				errs = append(errs, fmt.Errorf("%s:\n\t%s", c.name, strings.Join(found, "\n\t")))
			}
		}
		return nil
	})
	return errors.Join(err, errors.Join(errs...))
}

// TestCheckInvariants shows that the checker passes a healthy store and
// finds each kind of damage it looks for.
func TestCheckInvariants(t *testing.T) {
	ctx := context.Background()
	for _, damage := range []string{
		`UPDATE convo_conversations SET messages_count = messages_count + 1 WHERE id = (SELECT min(id) FROM convo_conversations)`,
		`UPDATE convo_conversations SET unread_count = unread_count + 1 WHERE id = (SELECT max(id) FROM convo_conversations)`,
		`UPDATE convo_conversation_counts SET n = n + 1`,
		`UPDATE convo_conversation_route_counts SET n = n + 1`,
		`UPDATE convo_conversation_unattended_counts SET n = n + 1`,
		`UPDATE convo_unread_conversations SET n = n + 1`,
		`UPDATE convo_conversation_label_counts SET n = n + 1`,
		`UPDATE convo_read_horizons SET unseen_count = unseen_count + 1`,
		`UPDATE convo_messages SET words = ''`,
		`UPDATE convo_messages SET reply_count = 1 WHERE id = (SELECT min(id) FROM convo_messages)`,
		`UPDATE convo_messages SET reactions = '{"x": 1}' WHERE id = (SELECT min(id) FROM convo_messages)`,
		`UPDATE convo_messages SET edit_count = 1 WHERE id = (SELECT min(id) FROM convo_messages)`,
		`UPDATE convo_messages SET deleted_at = now() WHERE id = (SELECT min(id) FROM convo_messages)`,
		// A redirect to no conversation, past its foreign key.
		`SET session_replication_role = replica;
		INSERT INTO convo_conversation_merges VALUES (1, 1 << 40, (1 << 40) + 1, now())`,
	} {
		s, url := seedSmall(t)
		if err := checkInvariants(ctx, s); err != nil {
			t.Fatalf("a healthy store: %v", err)
		}
		rawExec(t, url, damage)
		if err := checkInvariants(ctx, s); err == nil {
			t.Errorf("not found: %s", damage)
		}
	}
}

// seedSmall is a store with three conversations, assigned and not, labelled,
// with messages read and unread by a participant.
func seedSmall(t *testing.T) (*Store, string) {
	t.Helper()
	url := newConvoDatabase(t)
	s, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	c, err := s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Check"})
	if err != nil {
		t.Fatal(err)
	}
	agent := uuid.New()
	for i := range 3 {
		in := convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt, InboxID: int64(i),
			Labels: []string{"billing"}, UserIDs: []uuid.UUID{uuid.New()}}
		if i > 0 {
			in.AssigneeID = agent
		}
		conv, err := s.CreateConversation(ctx, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, typ := range []convo.MessageType{convo.MessageIncoming, convo.MessageOutgoing, convo.MessageIncoming} {
			if _, err := s.AddMessage(ctx, 1, conv.ID, convo.NewMessage{Type: typ, Content: "m"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s, url
}
