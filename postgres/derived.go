package postgres

// The rules of a conversation's derived columns, each written once, as SQL
// over the messages (m) of the conversation c. An edit, a delete or a purge of a
// message recounts them (refreshConversation), so does an import, and the
// invariant check compares them with what the store keeps. An append keeps
// the same rules one message at a time (appendOne): its comment says
// how each term follows from here.
const (
	// ofConversation keeps the messages of the conversation c.
	ofConversation = `m.account_id = c.account_id AND m.conversation_id = c.id`

	// isIncoming: a message from the contact (Chatwoot's incoming, 0).
	isIncoming = `m.message_type = 0`
	// isLive: not a tombstone (DeleteMessage), which still counts in
	// messages_count and last_incoming_at but is never unread, unseen or
	// the last message a list shows.
	isLive = `m.deleted_at IS NULL`
	// isUnread: an incoming message, not a tombstone, created after the
	// agent last saw the conversation (never: every incoming one).
	isUnread = isIncoming + ` AND ` + isLive + ` AND m.created_at > coalesce(c.agent_last_seen_at, '-infinity')`
	// isReadable: every message but the activity ones (2), which record
	// changes, and the tombstones: what counts as unseen
	// (non_activity_count, the horizons' unseen counts; the schema's
	// convo_unseen_counted) and may be the last message a list shows.
	isReadable = `m.message_type <> 2 AND ` + isLive

	recountMessagesCount   = `(SELECT count(*) FROM convo_messages m WHERE ` + ofConversation + `)`
	recountUnreadCount     = `(SELECT count(*) FROM convo_messages m WHERE ` + ofConversation + ` AND ` + isUnread + `)`
	recountLastIncoming    = `(SELECT max(m.created_at) FROM convo_messages m WHERE ` + ofConversation + ` AND ` + isIncoming + `)`
	recountLastNonActivity = `(SELECT m.id FROM convo_messages m WHERE ` + ofConversation + ` AND ` + isReadable +
		` ORDER BY m.seq DESC LIMIT 1)`
	recountMaxSeq = `(SELECT coalesce(max(m.seq), 0) FROM convo_messages m WHERE ` + ofConversation + `)`

	// recountDerived sets the derived columns of c from its messages.
	recountDerived = `messages_count = ` + recountMessagesCount + `,
	unread_count = ` + recountUnreadCount + `,
	last_incoming_at = ` + recountLastIncoming + `,
	last_non_activity_message_id = ` + recountLastNonActivity
)
