-- The full-text indexes carry each row's account as a column of its own,
-- and every search matches it (account_id : "7" AND content : (...)), so
-- FTS5 walks the intersection of the account's doclist and the terms':
-- a small account's search costs what its own matches cost, not the
-- matches of every account in the file. Messages carry their conversation
-- too, for a search within one conversation (or a contact's few). User
-- terms are held to the text columns; the id columns weigh nothing in the
-- rank.

DROP TRIGGER convo_messages_fts_delete;
DROP TRIGGER convo_messages_fts_update;
DROP TRIGGER convo_contacts_fts_insert;
DROP TRIGGER convo_contacts_fts_delete;
DROP TRIGGER convo_contacts_fts_update;
DROP TABLE convo_messages_fts;
DROP TABLE convo_contacts_fts;

CREATE VIRTUAL TABLE convo_messages_fts USING fts5(
    content, account_id, conversation_id,
    content = 'convo_messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3'
);
INSERT INTO convo_messages_fts (convo_messages_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0, 0.0)');

CREATE VIRTUAL TABLE convo_contacts_fts USING fts5(
    sort_name, nickname, email, phone, identifier, account_id,
    content = 'convo_contacts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- What the old indexes held: the messages up to the indexer's mark, every
-- contact.
INSERT INTO convo_messages_fts (rowid, content, account_id, conversation_id)
    SELECT id, content, account_id, conversation_id FROM convo_messages WHERE id <= (SELECT indexed_through FROM convo_index_state);
INSERT INTO convo_contacts_fts (convo_contacts_fts) VALUES ('rebuild');

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

CREATE TRIGGER convo_contacts_fts_insert AFTER INSERT ON convo_contacts BEGIN
    INSERT INTO convo_contacts_fts (rowid, sort_name, nickname, email, phone, identifier, account_id)
        VALUES (new.id, new.sort_name, new.nickname, new.email, new.phone, new.identifier, new.account_id);
END;

CREATE TRIGGER convo_contacts_fts_delete AFTER DELETE ON convo_contacts BEGIN
    INSERT INTO convo_contacts_fts (convo_contacts_fts, rowid, sort_name, nickname, email, phone, identifier, account_id)
        VALUES ('delete', old.id, old.sort_name, old.nickname, old.email, old.phone, old.identifier, old.account_id);
END;

CREATE TRIGGER convo_contacts_fts_update AFTER UPDATE OF sort_name, nickname, email, phone, identifier ON convo_contacts BEGIN
    INSERT INTO convo_contacts_fts (convo_contacts_fts, rowid, sort_name, nickname, email, phone, identifier, account_id)
        VALUES ('delete', old.id, old.sort_name, old.nickname, old.email, old.phone, old.identifier, old.account_id);
    INSERT INTO convo_contacts_fts (rowid, sort_name, nickname, email, phone, identifier, account_id)
        VALUES (new.id, new.sort_name, new.nickname, new.email, new.phone, new.identifier, new.account_id);
END;
