package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// The feed against the records: random calls on a small account, each
// followed by a comparison of the changes it recorded with what the
// account's export says changed. This checks, for every mix of calls the
// seed produces, that the feed holds exactly what committed: a record
// created, deleted or changed records its change naming the changed
// fields, and nothing else is recorded.

// derived are the fields of exported records that follow from others or
// move with messages (store.Change: "the counters and last activity a
// message moves are not changes of their own"), and the update times:
// not named by a change. A contact's last_activity_at is named only when
// the call sets it (UpdateContact, MergeContacts): see setsLastActivity.
var derived = map[string][]string{
	store.KindContact: {"updated_at", "complete_name", "initials"},
	store.KindConversation: {"updated_at", "last_activity_at", "messages_count", "last_seq", "unread_count",
		"waiting_since", "first_reply_created_at", "last_incoming_at", "last_non_activity_message", "can_reply",
		"unseen_messages_count", "messages", "contact"},
	store.KindMessage:   {"updated_at", "seen", "contact_id"}, // always its conversation's contact
	store.KindReadState: {"unseen_count"},
}

// exported is an account's export, each record as its JSON fields, by
// kind and key (an id; conversation and user for a read state).
type exported map[string]map[string]map[string]any

func exportOf(t *testing.T, s store.Store, account int64) exported {
	t.Helper()
	out := exported{}
	for _, k := range []string{store.KindContact, store.KindConversation, store.KindMessage, store.KindReadState} {
		out[k] = map[string]map[string]any{}
	}
	err := s.Export(context.Background(), account, func(r store.Record) error {
		if _, ok := out[r.Kind()]; !ok {
			return nil // reactions and versions show in their message's counts
		}
		var v any
		var key string
		switch {
		case r.Contact != nil:
			v, key = r.Contact, fmt.Sprint(r.Contact.ID)
		case r.Conversation != nil:
			v, key = r.Conversation, fmt.Sprint(r.Conversation.ID)
		case r.Message != nil:
			v, key = r.Message, fmt.Sprint(r.Message.ID)
		case r.ReadState != nil:
			v, key = r.ReadState, fmt.Sprintf("%d/%s", r.ReadState.ConversationID, r.ReadState.UserID)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		fieldsOf := map[string]any{}
		if err := json.Unmarshal(b, &fieldsOf); err != nil {
			return err
		}
		for _, d := range derived[r.Kind()] {
			delete(fieldsOf, d)
		}
		out[r.Kind()][key] = fieldsOf
		return nil
	})
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return out
}

// changedFields names the fields on which a and b differ, sorted. A
// missing field (omitted as zero) and a zero one are alike.
func changedFields(a, b map[string]any) []string {
	var out []string
	for k := range a {
		if !sameJSON(a[k], b[k]) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok && !sameJSON(nil, b[k]) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func sameJSON(a, b any) bool {
	empty := func(v any) bool {
		switch v := v.(type) {
		case nil:
			return true
		case []any:
			return len(v) == 0
		case map[string]any:
			return len(v) == 0
		case string:
			return v == ""
		case float64:
			return v == 0
		case bool:
			return !v
		}
		return false
	}
	if empty(a) || empty(b) {
		return empty(a) && empty(b)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func idOf(fields map[string]any, name string) int64 {
	f, _ := fields[name].(float64)
	return int64(f)
}

// expectedChanges is what a call that took the account from before to
// after records, in no particular order. authored says the call added
// messages, whose authors' horizons move with them (part of their
// MessageCreated, not read state changes of their own).
func expectedChanges(before, after exported, authored, setsLastActivity bool) []entry {
	var out []entry
	for _, kind := range []string{store.KindContact, store.KindConversation, store.KindMessage} {
		for key, b := range before[kind] {
			a, ok := after[kind][key]
			switch {
			case !ok:
				out = append(out, changeOf(kind, "deleted", b, nil))
			default:
				fs := changedFields(b, a)
				if kind == store.KindContact && !setsLastActivity {
					fs = slices.DeleteFunc(fs, func(f string) bool { return f == "last_activity_at" })
				}
				if len(fs) > 0 {
					out = append(out, changeOf(kind, "updated", a, fs))
				}
			}
		}
		for key, a := range after[kind] {
			if _, ok := before[kind][key]; !ok {
				out = append(out, changeOf(kind, "created", a, nil))
			}
		}
	}
	// The messages of a deleted conversation go with it, unrecorded.
	gone := map[int64]bool{}
	for _, e := range out {
		if e.Kind == store.ConversationDeleted {
			gone[e.Conversation] = true
		}
	}
	out = slices.DeleteFunc(out, func(e entry) bool { return e.Kind == store.MessageDeleted && gone[e.Conversation] })
	if !authored {
		for key, a := range after[store.KindReadState] {
			// A horizon not there before stood at 0: nothing seen.
			b := before[store.KindReadState][key]
			if idOf(a, "seen_seq") != idOf(b, "seen_seq") {
				user, _ := uuid.Parse(a["user_id"].(string))
				out = append(out, entry{Kind: store.ReadStateUpdated, Conversation: idOf(a, "conversation_id"),
					User: user, SeenSeq: idOf(a, "seen_seq")})
			}
		}
	}
	return out
}

func changeOf(kind, what string, r map[string]any, fs []string) entry {
	e := entry{Kind: store.ChangeKind(kind + "." + what), Fields: fs}
	switch kind {
	case store.KindContact:
		e.Contact = idOf(r, "id")
	case store.KindConversation:
		e.Contact, e.Conversation = idOf(r, "contact_id"), idOf(r, "id")
	case store.KindMessage:
		e.Conversation, e.Message = idOf(r, "conversation_id"), idOf(r, "id")
	}
	return e
}

// testChangesModel runs random calls and checks each one's changes
// against the export.
func testChangesModel(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	seed := uint64(7)
	if v := os.Getenv("CONVO_FEED_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("CONVO_FEED_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("seed %d (CONVO_FEED_SEED)", seed)
	recorded := map[string]int{} // changes recorded, by call
	rng := rand.New(rand.NewPCG(seed, seed))
	clock := newFeedClock()
	s := newStore(t, clock.Now)
	users := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	pick := func(m map[string]map[string]any) (map[string]any, bool) {
		if len(m) == 0 {
			return nil, false
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return m[keys[rng.IntN(len(keys))]], true
	}
	ptr := func(s string) *string { return &s }
	statuses := []convo.Status{convo.StatusOpen, convo.StatusResolved, convo.StatusPending, convo.StatusSnoozed}
	source := 0

	for step := range 250 {
		before := exportOf(t, s, 1)
		from := head(t, s, 1)
		clock.Advance(time.Duration(rng.IntN(90)) * time.Minute)
		contact, hasContact := pick(before[store.KindContact])
		conv, hasConv := pick(before[store.KindConversation])
		msg, hasMsg := pick(before[store.KindMessage])
		cid, convID, msgID := idOf(contact, "id"), idOf(conv, "id"), idOf(msg, "id")
		user := users[rng.IntN(len(users))]
		// A reader of the message's conversation, when it has one.
		reader := user
		if in, ok := before[store.KindConversation][fmt.Sprint(idOf(msg, "conversation_id"))]; ok {
			if ids, _ := in["user_ids"].([]any); len(ids) > 0 && rng.IntN(4) != 0 {
				reader, _ = uuid.Parse(ids[rng.IntN(len(ids))].(string))
			}
		}
		authored := false
		var name string
		var err error
		switch op := rng.IntN(27); {
		case op == 0 || !hasContact:
			name = "CreateContact"
			_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: fmt.Sprintf("C%d", step), Blocked: rng.IntN(5) == 0})
		case op == 1 || !hasConv:
			name = "CreateConversation"
			in := convo.NewConversation{ContactID: cid, Channel: convo.ChannelEmail, HappenedAt: clock.Now()}
			if rng.IntN(2) == 0 {
				in.UserIDs = []uuid.UUID{user}
			}
			_, err = s.CreateConversation(ctx, 1, in)
		case op == 2:
			name = "UpdateContact"
			up := convo.ContactUpdate{}
			switch rng.IntN(5) {
			case 4:
				at := clock.Now().Add(-time.Duration(rng.IntN(2)) * time.Hour)
				up.LastActivityAt = &at
			case 0:
				up.FirstName = ptr(fmt.Sprintf("N%d", rng.IntN(3)))
			case 1:
				b := rng.IntN(2) == 0
				up.Blocked = &b
			case 2:
				up.Nickname = ptr([]string{"", "nick"}[rng.IntN(2)])
			default:
				a := convo.Attributes{"tier": []string{"a", "b"}[rng.IntN(2)]}
				up.CustomAttributes = &a
			}
			_, err = s.UpdateContact(ctx, 1, cid, up)
		case op == 3:
			name = "UpdateConversation"
			up := convo.ConversationUpdate{Quiet: rng.IntN(2) == 0}
			switch rng.IntN(3) {
			case 0:
				p := []convo.Priority{convo.PriorityNone, convo.PriorityLow, convo.PriorityHigh}[rng.IntN(3)]
				up.Priority = &p
			case 1:
				m := rng.IntN(2) == 0
				up.Muted = &m
			default:
				team := int64(rng.IntN(3))
				if team == 0 {
					team = 7
				}
				up.TeamID = &team
			}
			_, err = s.UpdateConversation(ctx, 1, convID, up)
		case op == 4 || op == 22:
			name = "ChangeStatus"
			ch := convo.StatusChange{Status: statuses[rng.IntN(len(statuses))], Quiet: rng.IntN(2) == 0}
			if ch.Status == convo.StatusSnoozed && rng.IntN(2) == 0 {
				// Past the end of the run: a snooze that ends is woken by
				// whatever call comes next, whose changes it joins (see
				// Records/SnoozeEnds and Merge/AfterASnoozeEnds).
				ch.SnoozedUntil = clock.Now().Add(1000 * time.Hour)
			}
			_, err = s.ChangeStatus(ctx, 1, convID, ch)
		case op == 5:
			name = "Assign"
			a := []uuid.UUID{uuid.Nil, users[0], users[1]}[rng.IntN(3)]
			_, err = s.Assign(ctx, 1, convID, convo.Assignment{AssigneeID: a, Quiet: rng.IntN(2) == 0})
		case op == 6:
			name = "ChangeLabels"
			_, err = s.ChangeLabels(ctx, 1, convID, convo.LabelChange{Add: []string{[]string{"vip", "billing"}[rng.IntN(2)]},
				Remove: []string{[]string{"vip", "spam"}[rng.IntN(2)]}, Quiet: rng.IntN(2) == 0})
		case op == 7:
			name = "MarkRead"
			_, err = s.MarkRead(ctx, 1, convID, users[rng.IntN(2)])
		case op == 8:
			name = "MarkUnread"
			_, err = s.MarkUnread(ctx, 1, convID)
		case op == 9:
			name = "AddParticipants"
			_, err = s.AddParticipants(ctx, 1, convID, convo.ParticipantChange{UserIDs: []uuid.UUID{user}})
		case op == 10:
			name = "RemoveParticipants"
			_, err = s.RemoveParticipants(ctx, 1, convID, convo.ParticipantChange{UserIDs: []uuid.UUID{user}, AudienceIDs: []int64{3}})
		case op == 11 && hasMsg:
			name = "MarkSeen"
			_, err = s.MarkSeen(ctx, 1, idOf(msg, "conversation_id"), convo.Viewer{UserID: reader}, msgID)
		case op == 12 && hasMsg:
			name = "MarkUnseen"
			_, err = s.MarkUnseen(ctx, 1, idOf(msg, "conversation_id"), convo.Viewer{UserID: reader}, msgID)
		case op == 13 && hasMsg:
			name = "UpdateMessage"
			up := convo.MessageUpdate{}
			switch rng.IntN(3) {
			case 0:
				up.Content = ptr(fmt.Sprintf("edit %d", rng.IntN(2)))
			case 1:
				st := []convo.MessageStatus{convo.StatusDelivered, convo.StatusRead}[rng.IntN(2)]
				up.Status = &st
			default:
				p := rng.IntN(2) == 0
				up.Private = &p
			}
			_, err = s.UpdateMessage(ctx, 1, msgID, up)
		case op == 14 && hasMsg:
			name = "DeleteMessage"
			_, err = s.DeleteMessage(ctx, 1, msgID)
		case op == 15 && rng.IntN(3) == 0:
			name = "DeleteConversation"
			_, err = s.DeleteConversation(ctx, 1, convID)
		case op == 16 && rng.IntN(4) == 0:
			name = "DeleteContact"
			err = s.DeleteContact(ctx, 1, cid, store.DeleteContactOptions{Cascade: rng.IntN(2) == 0})
		case op == 17 && len(before[store.KindContact]) > 1 && rng.IntN(2) == 0:
			name = "MergeContacts"
			other, _ := pick(before[store.KindContact])
			_, err = s.MergeContacts(ctx, 1, cid, idOf(other, "id"))
		case op == 18:
			name = "AddMessages"
			authored = true
			other, _ := pick(before[store.KindConversation])
			_, err = s.AddMessages(ctx, 1, []store.MessageTo{
				{ConversationID: convID, Message: text("batch a")},
				{ConversationID: idOf(other, "id"), Message: fromUser(user, "batch b")},
			})
		case op == 23 && hasMsg:
			name = "AddReaction"
			by := []convo.Actor{convo.UserActor(user), convo.ContactActor()}[rng.IntN(2)]
			_, err = s.AddReaction(ctx, 1, msgID, by, []string{"👍", "❤️"}[rng.IntN(2)])
		case op == 24 && hasMsg:
			name = "RemoveReaction"
			by := []convo.Actor{convo.UserActor(user), convo.ContactActor()}[rng.IntN(2)]
			_, err = s.RemoveReaction(ctx, 1, msgID, by, []string{"👍", "❤️"}[rng.IntN(2)])
		case op == 25 && hasMsg && rng.IntN(2) == 0:
			name = "PurgeMessage"
			_, err = s.PurgeMessage(ctx, 1, msgID)
		case op == 26 && hasMsg:
			name = "AddMessage" // a reply
			authored = true
			in := text(fmt.Sprintf("re %d", step))
			in.ReplyToID = msgID
			_, err = s.AddMessage(ctx, 1, idOf(msg, "conversation_id"), in)
		default:
			authored = true
			in := text(fmt.Sprintf("m%d", step))
			switch rng.IntN(4) {
			case 0:
				in = fromUser(user, in.Content)
			case 1:
				source++
				in.SourceID = fmt.Sprintf("src-%d", rng.IntN(source)) // sometimes a repeat
			}
			name = "AddMessage"
			_, err = s.AddMessage(ctx, 1, convID, in)
		}
		if err != nil && !errors.Is(err, convo.ErrInvalid) && !isNotFound(err) && !isConflict(err) {
			t.Fatalf("step %d, %s: %v", step, name, err)
		}
		after := exportOf(t, s, 1)
		got := readAll(t, s, 1, from, store.ChangeFilter{})
		want := expectedChanges(before, after, authored, name == "UpdateContact" || name == "MergeContacts")
		recorded[name] += len(got)
		g := entriesOf(got)
		key := func(a, b entry) int { return strings.Compare(a.String(), b.String()) }
		slices.SortFunc(g, key)
		slices.SortFunc(want, key)
		if !sameEntries(g, want) {
			t.Fatalf("step %d, %s (err %v): the feed says\n  %v\nthe records say\n  %v", step, name, err, g, want)
		}
	}
	t.Logf("changes recorded by call: %v", recorded)
}
