package sqlite

// skippingPageQuery is a numbered page past the first: the rows before it
// are walked as ids alone, from the sort's index where it covers the filter
// (neither their rows nor their contacts are read, as they were when the
// page query skipped them), then the page's own rows are read and sorted.
func skippingPageQuery(w where, sort conversationSort, limit, offset int) (string, []any) {
	tail := ` WHERE c.id IN (SELECT c.id FROM convo_conversations c` + w.sql() + ` ORDER BY ` + sort.orderBy +
		` LIMIT ? OFFSET ?) ORDER BY ` + sort.orderBy + ` LIMIT ?`
	return tail, append(w.args, limit, offset, limit)
}
