package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

// TestRowCacheIsExact changes conversations, their contacts, labels,
// participants and last messages at random, through a store with the row
// cache and through a second store on the same file without one (a writer
// the first store never hears of), and after every change requires both
// stores to list exactly the same pages.
func TestRowCacheIsExact(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	clock := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	cached, err := sqlite.Open(path, sqlite.Options{Now: now, RowCache: 8}) // small: evictions too
	is.NoErr(err)
	defer cached.Close()
	plain, err := sqlite.Open(path, sqlite.Options{Now: now, RowCache: -1})
	is.NoErr(err)
	defer plain.Close()

	rng := rand.New(rand.NewPCG(7, 7))
	agent, user := uuid.New(), uuid.New()
	var contacts, conversations []int64
	var messages []int64
	for i := range 3 {
		c, err := cached.CreateContact(ctx, 1, convo.NewContact{FirstName: fmt.Sprintf("Contact %d", i)})
		is.NoErr(err)
		contacts = append(contacts, c.ID)
	}
	for i := range 12 {
		c, err := cached.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contacts[i%3],
			Channel: convo.ChannelEmail, HappenedAt: clock, Labels: []string{"a"}})
		is.NoErr(err)
		conversations = append(conversations, c.ID)
	}
	filters := []store.ConversationFilter{
		{Statuses: store.AllStatuses, Page: store.After("", 5)},
		{Statuses: store.AllStatuses, Page: store.PageNumber(2, 5)},
		{Assignee: store.AssigneeMine, Agent: agent, Page: store.After("", 50)},
		{Labels: []string{"b"}, Statuses: store.AllStatuses, Sort: store.SortCreatedAsc},
	}
	pick := func(ids []int64) int64 { return ids[rng.IntN(len(ids))] }
	for step := range 300 {
		clock = clock.Add(time.Second)
		s := store.Store(cached)
		if rng.IntN(2) == 0 {
			s = plain
		}
		conv := pick(conversations)
		var err error
		switch op := rng.IntN(10); op {
		case 0, 1:
			var m convo.Message
			typ := []convo.MessageType{convo.MessageIncoming, convo.MessageOutgoing, convo.MessageActivity}[rng.IntN(3)]
			m, err = s.AddMessage(ctx, 1, conv, convo.NewMessage{Type: typ, Content: fmt.Sprintf("m%d", step), AuthorID: user})
			if err == nil {
				messages = append(messages, m.ID)
			}
		case 2:
			if len(messages) > 0 && rng.IntN(2) == 0 {
				text := fmt.Sprintf("edited %d", step)
				_, err = s.UpdateMessage(ctx, 1, pick(messages), convo.MessageUpdate{Content: &text})
			} else if len(messages) > 0 {
				_, err = s.AddReaction(ctx, 1, pick(messages), convo.UserActor(user), "👍")
			}
		case 3:
			if len(messages) > 0 {
				i := rng.IntN(len(messages))
				id := messages[i]
				messages = append(messages[:i], messages[i+1:]...) // a tombstone takes no edits
				if rng.IntN(2) == 0 {
					_, err = s.DeleteMessage(ctx, 1, id)
				} else {
					_, err = s.PurgeMessage(ctx, 1, id)
				}
			}
		case 4:
			name := fmt.Sprintf("Renamed %d", step)
			_, err = s.UpdateContact(ctx, 1, pick(contacts), convo.ContactUpdate{FirstName: &name})
		case 5:
			_, err = s.ChangeLabels(ctx, 1, conv, convo.LabelChange{Add: []string{"b"}, Remove: []string{"a"}, Quiet: rng.IntN(2) == 0})
		case 6:
			ch := convo.ParticipantChange{UserIDs: []uuid.UUID{user}, AudienceIDs: []int64{int64(1 + rng.IntN(3))}}
			if rng.IntN(2) == 0 {
				_, err = s.AddParticipants(ctx, 1, conv, ch)
			} else {
				_, err = s.RemoveParticipants(ctx, 1, conv, ch)
			}
		case 7:
			_, err = s.ChangeStatus(ctx, 1, conv, convo.StatusChange{Toggle: true, Quiet: true})
		case 8:
			_, err = s.Assign(ctx, 1, conv, convo.Assignment{AssigneeID: agent, Quiet: true})
		case 9:
			_, err = s.MarkRead(ctx, 1, conv, agent)
		}
		if err != nil && !errorsIsNotFound(err) {
			t.Fatalf("step %d: %v", step, err)
		}
		for i, f := range filters {
			want, err := plain.ListConversations(ctx, 1, f)
			is.NoErr(err)
			got, err := cached.ListConversations(ctx, 1, f)
			is.NoErr(err)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("step %d, filter %d: the cached store lists\n%+v\nthe database says\n%+v", step, i, got, want)
			}
		}
	}
}

// errorsIsNotFound: a message deleted earlier in the run may be picked again.
func errorsIsNotFound(err error) bool { return errors.Is(err, convo.ErrNotFound) }
