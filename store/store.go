package store

import (
	"context"
	"iter"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// Store keeps contacts, conversations and messages for many accounts.
//
// Every method takes the caller's context first and the account (tenant)
// explicitly; an account id must be positive. Errors match, with
// errors.Is, the sentinels of package convo:
//
//   - convo.ErrInvalid for bad input, always as a *convo.ValidationError
//     naming each bad field (account_id for an account id that is not
//     positive). Nothing is written.
//   - convo.ErrNotFound for an id that does not exist in the account. A
//     record of another account is indistinguishable from a missing one.
//   - convo.ErrConflict when the change contradicts what is stored.
//   - convo.ErrClosed after Close.
//   - convo.ErrUnavailable when the database server cannot be reached or
//     the connection to it breaks (a backend with a server).
//   - the context's error when it is cancelled or its deadline passes; a
//     call cancelled before it commits writes nothing.
//
// Every call is all-or-nothing, and every record written by one call
// carries the same timestamp. Times are returned in UTC, truncated to the
// microsecond, so a returned value equals what a later read returns.
// Implementations are safe for concurrent use.
type Store interface {
	// CreateContact adds a contact to the account. The phone is stored in
	// E.164 form (convo.NormalizePhone: "+44 20 7946 0000" is stored
	// "+442079460000"); a phone it refuses is ErrInvalid on field "phone".
	// An email (compared without regard to case), phone number or
	// identifier already used by another contact of the account is
	// ErrConflict naming it; contacts without one are not in conflict.
	CreateContact(ctx context.Context, accountID int64, in convo.NewContact) (convo.Contact, error)
	// GetContact returns one contact, or ErrNotFound.
	GetContact(ctx context.Context, accountID, contactID int64) (convo.Contact, error)
	// UpdateContact changes the fields set in the update and returns the
	// contact as stored, a phone set by it in E.164 form as CreateContact
	// stores it. ErrNotFound for a missing contact; ErrConflict for an
	// email, phone number or identifier used by another contact; ErrInvalid
	// when the result would not be a valid contact (convo.ContactUpdate's
	// Validate: a phone stored before phones had to be E.164 is kept while
	// the update leaves it). A refused update writes nothing.
	UpdateContact(ctx context.Context, accountID, contactID int64, up convo.ContactUpdate) (convo.Contact, error)
	// DeleteContact removes a contact. While the contact has conversations
	// it is ErrConflict, unless opts.Cascade is set: then its conversations
	// and their messages go in the same transaction.
	DeleteContact(ctx context.Context, accountID, contactID int64, opts DeleteContactOptions) error
	// ListContacts returns a page of the account's contacts, by name then
	// id, narrowed by the filter (a search, or a lookup by phone or email).
	ListContacts(ctx context.Context, accountID int64, f ContactFilter) (Page[convo.Contact], error)
	// MergeContacts merges the contact mergeID into keepID, as Chatwoot
	// does for one person who wrote from two addresses, and returns the
	// kept contact as stored. mergeID's conversations (with their messages,
	// labels, counts and read state, as they were) move to keepID, and
	// mergeID is deleted. The kept contact keeps every field it has and
	// takes mergeID's where it has none: its first and last names together
	// when it has neither, then nickname, email, phone, identifier and
	// avatar each on its own. It is blocked if either was. Of the custom
	// and additional attributes, keepID's win key by key (top-level keys)
	// and mergeID's other keys are added. Its last activity is the later of
	// the two. Email, phone and identifier stay unique: mergeID's are
	// released as it goes. Either contact missing or of another account is
	// ErrNotFound; keepID == mergeID is ErrInvalid naming merge_id, and a
	// result that would not be a valid contact (attributes over the
	// limits) is ErrInvalid naming the field. All in one transaction: an
	// error writes nothing.
	MergeContacts(ctx context.Context, accountID, keepID, mergeID int64) (convo.Contact, error)

	// SaveView saves a custom view under its name, replacing the
	// account's view of that name (keeping its CreatedAt), and returns it
	// as stored. ListConversations and CountConversations list by it with
	// ConversationFilter.View.
	SaveView(ctx context.Context, accountID int64, v View) (View, error)
	// GetView returns the account's view of that name, or ErrNotFound.
	GetView(ctx context.Context, accountID int64, name string) (View, error)
	// ListViews returns the account's views, by name (byte order).
	ListViews(ctx context.Context, accountID int64) ([]View, error)
	// DeleteView deletes the account's view of that name, or returns
	// ErrNotFound.
	DeleteView(ctx context.Context, accountID int64, name string) error

	// CreateConversation starts a conversation with a contact of the
	// account. A missing contact, channel or happened_at is ErrInvalid
	// naming the field; a contact of another account is ErrNotFound; a UUID
	// already in use is ErrConflict. As in Chatwoot, a blocked contact's
	// conversation starts muted and resolved, whatever in says (no
	// snooze); otherwise in.Muted is stored as given, with no other effect.
	CreateConversation(ctx context.Context, accountID int64, in convo.NewConversation) (convo.Conversation, error)
	// GetConversation returns one conversation with its contact, and its
	// messages when opts asks for them (with opts.Viewer, each with its
	// Seen and the viewer's own reactions). ErrNotFound when missing, or
	// when opts.Viewer does not take part in it; a *convo.MergedError
	// (which matches ErrNotFound) when it was merged into another.
	GetConversation(ctx context.Context, accountID, conversationID int64, opts GetConversationOptions) (convo.Conversation, error)
	// MergeConversations merges the conversation mergeID into keepID, as
	// a support team does with a second thread about the same case, and
	// returns the kept conversation as stored. mergeID's messages move
	// into keepID after its own, in their order, numbered on from keepID's
	// last sequence number (its last_seq plus their own), keeping their
	// ids, times, senders, source ids, replies, reactions and versions.
	// keepID's labels, participants and audiences become the union of
	// both; its other fields stay, but for its waiting since and first
	// reply, the earlier of the two. Its counts, unread and unseen counts
	// are recounted: a user's read horizon is the one they had in keepID,
	// or, for a user who had read all of keepID, as far into the moved
	// messages as they had read in mergeID. An activity message records
	// the merge (convo.ActivityMerge), after the moved messages. mergeID
	// is then removed: GetConversation and ListMessages of it return a
	// *convo.MergedError naming keepID (which matches ErrNotFound), also
	// after keepID is merged on in turn; other calls ErrNotFound. Both
	// must be conversations of the same contact (MergeContacts first):
	// another contact's, or keepID == mergeID, is ErrInvalid naming
	// merge_id; either missing is ErrNotFound. One transaction.
	MergeConversations(ctx context.Context, accountID, keepID, mergeID int64) (convo.Conversation, error)
	// UpdateConversation changes the fields set in the update and returns
	// the conversation as stored. A change of team or priority writes an
	// activity message unless up.Quiet. Muting, as in Chatwoot, also
	// resolves the conversation as ChangeStatus would (with its activity
	// message, and only if it is not resolved already) and blocks its
	// contact; unmuting unblocks the contact and leaves the status as it
	// is. Either writes "Conversation was muted" or "Conversation was
	// unmuted", after the status change's, unless up.Quiet; setting Muted
	// to what it is changes neither. All in the same transaction.
	// ErrNotFound when missing.
	UpdateConversation(ctx context.Context, accountID, conversationID int64, up convo.ConversationUpdate) (convo.Conversation, error)
	// DeleteConversation removes a conversation with all its messages and
	// returns its id. ErrNotFound when missing.
	DeleteConversation(ctx context.Context, accountID, conversationID int64) (int64, error)
	// ListConversations returns a page of the account's conversations
	// matching the filter. A ContactID that is not a contact of the account
	// is ErrNotFound.
	ListConversations(ctx context.Context, accountID int64, f ConversationFilter) (Page[convo.Conversation], error)
	// CountConversations returns the four counts (mine, unassigned,
	// assigned, all) of the conversations matching the filter without its
	// assignee type and paging. Mine needs f.Agent; without it, it is 0.
	CountConversations(ctx context.Context, accountID int64, f ConversationFilter) (Counts, error)
	// CountUnread returns how many conversations assigned to the agent have
	// unread incoming messages, whatever their status. A nil agent is ErrInvalid.
	CountUnread(ctx context.Context, accountID int64, agentID uuid.UUID) (int, error)

	// ChangeStatus sets or toggles a conversation's status. Becoming
	// resolved clears waiting_since; any status but snoozed clears
	// snoozed_until. Unless ch.Quiet, an activity message records the change
	// in the same transaction. A snooze time that has passed is ErrInvalid.
	// ErrNotFound when missing.
	ChangeStatus(ctx context.Context, accountID, conversationID int64, ch convo.StatusChange) (convo.Conversation, error)
	// Assign sets the conversation's assignee (uuid.Nil unassigns), with an
	// activity message unless a.Quiet. ErrNotFound when missing.
	Assign(ctx context.Context, accountID, conversationID int64, a convo.Assignment) (convo.Conversation, error)
	// ChangeLabels adds, removes or replaces labels, with an activity
	// message unless ch.Quiet. ErrNotFound when missing.
	ChangeLabels(ctx context.Context, accountID, conversationID int64, ch convo.LabelChange) (convo.Conversation, error)
	// MarkRead records that an agent read the conversation now: it sets
	// agent_last_seen_at (and assignee_last_seen_at when agentID is the
	// assignee) and the unread count drops to 0. ErrNotFound when missing.
	MarkRead(ctx context.Context, accountID, conversationID int64, agentID uuid.UUID) (convo.Conversation, error)
	// MarkUnread rewinds agent_last_seen_at and assignee_last_seen_at to
	// just before the last incoming message (1µs before it), so that
	// message counts as unread again, for the assignee too; the unread
	// count and CountUnread follow in the same transaction. A conversation
	// with no incoming message is left as it is. ErrNotFound when missing.
	MarkUnread(ctx context.Context, accountID, conversationID int64) (convo.Conversation, error)

	// AddParticipants adds users and audiences to a conversation and
	// returns it as stored. One already there is left as it is. A nil user
	// id, an audience id <= 0, an id listed twice or an empty change is
	// ErrInvalid. ErrNotFound when the conversation is missing.
	AddParticipants(ctx context.Context, accountID, conversationID int64, ch convo.ParticipantChange) (convo.Conversation, error)
	// RemoveParticipants removes users and audiences from a conversation
	// and returns it as stored; one not there is ignored. The author is
	// always a participant: removing them is ErrInvalid. A removed user keeps
	// their read state, which counts again if they come back. Bad ids as
	// AddParticipants. ErrNotFound when the conversation is missing.
	RemoveParticipants(ctx context.Context, accountID, conversationID int64, ch convo.ParticipantChange) (convo.Conversation, error)
	// MarkSeen moves the viewer's read horizon in the conversation up to
	// the message: it and every message before it are seen. The horizon
	// never moves back (marking an older message changes nothing). It
	// returns the conversation as the viewer sees it. ErrNotFound when the
	// conversation is missing or the viewer does not take part in it, or
	// when the message is not one of the conversation's; a bad viewer is
	// ErrInvalid.
	MarkSeen(ctx context.Context, accountID, conversationID int64, viewer convo.Viewer, messageID int64) (convo.Conversation, error)
	// MarkUnseen rewinds the viewer's read horizon to just before the
	// message, so that it and every later message by others count as unseen
	// again. It never moves the horizon forward. Errors as MarkSeen.
	MarkUnseen(ctx context.Context, accountID, conversationID int64, viewer convo.Viewer, messageID int64) (convo.Conversation, error)
	// CountUnseen returns the viewer's unseen messages over every
	// conversation they take part in (directly or through an audience),
	// whatever its status. A bad viewer is ErrInvalid.
	CountUnseen(ctx context.Context, accountID int64, viewer convo.Viewer) (int, error)

	// AddMessage appends a message to a conversation and, in the same
	// transaction, moves the conversation's last activity and counters, the
	// unseen counts of its readers, and its author's read horizon to the
	// message (an author has seen what they wrote). An incoming message
	// reopens a resolved or snoozed conversation, unless it is muted: a
	// muted one stays as it is.
	// When in.SourceID is already used by a message of the same
	// conversation, that message is returned and nothing is written; used in
	// another conversation of the account, it is ErrConflict. A ContactID
	// other than the conversation's contact is ErrInvalid. ErrNotFound when
	// the conversation is missing.
	AddMessage(ctx context.Context, accountID, conversationID int64, in convo.NewMessage) (convo.Message, error)
	// AddMessages adds up to MaxBatch messages, to any conversations of the
	// account, in one transaction: all or nothing. Each item follows the
	// rules of AddMessage (a repeated source id returns the stored message);
	// a bad item is ErrInvalid naming it ("messages[3].content"), and so is
	// an empty batch ("messages"). The messages are returned in the order
	// given.
	AddMessages(ctx context.Context, accountID int64, batch []MessageTo) ([]convo.Message, error)
	// GetMessage returns one message, or ErrNotFound.
	GetMessage(ctx context.Context, accountID, messageID int64) (convo.Message, error)
	// GetMessageBySourceID returns the account's message with the source
	// id its channel gave it (unique in the account: see AddMessage), as
	// a channel's delivery and read receipts name a message by it. A blank
	// source id is ErrInvalid naming source_id; none is ErrNotFound.
	GetMessageBySourceID(ctx context.Context, accountID int64, sourceID string) (convo.Message, error)
	// UpdateMessage changes the fields set in the update and returns the
	// message as stored; the conversation's derived fields follow in the
	// same transaction. A delivery status moving backwards is ErrInvalid.
	// ErrNotFound when missing.
	UpdateMessage(ctx context.Context, accountID, messageID int64, up convo.MessageUpdate) (convo.Message, error)
	// MarkReceipt records a channel's receipt, which reports a moment: every
	// message sent to the contact in the conversation (outgoing or template,
	// not a private note) created at or before upTo whose status is behind
	// status, delivered or read, takes it. A failed message is left as it
	// is. It returns how many messages changed (the feed records each).
	// A status other than delivered or read is ErrInvalid naming status, a
	// zero upTo ErrInvalid naming up_to; ErrNotFound when the conversation
	// is missing.
	MarkReceipt(ctx context.Context, accountID, conversationID int64, status convo.MessageStatus, upTo time.Time) (int, error)
	// DeleteMessage leaves a tombstone in the message's place (see
	// convo.Message.DeletedAt) and returns its id; the conversation's
	// counters, unread and unseen counts and last non-activity message
	// follow in the same transaction. The tombstone keeps its source id,
	// so a channel's retry of the message returns the tombstone rather
	// than bringing it back (a purge frees the id). Deleting a tombstone
	// changes nothing. ErrNotFound when missing.
	DeleteMessage(ctx context.Context, accountID, messageID int64) (int64, error)
	// PurgeMessage removes a message and everything kept of it (its
	// reactions and versions) for good, as an erasure request asks, and
	// returns its id; a tombstone may be purged too. Its replies stay in
	// the timeline and are replies no longer; a reply purged leaves its
	// parent's reply count. ErrNotFound when missing.
	PurgeMessage(ctx context.Context, accountID, messageID int64) (int64, error)
	// ListReplies returns a page of the direct replies to a message, by
	// sequence number in f's order, as ListMessages does (f.TopLevel does
	// not apply). ErrNotFound when the message is missing or f.Viewer does
	// not take part in its conversation.
	ListReplies(ctx context.Context, accountID, messageID int64, f MessageFilter) (Page[convo.Message], error)
	// ListMessageVersions returns a message's edit history, oldest first:
	// the content each edit replaced (see convo.MessageVersion). None for
	// a message never edited; ErrNotFound when the message is missing.
	ListMessageVersions(ctx context.Context, accountID, messageID int64) ([]convo.MessageVersion, error)

	// AddReaction adds by's reaction to a message and returns the message
	// with its counts; adding a reaction by has already made changes
	// nothing. Any user of the host may react (as with authors, convo
	// does not check that they take part in the conversation). It does not move the conversation's last activity, unread
	// or unseen counts. A bad reaction (convo.ValidateReaction) or actor
	// (a user or the contact) is ErrInvalid; so is a new reaction on a
	// tombstone (CodeDeleted) or beyond convo.MaxReactionKinds different
	// ones (CodeOutOfRange). ErrNotFound when the message is missing.
	AddReaction(ctx context.Context, accountID, messageID int64, by convo.Actor, reaction string) (convo.Message, error)
	// RemoveReaction removes by's reaction from a message and returns the
	// message; removing one that is not there changes nothing. Errors as
	// AddReaction, but any message, a tombstone included, takes it.
	RemoveReaction(ctx context.Context, accountID, messageID int64, by convo.Actor, reaction string) (convo.Message, error)
	// ListReactions returns a page of a message's reactions, who made
	// them and when, by reaction then in the order they were added;
	// f.Reaction keeps one reaction's. ErrNotFound when the message is
	// missing.
	ListReactions(ctx context.Context, accountID, messageID int64, f ReactionFilter) (Page[convo.Reaction], error)
	// ListMessages returns a page of a conversation's messages, by sequence
	// number in the filter's order, tombstones in their place. A message
	// read with f.Viewer carries the viewer's own reactions. ErrNotFound
	// when the conversation is missing or f.Viewer does not take part in
	// it (a *convo.MergedError when it was merged into another); a cursor
	// from another conversation, order or filter is ErrInvalid.
	ListMessages(ctx context.Context, accountID, conversationID int64, f MessageFilter) (Page[convo.Message], error)
	// SearchMessages returns a page of the account's messages matching
	// f.Query (convo.ParseSearch's language, matched as Search in the
	// package doc says), each with its conversation and a snippet marking
	// the matches, newest first or by relevance, narrowed by f's other
	// fields. Private notes match only with
	// f.IncludePrivate. A blank or bad query, or a cursor from another
	// search order, is ErrInvalid; a query with nothing searchable in it
	// (only punctuation, say) finds nothing.
	SearchMessages(ctx context.Context, accountID int64, f MessageSearch) (Page[MessageHit], error)

	// Export calls fn with every record of the account, read from one
	// consistent snapshot: its contacts, then its conversations, then its
	// messages, each kind by id, then the reactions (by message, reaction,
	// then as ListReactions orders them) and the message versions (by
	// message, then version), then the read state of every user with a
	// read horizon, by conversation then user, then the saved views by
	// name, and last the redirects of merged conversations, by merged id.
	// fn runs while the snapshot is held: it
	// should write the record out, not call the store. An error from fn
	// stops the export and is returned as it is.
	Export(ctx context.Context, accountID int64, fn func(Record) error) error
	// Import writes records (Record.WithDefaults applied, with the store's
	// clock) into the account in one transaction, keeping their ids, UUIDs,
	// sequence numbers and timestamps, so that an export imported into an
	// empty store reads back exactly; derived counters are recomputed. With
	// opts.NewIDs every record gets a new id instead, and the references
	// follow (ImportStats maps the ids). A record may refer
	// only to a record before it or already in the account (a contact
	// before its conversations, a conversation before its messages and read
	// states, a message before its replies, reactions and versions); a
	// reference to another is ErrNotFound, and a reply to a message of
	// another conversation ErrInvalid naming reply_to_id. A message's
	// versions follow one another from 1 (another number is ErrInvalid
	// naming version); a tombstone takes no reactions or versions
	// (ErrInvalid, CodeDeleted), and a message no more than
	// convo.MaxReactionKinds different reactions. A read state sets the
	// user's horizon exactly (either way) in a conversation the import
	// writes to; elsewhere it is compared as below. Unseen counts are
	// recounted. A view replaces none: a view of the same name stored
	// otherwise is ErrConflict. A redirect goes into a conversation of the
	// account (before it or already stored; else ErrNotFound naming it);
	// its conversation_id must not be a conversation of the account
	// (ErrConflict), and a redirect of that id stored with another into_id
	// or merged_at is ErrConflict. Imported, a GetConversation or
	// ListMessages of the merged id returns a *convo.MergedError, as after
	// MergeConversations, and (without NewIDs) no conversation created
	// later takes the merged id. A record stored exactly as given is left alone, so
	// importing twice changes nothing; an id, UUID, email, identifier,
	// source id or sequence number already taken by another record, of any
	// account, or a read state stored with another horizon, is
	// ErrConflict. A bad record is
	// ErrInvalid naming its line ("line 7: messages.content"); an id,
	// sequence number or count above MaxImportedID (2^53-1) is a bad
	// record. Any error,
	// one yielded by records included, writes nothing. records is read
	// inside the write transaction: it must not call the store.
	Import(ctx context.Context, accountID int64, records iter.Seq2[Record, error], opts ImportOptions) (ImportStats, error)

	// Changes returns the account's changes after position after (0: from
	// the oldest change kept; FromNow: none yet, with Next at the newest),
	// oldest first, narrowed by f (see Change for what each call records).
	// A position older than what the feed still keeps is
	// convo.ErrChangesExpired: the reader has missed changes and must
	// resync. A position below FromNow is ErrInvalid naming "after"; one
	// beyond the newest change finds nothing (Next stays at it).
	Changes(ctx context.Context, accountID, after int64, f ChangeFilter) (ChangePage, error)
	// WaitChanges returns once the account may have changes after position
	// after: at once when it has, else when a change commits, in this
	// process or another one using the same database (Watch loops on it).
	// It may return early with nothing new; it returns the context's error
	// when the context ends first. It holds no database connection of the
	// store's pools while it waits.
	WaitChanges(ctx context.Context, accountID, after int64) error
	// AckChanges records that the durable consumer, named by the host,
	// has handled the account's changes up to position, creating the
	// consumer on first use. The position never moves back: acknowledging
	// an older one changes nothing. Changes are kept until every consumer of
	// the account has acknowledged them (up to MaxChangeRetention). A bad
	// name (ValidateConsumer) is ErrInvalid naming "consumer", a position
	// below 0 or beyond the newest change ErrInvalid naming "position".
	AckChanges(ctx context.Context, accountID int64, consumer string, position int64) error
	// AckedChanges returns the position the consumer last acknowledged:
	// where it resumes after a restart. 0 for a consumer never seen.
	AckedChanges(ctx context.Context, accountID int64, consumer string) (int64, error)
	// DropConsumer forgets a durable consumer, so that it no longer keeps
	// changes from expiring. One not there is ignored.
	DropConsumer(ctx context.Context, accountID int64, consumer string) error

	// Close releases the store's resources. It is safe to call more than
	// once; every other call after Close returns ErrClosed.
	Close() error
}
