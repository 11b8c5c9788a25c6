package sqlite

import (
	"cmp"
	"context"
	"slices"
	"sync"
)

// The row cache keeps the conversation rows that list pages read, as read
// from the database (not yet converted, so callers never share maps or
// slices with it), keyed by conversation id. A cached page asks the
// database only for the ids and row versions of its rows, in the list's
// order and with its filter, and reads in full only the rows whose
// versions moved: a conversation's own row (labels and participants
// included), its contact's, its last message's. Every change to those rows
// moves their versions (the schema's row-version triggers), whoever writes
// them, so a cached row is never stale; a row is only ever cached from a
// read transaction, whose snapshot is committed.

// defaultRowCache is the cache size when Options.RowCache is zero.
const defaultRowCache = 10000

// rowCache is a bounded map of conversation rows. A nil *rowCache caches
// nothing.
type rowCache struct {
	mu   sync.Mutex
	max  int
	rows map[int64]conversationRow
}

func newRowCache(size int) *rowCache {
	switch {
	case size < 0:
		return nil
	case size == 0:
		size = defaultRowCache
	}
	return &rowCache{max: size, rows: make(map[int64]conversationRow)}
}

// get returns the cached row of conversation id at versions v.
func (c *rowCache) get(id int64, v rowVersions) (conversationRow, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.rows[id]
	return r, ok && r.Versions == v
}

// put caches rows, making room by dropping about an eighth of the cache
// (arbitrary rows: Go's map order) when it is full.
func (c *rowCache) put(rows []conversationRow) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.rows)+len(rows) > c.max {
		drop := max(c.max/8, len(rows))
		for id := range c.rows {
			if drop == 0 {
				break
			}
			delete(c.rows, id)
			drop--
		}
	}
	for _, r := range rows {
		c.rows[r.ID] = r
	}
}

// probeColumns are what a cached page reads of each row, from probeFrom:
// its id and the versions a cached row must match. Only the contact is
// joined: an edit of the last message moves the conversation's version.
const (
	probeColumns = `c.id, c.version, ct.version`
	probeFrom    = ` FROM convo_conversations c JOIN convo_contacts ct ON ct.account_id = c.account_id AND ct.id = c.contact_id`
)

// byIDs is the WHERE of a query of conversations by id, in no particular
// order. ?1 account, ?2 a JSON array of ids; the unary + keeps SQLite on
// the rowid.
const byIDs = ` WHERE c.id IN (SELECT value FROM json_each(?2)) AND +c.account_id = ?1`

// pageRows returns the rows of a page query, whose text after its columns
// and FROM is tail: through the cache when the store has one and tx is a
// read transaction (only a committed snapshot may fill the cache), else in
// one query.
func (s *Store) pageRows(ctx context.Context, tx *dbtx, accountID int64, tail string, args []any) ([]conversationRow, error) {
	if s.rows == nil || !tx.reads {
		return selectConversations(ctx, tx, `SELECT `+conversationColumns+conversationFrom+tail, args...)
	}
	probe, err := queryRows[probe](ctx, tx, `SELECT `+probeColumns+probeFrom+tail, args...)
	if err != nil {
		return nil, err
	}
	list := make([]conversationRow, len(probe))
	var missed []int64
	for i, p := range probe {
		r, ok := s.rows.get(p.id, p.versions)
		if !ok {
			missed = append(missed, p.id)
			continue
		}
		list[i] = r
	}
	if len(missed) == 0 {
		return list, nil
	}
	fetched, err := selectConversations(ctx, tx, `SELECT `+conversationColumns+conversationFrom+byIDs, accountID, idsJSON(missed))
	if err != nil {
		return nil, err
	}
	s.rows.put(fetched)
	byID := make(map[int64]conversationRow, len(fetched))
	for _, r := range fetched {
		byID[r.ID] = r
	}
	for i, p := range probe {
		if list[i].ID == 0 {
			list[i] = byID[p.id] // in the same snapshot, so present
		}
	}
	return list, nil
}

// rowsByID returns the rows of conversations by id, in the order of ids,
// through the cache as pageRows does. Ids missing from the account are
// left out.
func (s *Store) rowsByID(ctx context.Context, tx *dbtx, accountID int64, ids []int64) ([]conversationRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pageRows(ctx, tx, accountID, byIDs, []any{accountID, idsJSON(ids)})
	if err != nil {
		return nil, err
	}
	pos := make(map[int64]int, len(ids))
	for i, id := range ids {
		pos[id] = i
	}
	slices.SortFunc(rows, func(a, b conversationRow) int { return cmp.Compare(pos[a.ID], pos[b.ID]) })
	return rows, nil
}

// probe is one row of a probe query.
type probe struct {
	id       int64
	versions rowVersions
}

func (p *probe) dest() []any { return []any{&p.id, &p.versions.conversation, &p.versions.contact} }
