// Package convotest makes convo stores for tests: yours, in a project that
// keeps its conversations with convo.
//
//	func TestTriage(t *testing.T) {
//		t.Parallel()
//		s := convotest.New(t) // fresh, in memory, closed when the test ends
//		conv := convotest.Conversation(t, s, convotest.WithMessages(3))
//		...
//	}
//
// New gives each test a store of its own, safe under t.Parallel. The
// builders (Contact, Conversation, Inbox) create records with sensible
// defaults in Account; an option is any func that edits the spec, so
// every field can be set:
//
//	convotest.Conversation(t, s, func(c *convotest.ConversationSpec) {
//		c.Status = convo.StatusResolved
//		c.Labels = []string{"billing"}
//	})
//
// Reply and React add a reply to a message and reactions to it. They
// return the records as stored and fail the test on any error. Load
// reads a fixture written in the export format of package jsonl (by hand,
// or by jsonl.Export from a real store). Clock is a settable clock for
// WithClock.
package convotest
