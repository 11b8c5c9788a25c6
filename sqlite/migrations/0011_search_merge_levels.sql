-- The store merges the message index's segments while it is idle
-- (sqlite/indexer.go), with FTS5's 'merge' and a positive count, which
-- merges a level once it holds usermerge segments. At 2 the index keeps
-- about one segment a level: a small account's search, which seeks each
-- segment at each of its matches, then costs what it costs after
-- OptimizeSearch, and a later merge rewrites only the small levels that
-- new messages made, not the whole index.
INSERT INTO convo_messages_fts (convo_messages_fts, rank) VALUES ('usermerge', 2);
