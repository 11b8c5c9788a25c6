package postgres

import (
	"cmp"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// conversationPage is a page of a list of conversations, built from the
// rows of its query as they are scanned: the page's rows, and one more
// that only says another page follows. Each row is converted as it
// arrives, so that a page of rows of a kilobyte each is neither kept nor
// copied (an inbox page of 25 allocated 30 kB less so).
type conversationPage struct {
	f     store.ConversationFilter
	now   time.Time // decides CanReply
	items []convo.Conversation
	next  string
	// err is the first row that would not convert (bad stored JSON): kept
	// rather than returned from read, so that a batch's other queries run
	// (see readBatch) and the call fails after it.
	err error
	// rows are the row being scanned and the one before it, whose keys
	// make the cursor of the next page.
	rows [2]listRow
}

func newConversationPage(f store.ConversationFilter, now time.Time) *conversationPage {
	return &conversationPage{f: f, now: now, items: make([]convo.Conversation, 0, f.Page.PerPage())}
}

// read scans and converts the rows of a page's query; hits says that each
// row ends on its latest match (a search by last activity). It starts the
// page afresh: a read that woke a snooze runs its queries again.
func (p *conversationPage) read(rows pgx.Rows, hits bool) error {
	defer rows.Close()
	p.items, p.next, p.err = p.items[:0], "", nil
	var dest [2][]any
	for i := range p.rows {
		dest[i] = p.rows[i].dest()
		if hits {
			dest[i] = append(dest[i], &p.rows[i].hit)
		}
	}
	for n := 0; rows.Next(); n++ {
		r := &p.rows[n%2]
		if err := rows.Scan(dest[n%2]...); err != nil {
			return err
		}
		if len(p.items) == p.f.Page.PerPage() {
			p.next = listCursor(p.f, &p.rows[(n+1)%2]).Encode()
			continue
		}
		c, err := r.toConversation(p.now)
		if err != nil {
			p.err = cmp.Or(p.err, err)
			continue
		}
		if p.f.Viewer != nil {
			c.UnseenMessagesCount = int(r.unseen)
		}
		p.items = append(p.items, c)
	}
	return rows.Err()
}

// page is the page read, with the meta of a list of total conversations
// (unused in keyset paging, which counts nothing), or the error of a row
// that would not convert.
func (p *conversationPage) page(total int) (store.Page[convo.Conversation], error) {
	if p.err != nil {
		return store.Page[convo.Conversation]{}, p.err
	}
	page := store.Page[convo.Conversation]{Items: p.items, Next: p.next}
	if p.f.Page.Keyset() {
		page.Meta = store.PageMeta{PerPage: p.f.Page.PerPage()}
	} else {
		page.Meta = store.NewPageMeta(p.f.Page, total, len(p.items))
	}
	return page, nil
}
