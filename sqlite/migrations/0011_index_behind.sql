-- convo schema, version 11: the full-text index follows the messages a
-- little behind.
--
-- Every append indexed its own message, and FTS5 writes a new segment for
-- every transaction that adds to it: about a quarter of an append's time,
-- and more merging later. Now the store indexes the messages added since
-- the last time in one transaction, shortly after they commit, and before
-- any search (see indexer.go). index_state.indexed_through is the newest
-- message id the index holds: every message up to it is in the index, none
-- after it. Edits and deletes keep the index in step only for the messages
-- it holds; a message after the mark is indexed as it is when its turn
-- comes.

CREATE TABLE index_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through INTEGER NOT NULL
);

-- Until now every message was indexed when it was added: the mark is the
-- newest message the index holds.
INSERT INTO index_state (id, indexed_through) VALUES (1, coalesce((SELECT max(id) FROM messages_fts_docsize), 0));

DROP TRIGGER messages_fts_delete;

DROP TRIGGER messages_fts_update;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.id <= (SELECT indexed_through FROM index_state) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
WHEN old.content IS NOT new.content AND old.id <= (SELECT indexed_through FROM index_state) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;

-- Every segment of the index is one more seek for every term of every
-- search, and a search reads each one (80 segments made a search of one
-- word at a million messages 1.1 ms; merged into one, 0.56 ms). Migration
-- 6 let levels grow to 16 segments (64 before a crisis merge) because each
-- append wrote a segment and paid for the merging. Now the indexer writes
-- a segment per batch, in the background, so FTS5's defaults come back: a
-- level is merged at 4 segments, at once at 16.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 4);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('crisismerge', 16);
