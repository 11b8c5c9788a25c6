package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// Full-scan checks of everything the store maintains on write. Each query
// returns one row per violation, described as text; none may return a row.
var invariantChecks = []struct{ name, query string }{
	{"maintained conversation columns", `
SELECT 'conversation ' || cc.id || ': messages_count ' || cc.messages_count || ' scan ' || s.n
	|| ', last_seq ' || cc.last_seq || ' max seq ' || s.max_seq
	|| ', unread_count ' || cc.unread_count || ' scan ' || s.unread
	|| ', last_incoming_at ' || coalesce(cc.last_incoming_at, 'NULL') || ' scan ' || coalesce(s.last_incoming, 'NULL')
	|| ', last_non_activity ' || coalesce(cc.last_non_activity_message_id, 'NULL') || ' scan ' || coalesce(s.last_non_activity, 'NULL')
	|| ', non_activity_count ' || cc.non_activity_count || ' scan ' || s.non_activity
FROM convo_conversations cc, (SELECT
	` + recountMessagesCount + ` AS n,
	` + recountMaxSeq + ` AS max_seq,
	` + recountUnreadCount + ` AS unread,
	` + recountLastIncoming + ` AS last_incoming,
	` + recountLastNonActivity + ` AS last_non_activity,
	(SELECT count(*) FROM convo_messages m WHERE ` + ofConversation + ` AND ` + isCounted + `) AS non_activity,
	c.id AS id
	FROM convo_conversations c) s
WHERE s.id = cc.id AND (cc.messages_count != s.n OR cc.last_seq < s.max_seq OR cc.unread_count != s.unread
	OR cc.unread_count < 0 OR cc.last_incoming_at IS NOT s.last_incoming
	OR cc.last_non_activity_message_id IS NOT s.last_non_activity OR cc.non_activity_count != s.non_activity)`},
	{"message thread columns", `
SELECT 'message ' || m.id || ': reply_count ' || m.reply_count || ', last_reply_at ' || coalesce(m.last_reply_at, 'NULL')
	|| ', edit_count ' || m.edit_count || ', edited_at ' || coalesce(m.edited_at, 'NULL')
	|| ', reactions ' || coalesce(m.reactions, 'NULL') || ' differ from a scan'
FROM convo_messages m
WHERE m.reply_count != (SELECT count(*) FROM convo_messages r WHERE r.account_id = m.account_id AND r.reply_to_id = m.id)
	OR m.last_reply_at IS NOT (SELECT max(r.created_at) FROM convo_messages r WHERE r.account_id = m.account_id AND r.reply_to_id = m.id)
	OR m.edit_count != (SELECT count(*) FROM convo_message_versions v WHERE v.account_id = m.account_id AND v.message_id = m.id)
	OR m.edited_at IS NOT (SELECT max(v.edited_at) FROM convo_message_versions v WHERE v.account_id = m.account_id AND v.message_id = m.id)
	OR (SELECT count(*) FROM json_each(coalesce(m.reactions, '{}')))
		!= (SELECT count(DISTINCT x.reaction) FROM convo_message_reactions x WHERE x.account_id = m.account_id AND x.message_id = m.id)
	OR EXISTS (SELECT 1 FROM json_each(m.reactions) j WHERE j.value != (SELECT count(*) FROM convo_message_reactions x
		WHERE x.account_id = m.account_id AND x.message_id = m.id AND x.reaction = j.key))
	OR m.reactions = '{}'
	OR m.deleted_at IS NOT NULL AND (m.content != '' OR m.reactions IS NOT NULL OR m.edit_count > 0)
UNION ALL
SELECT 'message ' || r.id || ' replies to ' || r.reply_to_id || ', missing or of another conversation'
FROM convo_messages r LEFT JOIN convo_messages p ON p.account_id = r.account_id AND p.id = r.reply_to_id
WHERE r.reply_to_id IS NOT NULL AND p.conversation_id IS NOT r.conversation_id
UNION ALL
SELECT 'reaction ' || x.id || ' of a missing message' FROM convo_message_reactions x
WHERE NOT EXISTS (SELECT 1 FROM convo_messages m WHERE m.account_id = x.account_id AND m.id = x.message_id)
UNION ALL
SELECT 'version ' || v.message_id || '/' || v.version || ' of a missing message' FROM convo_message_versions v
WHERE NOT EXISTS (SELECT 1 FROM convo_messages m WHERE m.account_id = v.account_id AND m.id = v.message_id)`},
	{"convo_conversation_counts", `
SELECT 'convo_conversation_counts ' || account_id || '/' || status || '/' || assignee_id || ' = ' || n || ' differs from a scan'
FROM (SELECT account_id, status, assignee_id, n FROM convo_conversation_counts WHERE n != 0
	EXCEPT SELECT account_id, status, coalesce(assignee_id, ''), count(*) FROM convo_conversations GROUP BY 1, 2, 3)
UNION ALL
SELECT 'conversations ' || account_id || '/' || status || '/' || a || ': scan ' || n || ' not in convo_conversation_counts'
FROM (SELECT account_id, status, coalesce(assignee_id, '') AS a, count(*) AS n FROM convo_conversations GROUP BY 1, 2, 3
	EXCEPT SELECT account_id, status, assignee_id, n FROM convo_conversation_counts)`},
	{"convo_conversation_route_counts", `
SELECT 'convo_conversation_route_counts ' || account_id || '/' || status || '/' || inbox_id || '/' || team_id || '/' || assignee_id
	|| ' = ' || n || ' differs from a scan'
FROM (SELECT account_id, status, inbox_id, team_id, assignee_id, n FROM convo_conversation_route_counts WHERE n != 0
	EXCEPT SELECT account_id, status, coalesce(inbox_id, 0), coalesce(team_id, 0), coalesce(assignee_id, ''), count(*)
	FROM convo_conversations GROUP BY 1, 2, 3, 4, 5)
UNION ALL
SELECT 'conversations ' || account_id || '/' || status || '/' || i || '/' || t || '/' || a || ': scan ' || n
	|| ' not in convo_conversation_route_counts'
FROM (SELECT account_id, status, coalesce(inbox_id, 0) AS i, coalesce(team_id, 0) AS t, coalesce(assignee_id, '') AS a,
	count(*) AS n FROM convo_conversations GROUP BY 1, 2, 3, 4, 5
	EXCEPT SELECT account_id, status, inbox_id, team_id, assignee_id, n FROM convo_conversation_route_counts)`},
	{"convo_conversation_label_counts", `
SELECT 'convo_conversation_label_counts ' || account_id || '/' || label || '/' || status || '/' || assignee_id || ' = ' || n
	|| ' differs from a scan'
FROM (SELECT account_id, label, status, assignee_id, n FROM convo_conversation_label_counts WHERE n != 0
	EXCEPT SELECT c.account_id, l.label, c.status, coalesce(c.assignee_id, ''), count(*)
	FROM convo_conversation_labels l JOIN convo_conversations c ON c.id = l.conversation_id GROUP BY 1, 2, 3, 4)
UNION ALL
SELECT 'convo_conversation_labels ' || account_id || '/' || label || '/' || status || '/' || a || ': scan ' || n
	|| ' not in convo_conversation_label_counts'
FROM (SELECT c.account_id, l.label, c.status, coalesce(c.assignee_id, '') AS a, count(*) AS n
	FROM convo_conversation_labels l JOIN convo_conversations c ON c.id = l.conversation_id GROUP BY 1, 2, 3, 4
	EXCEPT SELECT account_id, label, status, assignee_id, n FROM convo_conversation_label_counts)`},
	{"convo_conversation_unattended_counts", `
SELECT 'convo_conversation_unattended_counts ' || account_id || '/' || status || '/' || inbox_id || '/' || team_id || '/' || assignee_id
	|| ' = ' || n || ' differs from a scan'
FROM (SELECT account_id, status, inbox_id, team_id, assignee_id, n FROM convo_conversation_unattended_counts WHERE n != 0
	EXCEPT SELECT account_id, status, coalesce(inbox_id, 0), coalesce(team_id, 0), coalesce(assignee_id, ''), count(*)
	FROM convo_conversations WHERE first_reply_created_at IS NULL OR waiting_since IS NOT NULL GROUP BY 1, 2, 3, 4, 5)
UNION ALL
SELECT 'unattended conversations ' || account_id || '/' || status || '/' || i || '/' || t || '/' || a || ': scan ' || n
	|| ' not in convo_conversation_unattended_counts'
FROM (SELECT account_id, status, coalesce(inbox_id, 0) AS i, coalesce(team_id, 0) AS t, coalesce(assignee_id, '') AS a,
	count(*) AS n FROM convo_conversations WHERE first_reply_created_at IS NULL OR waiting_since IS NOT NULL GROUP BY 1, 2, 3, 4, 5
	EXCEPT SELECT account_id, status, inbox_id, team_id, assignee_id, n FROM convo_conversation_unattended_counts)`},
	{"changed_at", `
SELECT 'conversation ' || id || ': updated_at ' || updated_at || ' after both last_activity_at ' || last_activity_at
	|| ' and changed_at ' || coalesce(changed_at, 'NULL')
FROM convo_conversations WHERE updated_at > max(last_activity_at, coalesce(changed_at, -9223372036854775808))`},
	{"convo_conversation_labels.account_id", `
SELECT 'label ' || l.label || ' of conversation ' || l.conversation_id || ' in account ' || l.account_id
	|| ', the conversation in ' || c.account_id
FROM convo_conversation_labels l JOIN convo_conversations c ON c.id = l.conversation_id WHERE l.account_id != c.account_id`},
	{"convo_unread_conversations", `
SELECT 'convo_unread_conversations ' || account_id || '/' || assignee_id || ' = ' || n || ' differs from a scan'
FROM (SELECT account_id, assignee_id, n FROM convo_unread_conversations WHERE n != 0
	EXCEPT SELECT account_id, coalesce(assignee_id, ''), count(*) FROM convo_conversations WHERE unread_count > 0 GROUP BY 1, 2)
UNION ALL
SELECT 'conversations with unread ' || account_id || '/' || a || ': scan ' || n || ' not in convo_unread_conversations'
FROM (SELECT account_id, coalesce(assignee_id, '') AS a, count(*) AS n FROM convo_conversations WHERE unread_count > 0 GROUP BY 1, 2
	EXCEPT SELECT account_id, assignee_id, n FROM convo_unread_conversations)`},
	{"negative counts", `
SELECT 'negative count in ' || t FROM (
	SELECT 'convo_conversation_counts' AS t FROM convo_conversation_counts WHERE n < 0
	UNION ALL SELECT 'convo_conversation_route_counts' FROM convo_conversation_route_counts WHERE n < 0
	UNION ALL SELECT 'convo_unread_conversations' FROM convo_unread_conversations WHERE n < 0)`},
	{"orphans", `
SELECT 'message ' || m.id || ' of missing conversation ' || m.conversation_id FROM convo_messages m
	WHERE NOT EXISTS (SELECT 1 FROM convo_conversations c WHERE c.account_id = m.account_id AND c.id = m.conversation_id)
UNION ALL
SELECT 'conversation ' || c.id || ' of missing contact ' || c.contact_id FROM convo_conversations c
	WHERE NOT EXISTS (SELECT 1 FROM convo_contacts k WHERE k.account_id = c.account_id AND k.id = c.contact_id)
UNION ALL
SELECT 'label ' || l.label || ' of missing conversation ' || l.conversation_id FROM convo_conversation_labels l
	WHERE NOT EXISTS (SELECT 1 FROM convo_conversations c WHERE c.id = l.conversation_id)`},
	{"member lists", `
SELECT 'conversation ' || c.id || ': lists ' || coalesce(c.label_list, '-') || ' / ' || coalesce(c.user_list, '-')
	|| ' / ' || coalesce(c.audience_list, '-') || ' differ from their tables'
FROM convo_conversations c
WHERE c.label_list IS NOT (SELECT group_concat(label, ',' ORDER BY label) FROM convo_conversation_labels l
		WHERE l.conversation_id = c.id)
	OR c.user_list IS NOT (SELECT group_concat(user_id, ',' ORDER BY user_id) FROM convo_conversation_participants p
		WHERE p.account_id = c.account_id AND p.conversation_id = c.id)
	OR c.audience_list IS NOT (SELECT group_concat(audience_id, ',' ORDER BY audience_id) FROM convo_conversation_audiences a
		WHERE a.account_id = c.account_id AND a.conversation_id = c.id)`},
	// The index holds the messages up to its mark but those waiting to be
	// indexed again.
	{"full-text index size", `
SELECT 'convo_messages_fts holds ' || (SELECT count(*) FROM convo_messages_fts_docsize) || ' documents for '
	|| (SELECT count(*) FROM convo_messages WHERE id <= i.indexed_through) || ' messages up to the mark ' || i.indexed_through
	|| ', ' || (SELECT count(*) FROM convo_index_pending) || ' of them pending'
FROM convo_index_state i
WHERE (SELECT count(*) FROM convo_messages_fts_docsize) != (SELECT count(*) FROM convo_messages
		WHERE id <= i.indexed_through AND id NOT IN (SELECT id FROM convo_index_pending))
	OR EXISTS (SELECT 1 FROM convo_messages_fts_docsize WHERE id > i.indexed_through
		OR id IN (SELECT id FROM convo_index_pending))`},
	{"unseen counts", `
SELECT 'horizon ' || h.conversation_id || '/' || h.user_id || ': seen_seq ' || h.seen_seq || ' past last_seq ' || c.last_seq
FROM convo_read_horizons h JOIN convo_conversations c ON c.account_id = h.account_id AND c.id = h.conversation_id
WHERE h.seen_seq > c.last_seq
UNION ALL
SELECT 'horizon ' || conversation_id || '/' || user_id || ': unseen_count ' || unseen_count || ' scan ' || n
FROM (SELECT conversation_id, user_id, unseen_count, ` + horizonRecount + ` AS n FROM convo_read_horizons) WHERE n != unseen_count
UNION ALL
SELECT 'audience ' || a.audience_id || ' of conversation ' || a.conversation_id || ': non_activity_count '
	|| a.non_activity_count || ', the conversation ' || c.non_activity_count
FROM convo_conversation_audiences a JOIN convo_conversations c ON c.account_id = a.account_id AND c.id = a.conversation_id
WHERE a.non_activity_count != c.non_activity_count`},
	{"foreign keys", `SELECT 'foreign key: ' || "table" || ' row ' || coalesce(rowid, 'NULL') || ' -> ' || parent FROM pragma_foreign_key_check`},
	{"integrity", `SELECT 'integrity: ' || integrity_check FROM pragma_integrity_check WHERE integrity_check != 'ok'`},
}

// horizonRecount is unseenAfterHorizon (the rule MarkSeen and imports
// recount by) for the convo_read_horizons row at hand.
var horizonRecount = strings.NewReplacer("?1", "convo_read_horizons.account_id",
	"?2", "convo_read_horizons.conversation_id").Replace(unseenAfterHorizon)

// CheckInvariants scans the whole database, in one read transaction, and
// reports every maintained counter that differs from a count, every orphan
// row, and whatever PRAGMA integrity_check and foreign_key_check find.
func (s *Store) CheckInvariants(ctx context.Context) error {
	var errs []error
	err := s.read(ctx, func(tx *dbtx) error {
		for _, c := range invariantChecks {
			var found []string
			if err := tx.once().SelectContext(ctx, &found, c.query); err != nil { // unprepared: run once
				return fmt.Errorf("%s: %w", c.name, err)
			}
			if len(found) > 0 {
				errs = append(errs, fmt.Errorf("%s:\n\t%s", c.name, strings.Join(found, "\n\t")))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

// TestCheckInvariants shows that the checker passes a healthy store and
// finds each kind of damage it looks for.
func TestCheckInvariants(t *testing.T) {
	ctx := context.Background()
	for _, damage := range []string{
		`UPDATE convo_conversations SET messages_count = messages_count + 1 WHERE id = 1`,
		`UPDATE convo_conversations SET unread_count = unread_count + 1 WHERE id = 2`,
		`UPDATE convo_conversations SET non_activity_count = non_activity_count + 1 WHERE id = 2`,
		`UPDATE convo_conversation_counts SET n = n + 1`,
		`UPDATE convo_unread_conversations SET n = n + 1`,
		`PRAGMA foreign_keys = OFF; DELETE FROM convo_conversations WHERE id = 3`,
	} {
		s := seedSmall(t)
		if err := s.CheckInvariants(ctx); err != nil {
			t.Fatalf("a healthy store: %v", err)
		}
		if err := s.execOnWriter(ctx, damage); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckInvariants(ctx); err == nil {
			t.Errorf("not found: %s", damage)
		}
	}
}

// seedSmall is a store with three conversations, assigned and not, with
// messages read and unread.
func seedSmall(t *testing.T) *Store {
	t.Helper()
	s, err := Open(":memory:", Options{})
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
		in := convo.NewConversation{ContactID: c.ID, Channel: convo.ChannelEmail, HappenedAt: c.CreatedAt, InboxID: int64(i)}
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
	return s
}
