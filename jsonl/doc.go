// Package jsonl writes and reads a convo account as JSON Lines: for
// backups, for moving data between stores and systems, and as test
// fixtures (convotest.Load).
//
// An export is a header line, then one line per record:
//
//	{"type":"convo-export","version":1,"account_id":1}
//	{"type":"contact","id":1,"first_name":"Ada","created_at":"2026-05-04T10:30:00Z",...}
//	{"type":"conversation","id":1,"uuid":"...","contact_id":1,"channel":"email",...}
//	{"type":"message","id":1,"conversation_id":1,"seq":1,"message_type":"incoming","content":"Hello",...}
//	{"type":"reaction","message_id":1,"reaction":"👍","by":{"type":"contact"},...}
//	{"type":"message_version","message_id":1,"version":1,"content":"Helo",...}
//	{"type":"view","name":"Urgent","query":{"payload":[{"attribute_key":"priority",...}]},...}
//	{"type":"conversation_redirect","conversation_id":2,"into_id":1,"merged_at":"2026-05-04T11:00:00Z"}
//
// Contacts come first, then conversations, then messages, each by id,
// then reactions and message versions, then read states, so that every
// record refers only to records above it, then the saved views, by
// name, and last the redirects that merged conversations left (the id
// each had and the conversation it went into), by merged id. Field names are snake_case; fields at their zero value are left
// out, and a hand-written file may leave out more
// (store.Record.WithDefaults says which). Times are RFC 3339 in UTC,
// exact to the microsecond.
//
// Export writes a whole account from one snapshot; Import reads it back,
// into an empty store exactly (ids, UUIDs, sequence numbers, timestamps),
// in one transaction: a bad line is a *convo.ValidationError naming it
// ("line 7: messages.content") and nothing is written. Importing the same
// file again changes nothing.
package jsonl
