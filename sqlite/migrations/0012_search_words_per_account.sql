-- The message index holds each word behind its account's code (its
-- number in convo_search_accounts, in six characters), and a search asks
-- for the words behind its own (sqlite/fts.go): every account has
-- doclists of its own. Through one shared doclist per word, a small
-- account's search sought past every other account's matches at each of
-- its own: ten times its cost alone where accounts' messages interleave.
-- The index holds no text (content=''): snippets are made in Go. The
-- prefix lengths count the code's six characters. Its tokenizer is ascii:
-- the words come folded from Go, and ascii keeps each one whole.
--
-- A message whose text or conversation changes leaves the index and waits
-- in convo_index_pending until a write of convo indexes it again (the
-- words come from a Go function, which only convo's connections have):
-- the triggers stay plain SQL, for any program that writes the file.

DROP TRIGGER convo_messages_fts_delete;
DROP TRIGGER convo_messages_fts_update;
DROP TABLE convo_messages_fts;

CREATE VIRTUAL TABLE convo_messages_fts USING fts5(
    words, conversation_id,
    content = '',
    contentless_delete = 1,
    tokenize = 'ascii',
    prefix = '7 8 9'
);
INSERT INTO convo_messages_fts (convo_messages_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0)');
INSERT INTO convo_messages_fts (convo_messages_fts, rank) VALUES ('usermerge', 2);

CREATE TABLE convo_index_pending (
    id INTEGER PRIMARY KEY
) STRICT;

CREATE TABLE convo_search_accounts (
    n          INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL UNIQUE
) STRICT;

-- What the old index held: the messages up to the indexer's mark.
INSERT INTO convo_search_accounts (account_id)
    SELECT DISTINCT account_id FROM convo_messages WHERE id <= (SELECT indexed_through FROM convo_index_state) ORDER BY account_id;
INSERT INTO convo_messages_fts (rowid, words, conversation_id)
    SELECT m.id, convo_search_words(a.n, m.content), m.conversation_id
    FROM convo_messages m JOIN convo_search_accounts a ON a.account_id = m.account_id
    WHERE m.id <= (SELECT indexed_through FROM convo_index_state);

CREATE TRIGGER convo_messages_fts_delete AFTER DELETE ON convo_messages
WHEN old.id <= (SELECT indexed_through FROM convo_index_state) BEGIN
    DELETE FROM convo_messages_fts WHERE rowid = old.id;
END;

-- An edit, and a merge of conversations (which moves messages).
CREATE TRIGGER convo_messages_fts_update AFTER UPDATE OF content, conversation_id ON convo_messages
WHEN (old.content IS NOT new.content OR old.conversation_id IS NOT new.conversation_id)
    AND old.id <= (SELECT indexed_through FROM convo_index_state) BEGIN
    DELETE FROM convo_messages_fts WHERE rowid = old.id;
    INSERT INTO convo_index_pending (id) VALUES (new.id) ON CONFLICT DO NOTHING;
END;
