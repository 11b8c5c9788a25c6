package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// NastySearches are search texts full of query syntax of every kind: each
// must give results or none, never an error.
var NastySearches = []string{
	`"foo`, `foo"`, `"`, `""`, `"""`, `NEAR(`, `NEAR(a b)`, `a OR`, `OR`, `AND`, `NOT`, `a NOT b`, `-x`, `+x`,
	`col:val`, `content:alpha`, `*`, `**`, `a*b`, `*a`, `^a`, `(`, `)`, `()`, `{a b}`, `[a]`, `a AND OR b`,
	`'`, `''`, `\`, `\"`, `%`, `_`, `;DROP TABLE messages;--`, `alpha"beta`, `"alpha" "`, `"alpha"*`, `alpha:`,
	`:`, `rank:1`, `rowid:1`, `*alpha*`, `a - b`, "\t\n ", `é`, `日本語`, `🙂`, `NEAR("a" "b", 3)`, `a + b`, `'alpha'`,
}

// searchVocabulary is the words of the search tests' messages.
var searchVocabulary = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"}

func testSearch(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("ListConversations/QueryMatchesMessages", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		a := f.conversation(t, convo.NewConversation{})
		b := f.conversation(t, convo.NewConversation{})
		c := f.conversation(t, convo.NewConversation{})
		f.message(t, a.ID, text("My invoice shows the wrong Address"))
		f.message(t, b.ID, text("Where is my parcel?"))
		f.message(t, c.ID, text("The café's invoices"))
		_, err := f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: convo.StatusResolved, Quiet: true})
		is.NoErr(err)
		ids := func(fl store.ConversationFilter) []int64 {
			page, err := f.s.ListConversations(ctx, 1, fl)
			is.NoErr(err)
			got := []int64{}
			for _, c := range page.Items {
				got = append(got, c.ID)
			}
			return got
		}
		is.Equal(ids(store.ConversationFilter{Query: "invoice"}), []int64{a.ID})                               // a whole word, whatever its case; every status
		is.Equal(ids(store.ConversationFilter{Query: "invoice*"}), []int64{c.ID, a.ID})                        // a prefix; resolved included
		is.Equal(ids(store.ConversationFilter{Query: "INVOICE* cafe"}), []int64{c.ID})                         // every term; café's is café and s, accents folded
		is.Equal(ids(store.ConversationFilter{Query: `"wrong address"`}), []int64{a.ID})                       // a phrase
		is.Equal(ids(store.ConversationFilter{Query: `"address wrong"`}), []int64{})                           // in its order
		is.Equal(ids(store.ConversationFilter{Query: "invoice*", Statuses: []convo.Status{convo.StatusOpen}}), // an explicit status applies
			[]int64{a.ID})
		is.Equal(ids(store.ConversationFilter{Query: "   "}), []int64{b.ID, a.ID}) // blank: no search, open only
		counts, err := f.s.CountConversations(ctx, 1, store.ConversationFilter{Query: "invoice*"})
		is.NoErr(err)
		is.Equal(counts.All, 2) // counts follow the search
	})

	t.Run("ListConversations/QueryAgainstFullScan", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		r := rand.New(rand.NewPCG(5, 3))
		statuses := store.AllStatuses
		var all []convo.Conversation
		for i := range 40 {
			in := convo.NewConversation{InboxID: int64(1 + r.IntN(2)), Labels: []string{fmt.Sprintf("l%d", r.IntN(3))}}
			if r.IntN(2) == 0 {
				in.AssigneeID = f.agent
			}
			c := f.conversation(t, in)
			for range r.IntN(4) {
				f.clock.Advance(time.Duration(1+r.IntN(90)) * time.Second)
				m := text(randomText(r, 3))
				m.Private = r.IntN(5) == 0
				if m.Private {
					m.Type, m.AuthorID = convo.MessageOutgoing, f.agent
				}
				f.message(t, c.ID, m)
			}
			if st := statuses[r.IntN(len(statuses))]; st != convo.StatusOpen && st != convo.StatusSnoozed {
				_, err := f.s.ChangeStatus(ctx, 1, c.ID, convo.StatusChange{Status: st, Quiet: true})
				is.NoErr(err)
			}
			f.clock.Advance(time.Duration(i%3) * time.Second)
			all = append(all, c)
		}
		// Later messages in random conversations: a conversation's matches
		// then lie on both sides of a page's cursor.
		for range 60 {
			f.clock.Advance(time.Duration(1+r.IntN(30)) * time.Second)
			f.message(t, all[r.IntN(len(all))].ID, text(randomText(r, 3)))
		}
		filters := []store.ConversationFilter{
			{Query: "alpha"},
			{Query: "alpha", IncludePrivate: true},
			{Query: "bravo charlie"},
			{Query: "de*"},
			{Query: "golf", Statuses: []convo.Status{convo.StatusOpen}},
			{Query: "echo", InboxID: 2},
			{Query: "hotel", Labels: []string{"l1"}},
			{Query: "india", Assignee: store.AssigneeMine, Agent: f.agent},
			{Query: "juliet", Assignee: store.AssigneeUnassigned},
			{Query: "alpha*", Unattended: true},
			{Query: "zulu"},
		}
		for _, fl := range filters {
			for so := store.SortLastActivityDesc; so.Valid(); so++ {
				fl.Sort = so
				want := searchFullScan(t, f.s, fl)
				is.Equal(collectKeyset(t, f.s, fl, 4), want)      // keyset pages in the list's order
				is.Equal(collectNumbered(t, f.s, fl, 3), want)    // numbered pages too
				counts, err := f.s.CountConversations(ctx, 1, fl) // counts over every match
				is.NoErr(err)
				fl.Assignee = store.AssigneeAll
				is.Equal(counts.All, len(searchFullScan(t, f.s, fl)))
			}
		}
	})

	t.Run("ListConversations/PrivateNotesAndOtherAccounts", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		mustAddMessage(t, s, 1, conv.ID, convo.NewMessage{Type: convo.MessageOutgoing, Private: true, Content: "internal kumquat"})
		c2 := mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Mallory"})
		conv2 := mustCreateConversation(t, s, 2, c2.ID)
		mustAddMessage(t, s, 2, conv2.ID, text("foreign kumquat"))
		page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Query: "kumquat"})
		is.NoErr(err)
		is.Equal(len(page.Items), 0) // a private note does not match by default
		page, err = s.ListConversations(ctx, 1, store.ConversationFilter{Query: "kumquat", IncludePrivate: true})
		is.NoErr(err)
		is.Equal(len(page.Items), 1) // it does for callers allowed to see it
		is.Equal(page.Items[0].ID, conv.ID)
		is.Equal(page.Meta.Total, 1) // and account 2's message never does
		hits, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "kumquat", IncludePrivate: true})
		is.NoErr(err)
		is.Equal(len(hits.Items), 1) // the same for message search
		is.Equal(hits.Items[0].Message.AccountID, int64(1))
	})

	// A backend may search a small account's own rows only (SQLite names
	// an account holding under an eighth of the conversations in its
	// MATCH): its results must be those of the account alone in the store.
	t.Run("Query/SmallAccountBesideALargeOne", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		small := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada"})
		var convs []int64
		for range 3 {
			convs = append(convs, mustCreateConversation(t, s, 1, small.ID).ID)
		}
		large := mustCreateContact(t, s, 2, convo.NewContact{FirstName: "Bob"})
		var batch []store.MessageTo
		for i := range 40 {
			c := mustCreateConversation(t, s, 2, large.ID)
			batch = append(batch, store.MessageTo{ConversationID: c.ID, Message: text(fmt.Sprintf("kumquat %d and kumquats", i))})
		}
		_, err := s.AddMessages(ctx, 2, batch)
		is.NoErr(err)
		var want []int64 // account 1's public matches of "kumquat", oldest first
		for i, content := range []string{"a kumquat here", "nothing to see", "kumquat again", "only kumquats", "kumquat last"} {
			m := mustAddMessage(t, s, 1, convs[i%3], text(content))
			if contractMatches(content, "kumquat", false) {
				want = append(want, m.ID)
			}
		}
		mustAddMessage(t, s, 1, convs[1], convo.NewMessage{Type: convo.MessageOutgoing, Private: true, Content: "kumquat note"})
		slices.Reverse(want)
		hitIDs := func(q string, order store.SearchOrder) []int64 {
			t.Helper()
			page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: q, Order: order})
			is.NoErr(err)
			ids := []int64{}
			for _, h := range page.Items {
				is.Equal(h.Message.AccountID, int64(1)) // the account's own messages
				ids = append(ids, h.Message.ID)
			}
			return ids
		}
		is.Equal(hitIDs("kumquat", store.SearchNewestFirst), want) // exactly the account's matches, newest first
		relevance := hitIDs("kumquat", store.SearchRelevance)
		slices.Sort(relevance)
		sorted := slices.Sorted(slices.Values(want))
		is.Equal(relevance, sorted)                                          // the same matches by relevance
		is.Equal(len(hitIDs("kumq*", store.SearchNewestFirst)), len(want)+1) // a prefix finds "kumquats" too
		is.Equal(len(hitIDs("nothing", store.SearchNewestFirst)), 1)         // a word of one message
		is.Equal(len(hitIDs("1", store.SearchNewestFirst)), 0)               // the account's id is no word

		q := store.ConversationFilter{Query: "kumquat"}
		wantConvs := searchFullScan(t, s, q)
		is.Equal(len(wantConvs), 3)                      // all three conversations match
		is.Equal(collectKeyset(t, s, q, 1), wantConvs)   // keyset pages of one
		is.Equal(collectNumbered(t, s, q, 2), wantConvs) // numbered pages
		counts, err := s.CountConversations(ctx, 1, q)
		is.NoErr(err)
		is.Equal(counts.All, 3) // the account's conversations only

		page, err := s.SearchMessages(ctx, 2, store.MessageSearch{Query: "kumquat", Page: store.PageNumber(1, 50)})
		is.NoErr(err)
		is.Equal(page.Meta.Total, 40) // the large account's own, none of the small one's
	})

	t.Run("ListConversations/ViewerSeesOnlyTheirConversations", func(t *testing.T) {
		is := is.New(t)
		s, contact, _ := seeded(t, newStore)
		ann, bob := uuid.New(), uuid.New()
		mine, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelWeb,
			HappenedAt: fixedTime, AuthorID: ann})
		is.NoErr(err)
		viaAudience, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelWeb,
			HappenedAt: fixedTime, AuthorID: bob, AudienceIDs: []int64{7}})
		is.NoErr(err)
		theirs, err := s.CreateConversation(ctx, 1, convo.NewConversation{ContactID: contact.ID, Channel: convo.ChannelWeb,
			HappenedAt: fixedTime, AuthorID: bob})
		is.NoErr(err)
		for _, c := range []convo.Conversation{mine, viaAudience, theirs} {
			mustAddMessage(t, s, 1, c.ID, text("persimmon season"))
		}
		ids := func(page store.Page[convo.Conversation]) []int64 {
			var list []int64
			for _, c := range page.Items {
				list = append(list, c.ID)
			}
			slices.Sort(list)
			return list
		}
		annView := convo.Viewer{UserID: ann, AudienceIDs: []int64{7}}
		for _, sort := range []store.ConversationSort{store.SortLastActivityDesc, store.SortCreatedAsc} {
			page, err := s.ListConversations(ctx, 1, store.ConversationFilter{Query: "persimmon", Viewer: &annView, Sort: sort})
			is.NoErr(err)
			is.Equal(ids(page), []int64{mine.ID, viaAudience.ID}) // directly and through an audience, not bob's own
			is.Equal(page.Meta.Total, 2)                          // counts follow the viewer
		}
		hits, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "persimmon", Viewer: &annView, Page: store.PageNumber(1, 10)})
		is.NoErr(err)
		is.Equal(hits.Meta.Total, 2) // message search too
		for _, h := range hits.Items {
			is.True(h.ConversationID != theirs.ID) // never a conversation the viewer is not in
		}
		_, err = s.SearchMessages(ctx, 1, store.MessageSearch{Query: "persimmon", Viewer: &convo.Viewer{}})
		is.True(errors.Is(err, convo.ErrInvalid)) // a viewer without a user
	})

	t.Run("SearchMessages/EditedAndDeletedMessagesForgetTheirWords", func(t *testing.T) {
		is := is.New(t)
		s, contact, conv := seeded(t, newStore)
		m := mustAddMessage(t, s, 1, conv.ID, text("the quince arrived"))
		other := mustAddMessage(t, s, 1, conv.ID, text("a second quince"))
		count := func(q string) int {
			page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: q, Page: store.PageNumber(1, 10)})
			is.NoErr(err)
			return page.Meta.Total
		}
		is.Equal(count("quince"), 2)
		content := "the medlar arrived"
		_, err := s.UpdateMessage(ctx, 1, m.ID, convo.MessageUpdate{Content: &content})
		is.NoErr(err)
		is.Equal(count("quince"), 1) // the edited message no longer matches its old words
		is.Equal(count("medlar"), 1) // but its new ones
		_, err = s.DeleteMessage(ctx, 1, other.ID)
		is.NoErr(err)
		is.Equal(count("quince"), 0) // a deleted message matches nothing
		_, err = s.DeleteConversation(ctx, 1, conv.ID)
		is.NoErr(err)
		is.Equal(count("medlar"), 0) // nor do a deleted conversation's
		conv2 := mustCreateConversation(t, s, 1, contact.ID)
		mustAddMessage(t, s, 1, conv2.ID, text("loquat"))
		is.Equal(count("loquat"), 1)
		is.NoErr(s.DeleteContact(ctx, 1, contact.ID, store.DeleteContactOptions{Cascade: true}))
		is.Equal(count("loquat"), 0) // nor a deleted contact's
	})

	t.Run("SearchMessages/SnippetsAndFilters", func(t *testing.T) {
		is := is.New(t)
		f := newInbox(t, newStore)
		a := f.conversation(t, convo.NewConversation{})
		other := mustCreateContact(t, f.s, 1, convo.NewContact{FirstName: "Other"})
		b := f.conversation(t, convo.NewConversation{ContactID: other.ID})
		m1 := f.message(t, a.ID, text("Hello, my Parcel never arrived and the parcel tracking is broken"))
		f.clock.Advance(time.Minute)
		m2 := f.message(t, a.ID, convo.NewMessage{Type: convo.MessageOutgoing, AuthorID: f.agent, Content: "Your parcel is on its way"})
		f.clock.Advance(time.Minute)
		m3 := f.message(t, b.ID, text("parcel?"))
		f.clock.Advance(time.Minute)
		f.message(t, b.ID, convo.NewMessage{Type: convo.MessageOutgoing, AuthorID: f.other, Private: true, Content: "parcel note"})
		search := func(ms store.MessageSearch) []int64 {
			t.Helper()
			page, err := f.s.SearchMessages(ctx, 1, ms)
			is.NoErr(err)
			got := []int64{}
			for _, h := range page.Items {
				is.Equal(h.ConversationID, h.Message.ConversationID) // the hit names its conversation
				got = append(got, h.Message.ID)
			}
			return got
		}
		is.Equal(search(store.MessageSearch{Query: "parcel"}), []int64{m3.ID, m2.ID, m1.ID})                      // newest first, no private note
		is.Equal(len(search(store.MessageSearch{Query: "parcel", IncludePrivate: true})), 4)                      // with it when allowed
		is.Equal(search(store.MessageSearch{Query: "parcel", ConversationID: a.ID}), []int64{m2.ID, m1.ID})       // one conversation
		is.Equal(search(store.MessageSearch{Query: "parcel", ContactID: other.ID}), []int64{m3.ID})               // one contact
		is.Equal(search(store.MessageSearch{Query: "parcel", SenderType: convo.SenderUser}), []int64{m2.ID})      // by sender type
		is.Equal(search(store.MessageSearch{Query: "parcel", AuthorID: f.agent}), []int64{m2.ID})                 // by author
		is.Equal(search(store.MessageSearch{Query: "parcel", Types: []convo.MessageType{convo.MessageIncoming}}), // by type
			[]int64{m3.ID, m1.ID})
		is.Equal(search(store.MessageSearch{Query: "parcel", Since: m2.CreatedAt, Until: m3.CreatedAt}), []int64{m2.ID}) // by date
		often := f.message(t, b.ID, text("kiwi kiwi kiwi pear"))
		f.clock.Advance(time.Minute)
		once := f.message(t, b.ID, text("kiwi pear pear pear"))
		is.Equal(search(store.MessageSearch{Query: "kiwi", Order: store.SearchRelevance}), []int64{often.ID, once.ID}) // as many words, kiwi more often: the better match first
		is.Equal(search(store.MessageSearch{Query: "kiwi"}), []int64{once.ID, often.ID})                               // else the newest
		same := f.message(t, b.ID, text("kiwi kiwi kiwi pear"))
		is.Equal(search(store.MessageSearch{Query: "kiwi", Order: store.SearchRelevance}), // equal matches, the newest first
			[]int64{same.ID, often.ID, once.ID})

		page, err := f.s.SearchMessages(ctx, 1, store.MessageSearch{Query: "tracking"})
		is.NoErr(err)
		is.Equal(len(page.Items), 1)
		is.True(strings.Contains(page.Items[0].Snippet, "<b>tracking</b>")) // default markers
		page, err = f.s.SearchMessages(ctx, 1, store.MessageSearch{Query: "parc*", ConversationID: a.ID, SnippetStart: "[", SnippetEnd: "]"})
		is.NoErr(err)
		is.Equal(page.Items[1].Snippet, "Hello, my [Parcel] never arrived and the [parcel] tracking is broken") // no more words than the default: whole, as stored, each match marked
		page, err = f.s.SearchMessages(ctx, 1, store.MessageSearch{Query: `"parcel tracking"`, SnippetStart: "[", SnippetEnd: "]"})
		is.NoErr(err)
		is.Equal(page.Items[0].Snippet, "Hello, my Parcel never arrived and the [parcel tracking] is broken") // a phrase is one match
		page, err = f.s.SearchMessages(ctx, 1, store.MessageSearch{Query: "parcel", ConversationID: a.ID, SnippetWords: 3})
		is.NoErr(err)
		checkSnippet(t, m1.Content, page.Items[1].Snippet, "parcel", store.DefaultSnippetStart, store.DefaultSnippetEnd, 3) // a short snippet marks what it leaves out
	})

	t.Run("SearchMessages/SnippetForm", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		contents := []string{
			"¡Hola! Where is my parcel? I ordered it a week ago, the parcel number is 1234, and nobody answers the phone.",
			"one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty parcel",
			"Parcel: the first word, then twenty-one more words follow it here so that a short snippet has to leave out the end of the text for sure.",
			"a parcel",
		}
		for _, c := range contents {
			mustAddMessage(t, s, 1, conv.ID, text(c))
		}
		for _, n := range []int{0, 1, 2, 3, 5, 8, store.MaxSnippetWords} {
			for _, q := range []string{"parcel", "PARC*"} {
				page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: q, SnippetStart: "[", SnippetEnd: "]", SnippetWords: n,
					Page: store.PageNumber(1, 10)})
				is.NoErr(err)
				is.Equal(len(page.Items), len(contents)) // every message holds a match
				for _, h := range page.Items {
					checkSnippet(t, h.Message.Content, h.Snippet, q, "[", "]", cmp.Or(n, store.DefaultSnippetWords))
				}
			}
		}
	})

	t.Run("SearchMessages/Paging", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		r := rand.New(rand.NewPCG(9, 9))
		var batch []store.MessageTo
		for range 60 {
			batch = append(batch, store.MessageTo{ConversationID: conv.ID, Message: text(randomText(r, 4))})
		}
		_, err := s.AddMessages(ctx, 1, batch)
		is.NoErr(err)
		for _, order := range []store.SearchOrder{store.SearchNewestFirst, store.SearchRelevance} {
			var numbered, keyset []int64
			for n := 1; ; n++ {
				page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "alpha", Order: order, Page: store.PageNumber(n, 7)})
				is.NoErr(err)
				for _, h := range page.Items {
					numbered = append(numbered, h.Message.ID)
				}
				if n >= page.Meta.LastPage {
					is.Equal(len(numbered), page.Meta.Total) // the total counts every match
					break
				}
			}
			cursor := ""
			for {
				page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: "alpha", Order: order, Page: store.After(cursor, 7)})
				is.NoErr(err)
				for _, h := range page.Items {
					keyset = append(keyset, h.Message.ID)
				}
				if page.Next == "" {
					break
				}
				cursor = page.Next
			}
			is.True(len(keyset) > 7)   // several pages
			is.Equal(keyset, numbered) // both modes agree
			if order == store.SearchNewestFirst {
				is.True(slices.IsSortedFunc(keyset, func(a, b int64) int { return int(b - a) })) // newest first
			}
			_, err = s.SearchMessages(ctx, 1, store.MessageSearch{Query: "alpha", Order: 1 - order, Page: store.After(cursor, 7)})
			if cursor != "" {
				wantInvalid(t, err, "cursor") // a cursor of the other order
			}
		}
	})

	t.Run("ListContacts/QueryByPrefix", func(t *testing.T) {
		is := is.New(t)
		s := newStore(t, fixed)
		ada := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Ada", LastName: "Lovelace", Nickname: "Countess"})
		bob := mustCreateContact(t, s, 1, convo.NewContact{FirstName: "Bob", Email: "bob@example.org", Phone: "+1 555 0100"})
		names := func(q string) []int64 {
			page, err := s.ListContacts(ctx, 1, store.ContactFilter{Query: q})
			is.NoErr(err)
			got := []int64{}
			for _, c := range page.Items {
				got = append(got, c.ID)
			}
			return got
		}
		is.Equal(names("ada love"), []int64{ada.ID})    // every term a prefix of a word
		is.Equal(names("count"), []int64{ada.ID})       // the nickname
		is.Equal(names("bob@example"), []int64{bob.ID}) // the email, its words side by side
		is.Equal(names("+1555"), []int64{bob.ID})       // the phone, one word as stored (+15550100)
		is.Equal(names("ovelace"), []int64{})           // not inside a word
		last := "Byron"
		_, err := s.UpdateContact(ctx, 1, ada.ID, convo.ContactUpdate{LastName: &last})
		is.NoErr(err)
		is.Equal(names("lovelace"), []int64{}) // an old name no longer matches
		is.Equal(names("byron"), []int64{ada.ID})
		is.NoErr(s.DeleteContact(ctx, 1, bob.ID, store.DeleteContactOptions{}))
		is.Equal(names("bob"), []int64{}) // nor a deleted contact
		for _, q := range NastySearches {
			_, err := s.ListContacts(ctx, 1, store.ContactFilter{Query: q})
			is.NoErr(err) // never an error
		}
	})

	t.Run("Query/NastyTextIsNeverSyntax", func(t *testing.T) {
		is := is.New(t)
		s, _, conv := seeded(t, newStore)
		mustAddMessage(t, s, 1, conv.ID, text(`alpha "beta" NEAR( a OR -x col:val`))
		for _, q := range NastySearches {
			_, err := s.ListConversations(ctx, 1, store.ConversationFilter{Query: q})
			is.NoErr(err) // a list search never fails
			_, err = s.CountConversations(ctx, 1, store.ConversationFilter{Query: q})
			is.NoErr(err) // nor do its counts
			if strings.TrimSpace(q) != "" {
				_, err = s.SearchMessages(ctx, 1, store.MessageSearch{Query: q})
				is.NoErr(err) // nor a message search
			}
		}
		hits, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: `col:val NEAR(`})
		is.NoErr(err)
		is.Equal(len(hits.Items), 1) // the "syntax" is searched as text
		hits, err = s.SearchMessages(ctx, 1, store.MessageSearch{Query: `"beta`})
		is.NoErr(err)
		is.Equal(len(hits.Items), 1) // an unclosed quote runs to the end
	})

	t.Run("Query/TheWordsOfTheContract", func(t *testing.T) {
		s, _, conv := seeded(t, newStore)
		contents := []string{
			"Mail bob@example.org today",
			"Call +1 555-0100, ask for Zoë",
			"Café CRÈME brûlée",
			"Cafe\u0301 cre\u0300me au lait", // é as e and a combining acute, è as e and a grave
			"Ærøskøbing, Straße, Łódź",
			"l'été dernier",
			"Привет, йод",
			"日本語のテキスト",
			"great👍job 😀 ❤ #42",
		}
		ids := map[string]int64{}
		for _, c := range contents {
			ids[c] = mustAddMessage(t, s, 1, conv.ID, text(c)).ID
		}
		for _, tc := range []struct {
			query string
			want  []string // the contents it finds
		}{
			{"EXAMPLE", contents[:1]},         // a word of an email, any case
			{"bob@example.org", contents[:1]}, // the email: its words side by side
			{"bob.example", contents[:1]},     // whatever the punctuation between them
			{`"org example"`, nil},            // in their order
			{"org bob", contents[:1]},         // words anywhere, in any order
			{"examp", nil},                    // a whole word
			{"examp*", contents[:1]},          // or a prefix
			{"bob@exa*", contents[:1]},        // the star on a phrase's last word
			{"today@mail", nil},               // not side by side
			{"555", contents[1:2]},            // a phone number's words
			{"5550100", nil},                  // not one word
			{"555-01*", contents[1:2]},
			{"zoe", contents[1:2]},        // accents folded
			{"cafe creme", contents[2:4]}, // in composed and combining forms
			{"CAFÉ", contents[2:4]},       // in the search too
			{"brulee", contents[2:3]},
			{"caf", nil},
			{"caf*", contents[2:4]},
			{"ærøskøbing", contents[4:5]}, // æ and ø are letters of their own
			{"aeroskobing", nil},
			{"STRAẞE", contents[4:5]}, // case folded: ẞ is ß
			{"strasse", nil},          // ß is not ss
			{"lodz", nil},             // ł is not l
			{"ŁÓDŹ", contents[4:5]},
			{"ete", contents[5:6]}, // l'été is l and été
			{"l'ete", contents[5:6]},
			{"lete", nil},
			{"ПРИВЕТ", contents[6:7]}, // other scripts fold case
			{"иод", nil},              // and keep their marks
			{"日本語", nil},              // letters run on: one word
			{"日本語*", contents[7:8]},
			{"great job", contents[8:9]}, // an emoji separates words
			{`"great job"`, contents[8:9]},
			{"42", contents[8:9]},
			{"👍", nil},   // a term without a word is left out
			{"% ❤", nil}, // and a search without a term finds nothing
			{"job 👍", contents[8:9]},
		} {
			t.Run(tc.query, func(t *testing.T) {
				is := is.New(t)
				page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: tc.query, Page: store.PageNumber(1, 20)})
				is.NoErr(err)
				got := []int64{}
				for _, h := range page.Items {
					got = append(got, h.Message.ID)
				}
				want := []int64{}
				for _, c := range tc.want {
					want = append(want, ids[c])
				}
				slices.Sort(got)
				is.Equal(got, want) // the messages the query finds
				for _, c := range contents {
					is.Equal(contractMatches(c, tc.query, false), slices.Contains(tc.want, c)) // the suite's reading of the contract agrees
				}
			})
		}
	})

	t.Run("Query/AgainstTheWordsOfTheContract", func(t *testing.T) {
		is := is.New(t)
		s, contact, conv := seeded(t, newStore)
		r := rand.New(rand.NewPCG(7, 11))
		var batch []store.MessageTo
		for range 120 {
			batch = append(batch, store.MessageTo{ConversationID: conv.ID, Message: text(contractText(r))})
		}
		added, err := s.AddMessages(ctx, 1, batch)
		is.NoErr(err)
		var contacts []convo.Contact
		for range 30 {
			contacts = append(contacts, mustCreateContact(t, s, 1, convo.NewContact{FirstName: contractText(r), Nickname: contractText(r)}))
		}
		contacts = append(contacts, contact)
		for range 300 {
			q := contractQuery(r, added[r.IntN(len(added))].Content)
			want := []int64{}
			for _, m := range added {
				if contractMatches(m.Content, q, false) {
					want = append(want, m.ID)
				}
			}
			page, err := s.SearchMessages(ctx, 1, store.MessageSearch{Query: q, Page: store.PageNumber(1, store.MaxPerPage)})
			is.NoErr(err)
			got := []int64{}
			for _, h := range page.Items {
				got = append(got, h.Message.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("SearchMessages(%q) finds %v, the contract %v", q, got, want)
			}
			want = []int64{}
			for _, c := range contacts {
				if contractMatchesAny([]string{c.CompleteName(), c.Nickname, c.Email, c.Phone, c.Identifier}, q, true) {
					want = append(want, c.ID)
				}
			}
			got = []int64{}
			for c, err := range store.Contacts(ctx, s, 1, store.ContactFilter{Query: q}) {
				is.NoErr(err)
				got = append(got, c.ID)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("ListContacts(%q) finds %v, the contract %v", q, got, want)
			}
		}
	})

	t.Run("Query/BadText", func(t *testing.T) {
		s, _, _ := seeded(t, newStore)
		for _, bad := range []string{"bad \xff text", "nul\x00byte", strings.Repeat("a ", convo.MaxSearchLength)} {
			_, err := s.ListConversations(ctx, 1, store.ConversationFilter{Query: bad})
			wantInvalid(t, err, "q")
			_, err = s.CountConversations(ctx, 1, store.ConversationFilter{Query: bad})
			wantInvalid(t, err, "q")
			_, err = s.SearchMessages(ctx, 1, store.MessageSearch{Query: bad})
			wantInvalid(t, err, "q")
			_, err = s.ListContacts(ctx, 1, store.ContactFilter{Query: bad})
			wantInvalid(t, err, "query")
		}
		_, err := s.SearchMessages(ctx, 1, store.MessageSearch{})
		wantInvalid(t, err, "q")
		_, err = s.SearchMessages(ctx, 1, store.MessageSearch{Query: "a", SnippetWords: store.MaxSnippetWords + 1, Order: 7, SenderType: "robot",
			Types: []convo.MessageType{"shout"}, AuthorID: uuid.Nil, SnippetStart: "\x00"})
		for _, field := range []string{"snippet_words", "order", "sender_type", "message_type", "snippet_start"} {
			wantInvalid(t, err, field)
		}
	})
}

// contractForms are ways of writing words that the contract reads alike,
// or apart: case, accents composed and combining, letters that are not
// accented forms, punctuation inside a term, other scripts.
var contractForms = []string{
	"Café", "cafe", "CAFÉ's", "Cafe\u0301", "caftan", "naïve", "NAIVE", "e-mail", "email", "Email:",
	"bob@example.org", "Bob", "example", "+1 555-0100", "5550100", "Crème", "creme", "cre\u0300me", "crémeux",
	"l'été", "ÉTÉ", "Łódź", "lodz", "straße", "STRAẞE", "strasse", "Ærø", "aero", "Ñandú", "nandu",
	"привет", "ПРИВЕТ", "йод", "иод", "x²", "日本語", "42", "#42", "Zoë", "ılık", "ILIK",
}

// contractSeparators go between the forms: no words of their own.
var contractSeparators = []string{" ", ", ", "! ", " - ", "\n", " (", ") ", "…", "👍", " 😀 ", "—", "’"}

// contractText draws a text of two to six forms.
func contractText(r *rand.Rand) string {
	var b strings.Builder
	for i := range 2 + r.IntN(5) {
		if i > 0 {
			b.WriteString(contractSeparators[r.IntN(len(contractSeparators))])
		}
		b.WriteString(contractForms[r.IntN(len(contractForms))])
	}
	return b.String()
}

// contractQuery draws a query: forms, prefixes of their words and phrases,
// mostly from text so that some match.
func contractQuery(r *rand.Rand, text string) string {
	words := store.Words(text)
	var terms []string
	for range 1 + r.IntN(2) {
		switch r.IntN(5) {
		case 0:
			terms = append(terms, contractForms[r.IntN(len(contractForms))])
		case 1:
			w := []rune(contractForms[r.IntN(len(contractForms))])
			terms = append(terms, string(w[:1+r.IntN(len(w))])+"*")
		case 2:
			w := []rune(words[r.IntN(len(words))])
			terms = append(terms, string(w[:1+r.IntN(len(w))])+"*")
		case 3:
			i := r.IntN(len(words))
			terms = append(terms, `"`+strings.Join(words[i:min(i+2, len(words))], " ")+`"`)
		default:
			terms = append(terms, strings.ToUpper(words[r.IntN(len(words))]))
		}
	}
	return strings.Join(terms, " ")
}

// randomText draws n words of the search vocabulary.
func randomText(r *rand.Rand, n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = searchVocabulary[r.IntN(len(searchVocabulary))]
	}
	return strings.Join(words, " ")
}

// searchFullScan lists the conversations a search should find, the slow
// way: the filter without its query, then every message read and matched
// as the contract says (contractMatches).
func searchFullScan(t *testing.T, s store.Store, f store.ConversationFilter) []int64 {
	t.Helper()
	query := f.Query
	f.Query = ""
	if f.Statuses == nil {
		f.Statuses = store.AllStatuses
	}
	out := []int64{}
	latest := map[int64]int64{} // the latest matching message of each conversation found
	for _, id := range collectKeyset(t, s, f, store.MaxPerPage) {
		c, err := s.GetConversation(context.Background(), 1, id, store.GetConversationOptions{Messages: store.AllMessages})
		if err != nil {
			t.Fatalf("get conversation: %v", err)
		}
		for _, m := range c.Messages {
			if (!m.Private || f.IncludePrivate) && contractMatches(m.Content, query, false) {
				latest[id] = max(latest[id], m.ID)
			}
		}
		if latest[id] != 0 {
			out = append(out, id)
		}
	}
	if f.Sort == store.SortLastActivityDesc {
		// A search by last activity lists by latest matching message.
		slices.SortFunc(out, func(a, b int64) int { return int(latest[b] - latest[a]) })
	}
	return out
}

// contractMatches reports whether content matches query as the Search
// section of the store package says (contractTerms), every term in it.
func contractMatches(content, query string, allPrefix bool) bool {
	return contractMatchesAny([]string{content}, query, allPrefix)
}

// contractMatchesAny reports whether every term of query is in one of
// texts (the fields of a contact, say), and query has a term.
func contractMatchesAny(texts []string, query string, allPrefix bool) bool {
	terms := contractTerms(query, allPrefix)
	for _, term := range terms {
		if !slices.ContainsFunc(texts, term.in) {
			return false
		}
	}
	return len(terms) > 0
}

// contractTerm is a term as the contract reads it: its words, the last
// maybe a prefix.
type contractTerm struct {
	words  []string
	prefix bool
}

// contractTerms are the terms of query that hold a word (store.Words),
// every one a prefix when allPrefix.
func contractTerms(query string, allPrefix bool) []contractTerm {
	search, err := convo.ParseSearch("q", query)
	if err != nil {
		panic(fmt.Sprintf("contractTerms(%q): %v", query, err))
	}
	var terms []contractTerm
	for _, t := range search.Terms {
		if words := store.Words(t.Text); len(words) > 0 {
			terms = append(terms, contractTerm{words, t.Prefix || allPrefix})
		}
	}
	return terms
}

// in reports whether text holds the term's words side by side, in order.
func (t contractTerm) in(text string) bool {
	words := store.Words(text)
	last := len(t.words) - 1
	for at := 0; at+last < len(words); at++ {
		w := words[at+last]
		if slices.Equal(words[at:at+last], t.words[:last]) && (w == t.words[last] || t.prefix && strings.HasPrefix(w, t.words[last])) {
			return true
		}
	}
	return false
}

// checkSnippet reports whatever in a hit's snippet breaks the contract's
// form, for a query of one word or prefix: one piece of the content as
// stored, at most n words, each match between the markers and nothing
// else, a match in it, and the ellipsis exactly where the piece leaves out
// the start or the end of the content.
func checkSnippet(t *testing.T, content, snippet, query, start, end string, n int) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("snippet %q of %q (query %q, %d words): "+format, append([]any{snippet, content, query, n}, args...)...)
	}
	piece, cutStart := strings.CutPrefix(snippet, store.SnippetEllipsis)
	piece, cutEnd := strings.CutSuffix(piece, store.SnippetEllipsis)
	var plain strings.Builder
	matches := 0
	for rest := piece; rest != ""; {
		before, marked, found := strings.Cut(rest, start)
		if contractMatches(before, query, false) {
			fail("%q matches but is not marked", before)
		}
		plain.WriteString(before)
		if !found {
			break
		}
		marked, rest, found = strings.Cut(marked, end)
		if !found || len(store.Words(marked)) != 1 || !contractMatches(marked, query, false) {
			fail("%q is marked but is not a match", marked)
		}
		plain.WriteString(marked)
		matches++
	}
	if matches == 0 {
		fail("no match marked")
		return
	}
	if words := len(store.Words(plain.String())); words > n {
		fail("%d words", words)
	}
	if len(store.Words(content)) <= n && (cutStart || cutEnd) {
		fail("content of at most %d words is whole", n)
	}
	// The piece is in the content; an ellipsis stands for words left out
	// before or after it, and nothing is left out where none stands.
	agrees := func(text string, cut bool) bool {
		if cut {
			return len(store.Words(text)) > 0
		}
		return text == ""
	}
	for at := 0; at <= len(content); at++ {
		i := strings.Index(content[at:], plain.String())
		if i < 0 {
			break
		}
		at += i
		if agrees(content[:at], cutStart) && agrees(content[at+plain.Len():], cutEnd) {
			return
		}
	}
	fail("not a piece of the content with an ellipsis exactly where it leaves words out")
}

// collectKeyset walks a list by cursor and returns its ids.
func collectKeyset(t *testing.T, s store.Store, f store.ConversationFilter, size int) []int64 {
	t.Helper()
	ids := []int64{}
	cursor := ""
	for {
		f.Page = store.After(cursor, size)
		page, err := s.ListConversations(context.Background(), 1, f)
		if err != nil {
			t.Fatalf("list conversations: %v", err)
		}
		for _, c := range page.Items {
			ids = append(ids, c.ID)
		}
		if page.Next == "" {
			return ids
		}
		cursor = page.Next
	}
}

// collectNumbered walks a list by page number and returns its ids.
func collectNumbered(t *testing.T, s store.Store, f store.ConversationFilter, size int) []int64 {
	t.Helper()
	ids := []int64{}
	for n := 1; ; n++ {
		f.Page = store.PageNumber(n, size)
		page, err := s.ListConversations(context.Background(), 1, f)
		if err != nil {
			t.Fatalf("list conversations: %v", err)
		}
		for _, c := range page.Items {
			ids = append(ids, c.ID)
		}
		if n >= page.Meta.LastPage {
			if len(ids) != page.Meta.Total {
				t.Fatalf("numbered pages hold %d conversations, meta says %d", len(ids), page.Meta.Total)
			}
			return ids
		}
	}
}
