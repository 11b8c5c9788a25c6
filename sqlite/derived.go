package sqlite

// The rules of a conversation's derived columns, each written once, as SQL
// over the messages (m) of the conversation c. An edit or a delete of a
// message recounts them (refreshConversation), so does an import
// (recountImported), and the invariant check compares them with what the
// store keeps. An append keeps the same rules for the messages it adds
// (appendFold, bumpMaintained): their comments say how each term follows
// from here.
const (
	// ofConversation keeps the messages of the conversation c.
	ofConversation = `m.account_id = c.account_id AND m.conversation_id = c.id`

	// isIncoming: a message from the contact (Chatwoot's incoming, 0).
	isIncoming = `m.message_type = 0`
	// isUnread: an incoming message, not a tombstone, created after the
	// agent last saw the conversation (never: every incoming one).
	isUnread = isIncoming + ` AND m.deleted_at IS NULL AND m.created_at > coalesce(c.agent_last_seen_at, -9223372036854775808)`
	// isCounted: every message but the activity ones (2), which record
	// changes, and the tombstones: what may be unseen and what may be the
	// last message a list shows.
	isCounted = `m.message_type != 2 AND m.deleted_at IS NULL`

	recountMessagesCount   = `(SELECT count(*) FROM convo_messages m WHERE ` + ofConversation + `)`
	recountUnreadCount     = `(SELECT count(*) FROM convo_messages m WHERE ` + ofConversation + ` AND ` + isUnread + `)`
	recountLastIncoming    = `(SELECT max(m.created_at) FROM convo_messages m WHERE ` + ofConversation + ` AND ` + isIncoming + `)`
	recountLastNonActivity = `(SELECT m.id FROM convo_messages m WHERE ` + ofConversation + ` AND ` + isCounted +
		` ORDER BY m.seq DESC LIMIT 1)`
	recountMaxSeq = `(SELECT coalesce(max(m.seq), 0) FROM convo_messages m WHERE ` + ofConversation + `)`

	// recountDerived sets the derived columns of c from its messages.
	recountDerived = `messages_count = ` + recountMessagesCount + `,
	unread_count = ` + recountUnreadCount + `,
	last_incoming_at = ` + recountLastIncoming + `,
	last_non_activity_message_id = ` + recountLastNonActivity
)
