-- A one- or two-letter prefix (a*, ab*) reads one doclist of its own,
-- newest first, as three letters already did: without an index of that
-- length FTS5 merges the doclists of every word the prefix begins into
-- one, whole, before the first row, so such a search cost every match
-- (a two-letter prefix in 58 % of 200,000 messages: 24 ms). Each indexed
-- length stores every word once more.

DROP TRIGGER convo_messages_fts_delete;
DROP TRIGGER convo_messages_fts_update;
DROP TABLE convo_messages_fts;

CREATE VIRTUAL TABLE convo_messages_fts USING fts5(
    content, account_id, conversation_id,
    content = 'convo_messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
INSERT INTO convo_messages_fts (convo_messages_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0, 0.0)');

-- What the old index held: the messages up to the indexer's mark.
INSERT INTO convo_messages_fts (rowid, content, account_id, conversation_id)
    SELECT id, content, account_id, conversation_id FROM convo_messages WHERE id <= (SELECT indexed_through FROM convo_index_state);

CREATE TRIGGER convo_messages_fts_delete AFTER DELETE ON convo_messages
WHEN old.id <= (SELECT indexed_through FROM convo_index_state) BEGIN
    INSERT INTO convo_messages_fts (convo_messages_fts, rowid, content, account_id, conversation_id)
        VALUES ('delete', old.id, old.content, old.account_id, old.conversation_id);
END;

-- An edit, and a merge of conversations (which moves messages).
CREATE TRIGGER convo_messages_fts_update AFTER UPDATE OF content, conversation_id ON convo_messages
WHEN (old.content IS NOT new.content OR old.conversation_id IS NOT new.conversation_id)
    AND old.id <= (SELECT indexed_through FROM convo_index_state) BEGIN
    INSERT INTO convo_messages_fts (convo_messages_fts, rowid, content, account_id, conversation_id)
        VALUES ('delete', old.id, old.content, old.account_id, old.conversation_id);
    INSERT INTO convo_messages_fts (rowid, content, account_id, conversation_id)
        VALUES (new.id, new.content, new.account_id, new.conversation_id);
END;
