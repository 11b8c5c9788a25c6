// Command inbox runs a support inbox on convo: conversations arrive, the
// inbox is filtered and counted, paged by number and by cursor, agents take
// conversations, label, reply, snooze, resolve and merge them, and unread
// counts follow. It keeps its database in a temporary directory, or in the
// file named by its first argument.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
	"github.com/convokit/convo/store"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		log.Fatal(err)
	}
}

const account = 1

// The agents of the support team: users of the host application.
var (
	me       = uuid.MustParse("00000000-0000-4000-8000-00000000000a")
	teammate = uuid.MustParse("00000000-0000-4000-8000-00000000000b")
)

func run(ctx context.Context, args []string) error {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("convo-inbox-%d.db", os.Getpid()))
	if len(args) > 0 {
		path = args[0]
	} else {
		defer os.Remove(path)
	}
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		return err
	}
	defer s.Close()

	ids, err := arrive(ctx, s)
	if err != nil {
		return err
	}

	fmt.Println("== the inbox as it opens")
	if err := counts(ctx, s, store.ConversationFilter{Agent: me}); err != nil {
		return err
	}

	fmt.Println("== I take the two oldest unassigned conversations; a teammate takes one")
	unassigned, err := s.ListConversations(ctx, account, store.ConversationFilter{
		Assignee: store.AssigneeUnassigned, Sort: store.SortCreatedAsc, Page: store.PageNumber(1, 3)})
	if err != nil {
		return err
	}
	for i, c := range unassigned.Items {
		agent := me
		if i == 2 {
			agent = teammate
		}
		if _, err := s.Assign(ctx, account, c.ID, convo.Assignment{AssigneeID: agent}); err != nil {
			return err
		}
	}
	if err := counts(ctx, s, store.ConversationFilter{Agent: me}); err != nil {
		return err
	}

	fmt.Println("== labels: billing questions")
	for _, id := range []int64{ids[0], ids[3]} {
		if _, err := s.ChangeLabels(ctx, account, id, convo.LabelChange{Add: []string{"billing"}}); err != nil {
			return err
		}
	}
	billing, err := s.ListConversations(ctx, account, store.ConversationFilter{Labels: []string{"billing"}})
	if err != nil {
		return err
	}
	show(billing.Items)

	fmt.Println("== mine: I read one and reply to another")
	mine := store.ConversationFilter{Assignee: store.AssigneeMine, Agent: me}
	unread, err := s.CountUnread(ctx, account, me)
	if err != nil {
		return err
	}
	fmt.Printf("conversations with unread messages: %d\n", unread)
	page, err := s.ListConversations(ctx, account, mine)
	if err != nil {
		return err
	}
	if _, err := s.MarkRead(ctx, account, page.Items[0].ID, me); err != nil {
		return err
	}
	reply := convo.NewMessage{Type: convo.MessageOutgoing, AuthorID: me, Content: "Thanks, we're on it."}
	if _, err := s.AddMessage(ctx, account, page.Items[1].ID, reply); err != nil {
		return err
	}
	if unread, err = s.CountUnread(ctx, account, me); err != nil {
		return err
	}
	fmt.Printf("after reading one: %d; unattended (no reply yet):\n", unread)
	unattended, err := s.ListConversations(ctx, account, store.ConversationFilter{Unattended: true, Sort: store.SortWaitingSinceAsc})
	if err != nil {
		return err
	}
	show(unattended.Items)
	if _, err := s.MarkUnread(ctx, account, page.Items[0].ID); err != nil {
		return err
	}
	if unread, err = s.CountUnread(ctx, account, me); err != nil {
		return err
	}
	fmt.Printf("marked unread again: %d\n", unread)

	fmt.Println("== status changes: resolve, pend, snooze until tomorrow")
	changes := []convo.StatusChange{
		{Status: convo.StatusResolved},
		{Status: convo.StatusPending},
		{Status: convo.StatusSnoozed, SnoozedUntil: time.Now().Add(24 * time.Hour)},
	}
	for i, ch := range changes {
		c, err := s.ChangeStatus(ctx, account, ids[i], ch)
		if err != nil {
			return err
		}
		fmt.Printf("#%d is %s\n", c.ID, c.Status)
	}
	if err := counts(ctx, s, store.ConversationFilter{Agent: me}); err != nil {
		return err
	}
	if err := counts(ctx, s, store.ConversationFilter{Agent: me, Statuses: store.AllStatuses}); err != nil {
		return err
	}

	fmt.Println("== an incoming message reopens the resolved conversation")
	if _, err := s.AddMessage(ctx, account, ids[0], convo.NewMessage{Type: convo.MessageIncoming, Content: "One more thing..."}); err != nil {
		return err
	}
	c, err := s.GetConversation(ctx, account, ids[0], store.GetConversationOptions{Messages: 3})
	if err != nil {
		return err
	}
	fmt.Printf("#%d is %s again; its last messages:\n", c.ID, c.Status)
	for _, m := range c.Messages {
		fmt.Printf("  %d. [%s] %s\n", m.Seq, m.Type, m.Content)
	}

	fmt.Println("== Ada opens a second thread about the same invoice: merge it into the first")
	second, err := s.CreateConversation(ctx, account, convo.NewConversation{ContactID: c.ContactID, Channel: convo.ChannelWeb,
		InboxID: 3, HappenedAt: time.Now(), Labels: []string{"urgent"}})
	if err != nil {
		return err
	}
	if _, err := s.AddMessage(ctx, account, second.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: "Did you see my email about the invoice?"}); err != nil {
		return err
	}
	if c, err = s.MergeConversations(ctx, account, c.ID, second.ID); err != nil {
		return err
	}
	fmt.Printf("#%d now has %d messages, labels %v; the newest:\n", c.ID, c.MessagesCount, c.Labels)
	newest, err := s.ListMessages(ctx, account, c.ID, store.MessageFilter{Order: store.NewestFirst, Page: store.After("", 2)})
	if err != nil {
		return err
	}
	for _, m := range newest.Items {
		fmt.Printf("  %d. [%s] %s\n", m.Seq, m.Type, m.Content)
	}
	var merged *convo.MergedError
	if _, err := s.GetConversation(ctx, account, second.ID, store.GetConversationOptions{}); errors.As(err, &merged) {
		fmt.Printf("#%d: merged into #%d\n", merged.ConversationID, merged.IntoID)
	}

	fmt.Println("== a custom view, in Chatwoot's JSON form, saved by name: enterprise customers not yet resolved")
	conditions, err := store.ParseConditions([]byte(`{"payload": [
		{"attribute_key": "plan", "custom_attribute_type": "conversation_attribute",
		 "filter_operator": "equal_to", "values": ["enterprise"], "query_operator": "and"},
		{"attribute_key": "status", "filter_operator": "not_equal_to", "values": ["resolved"]}]}`))
	if err != nil {
		return err
	}
	if _, err := s.SaveView(ctx, account, store.View{Name: "Enterprise, unresolved", Conditions: conditions}); err != nil {
		return err
	}
	view := store.ConversationFilter{View: "Enterprise, unresolved", Agent: me, Page: store.PageNumber(1, 25)}
	listed, err := s.ListConversations(ctx, account, view)
	if err != nil {
		return err
	}
	show(listed.Items)
	vc, err := s.CountConversations(ctx, account, view)
	if err != nil {
		return err
	}
	fmt.Printf("the view: mine %d, unassigned %d, assigned %d, all %d\n", vc.Mine, vc.Unassigned, vc.Assigned, vc.All)

	fmt.Println("== every status, by page number (3 per page)")
	all := store.ConversationFilter{Statuses: store.AllStatuses, Sort: store.SortCreatedAsc}
	for n := 1; ; n++ {
		all.Page = store.PageNumber(n, 3)
		page, err := s.ListConversations(ctx, account, all)
		if err != nil {
			return err
		}
		fmt.Printf("page %d of %d (items %d-%d of %d):", page.Meta.CurrentPage, page.Meta.LastPage, page.Meta.From, page.Meta.To, page.Meta.Total)
		for _, c := range page.Items {
			fmt.Printf(" #%d", c.ID)
		}
		fmt.Println()
		if n >= page.Meta.LastPage {
			break
		}
	}

	fmt.Println("== the same by cursor, the way a feed scrolls (cost the same at any depth)")
	all.Page = store.After("", 3)
	for {
		page, err := s.ListConversations(ctx, account, all)
		if err != nil {
			return err
		}
		for _, c := range page.Items {
			fmt.Printf(" #%d", c.ID)
		}
		if page.Next == "" {
			break
		}
		all.Page = store.After(page.Next, 3)
	}
	fmt.Println()

	fmt.Println("== or with an iterator, which pages by cursor for you")
	all.Page = store.Paging{}
	for c, err := range store.Conversations(ctx, s, account, all) {
		if err != nil {
			return err
		}
		fmt.Printf(" #%d/%s", c.ID, c.Status)
	}
	fmt.Println()
	return nil
}

// arrive creates the contacts and the conversations that reach the inbox,
// each with the contact's first message, and returns their ids, oldest first.
func arrive(ctx context.Context, s store.Store) ([]int64, error) {
	arrivals := []struct {
		first, last string
		channel     convo.Channel
		inbox       int64
		plan        string // a custom attribute, for the custom view
		text        string
	}{
		{"Ada", "Lovelace", convo.ChannelEmail, 1, "enterprise", "My invoice shows the wrong address."},
		{"Grace", "Hopper", convo.ChannelWhatsApp, 2, "pro", "Is my order on its way?"},
		{"Alan", "Turing", convo.ChannelEmail, 1, "free", "How do I reset my password?"},
		{"Katherine", "Johnson", convo.ChannelWeb, 3, "enterprise", "Can I get a refund for last month?"},
		{"Edsger", "Dijkstra", convo.ChannelSMS, 2, "Enterprise", "The app crashes on start."},
	}
	var ids []int64
	for _, a := range arrivals {
		contact, err := s.CreateContact(ctx, account, convo.NewContact{FirstName: a.first, LastName: a.last})
		if err != nil {
			return nil, err
		}
		conv, err := s.CreateConversation(ctx, account, convo.NewConversation{
			ContactID: contact.ID, Channel: a.channel, InboxID: a.inbox, HappenedAt: time.Now(),
			CustomAttributes: convo.Attributes{"plan": a.plan}})
		if err != nil {
			return nil, err
		}
		if _, err := s.AddMessage(ctx, account, conv.ID, convo.NewMessage{Type: convo.MessageIncoming, Content: a.text}); err != nil {
			return nil, err
		}
		ids = append(ids, conv.ID)
	}
	return ids, nil
}

// counts prints the four counts of the inbox's tabs for a filter.
func counts(ctx context.Context, s store.Store, f store.ConversationFilter) error {
	c, err := s.CountConversations(ctx, account, f)
	if err != nil {
		return err
	}
	which := "open"
	if len(f.Statuses) > 0 {
		which = "any status"
	}
	fmt.Printf("%s: mine %d, unassigned %d, assigned %d, all %d\n", which, c.Mine, c.Unassigned, c.Assigned, c.All)
	return nil
}

// show prints one line per conversation.
func show(list []convo.Conversation) {
	for _, c := range list {
		assignee := "nobody"
		switch c.AssigneeID {
		case me:
			assignee = "me"
		case teammate:
			assignee = "teammate"
		}
		fmt.Printf("  #%d %-18s %-8s %-6s inbox %d, %s, labels %v, %d unread\n",
			c.ID, c.Contact.CompleteName(), c.Channel, c.Status, c.InboxID, assignee, c.Labels, c.UnreadCount)
	}
}
