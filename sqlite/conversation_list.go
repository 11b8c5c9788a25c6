package sqlite

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// conversationSort is the SQL of one store.ConversationSort: a fixed ORDER
// BY, the keyset predicate of the rows after a cursor, and the cursor's key.
type conversationSort struct {
	orderBy string
	after   string
	key     func(r conversationRow) int64
}

func lastActivityKey(r conversationRow) int64 { return r.LastActivityAt.UnixMicro() }
func createdKey(r conversationRow) int64      { return r.CreatedAt.UnixMicro() }

var conversationSorts = map[store.ConversationSort]conversationSort{
	store.SortLastActivityDesc: {"c.last_activity_at DESC, c.id DESC", "(c.last_activity_at, c.id) < (?, ?)", lastActivityKey},
	store.SortLastActivityAsc:  {"c.last_activity_at, c.id", "(c.last_activity_at, c.id) > (?, ?)", lastActivityKey},
	store.SortCreatedDesc:      {"c.created_at DESC, c.id DESC", "(c.created_at, c.id) < (?, ?)", createdKey},
	store.SortCreatedAsc:       {"c.created_at, c.id", "(c.created_at, c.id) > (?, ?)", createdKey},
}

// ListConversations implements store.Store.
func (s *Store) ListConversations(ctx context.Context, accountID int64, f store.ConversationFilter) (store.Page[convo.Conversation], error) {
	var page store.Page[convo.Conversation]
	if err := f.Validate(); err != nil {
		return page, err
	}
	sort := conversationSorts[f.Sort]
	list := "conversations:" + f.Sort.String()
	var cursor store.Cursor
	if f.Page.Keyset() && f.Page.Cursor() != "" {
		var err error
		if cursor, err = store.DecodeCursor(f.Page.Cursor(), list, 2); err != nil {
			return page, err
		}
	}
	now := s.clock()
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var w where
		w.and("c.account_id = ?", accountID)
		if f.ContactID != 0 {
			var id int64
			if err := tx.GetContext(ctx, &id, contactExists, accountID, f.ContactID); err != nil {
				return fmt.Errorf("contact %d: %w", f.ContactID, translate(err))
			}
			w.and("c.contact_id = ?", f.ContactID)
		}
		filtered := w
		offset := 0
		switch {
		case cursor.Keys != nil:
			w.and(sort.after, cursor.Keys[0], cursor.Keys[1])
		case !f.Page.Keyset():
			offset = f.Page.Offset()
		}
		var rows []conversationRow
		query := `SELECT ` + conversationColumns + conversationFrom + w.sql() + ` ORDER BY ` + sort.orderBy + ` LIMIT ? OFFSET ?`
		if err := tx.SelectContext(ctx, &rows, query, append(w.args, f.Page.PerPage()+1, offset)...); err != nil {
			return err
		}
		rows, more := trimPage(rows, f.Page.PerPage())
		items, err := toConversations(ctx, tx, rows, now)
		if err != nil {
			return err
		}
		page.Items = items
		if more {
			last := rows[len(rows)-1]
			page.Next = store.Cursor{List: list, Keys: []int64{sort.key(last), last.ID}}.Encode()
		}
		return pageMeta(ctx, tx, &page.Meta, f.Page, len(items), `SELECT count(*) FROM conversations c`+filtered.sql(), filtered.args...)
	})
	return page, err
}
