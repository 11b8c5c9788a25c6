-- Full-text search (FTS5), version 2.
--
-- messages_fts indexes messages.content, contacts_fts a contact's names,
-- email, phone and identifier. Both are external-content tables: the text
-- lives once, in its own table, and the index rowid is the record's id, so a
-- match joins its record by primary key and snippet() reads the content back.
-- Triggers keep them in step with every content edit and delete in the same
-- transaction, cascades included; new messages are indexed by the store in
-- one statement at the end of the transaction that adds them (sqlite/fts.go,
-- indexMessages), since FTS5 would write a segment per message otherwise.
--
-- unicode61 with remove_diacritics 2 folds case and accents (cafe = café).
-- A prefix index turns a prefix* of that many characters into one doclist,
-- read newest first, instead of a merge of the doclists of every word it
-- begins: 3 characters for messages (each prefix length indexed costs about
-- as much again on every write; a 3-letter prefix is the common short one
-- and the one matching most words), 2 and 3 for contacts (type-ahead, a
-- small table). automerge 8 (default 4) merges segments less often: appends
-- and loads rewrite the index less, a search reads a few more segments.

CREATE VIRTUAL TABLE messages_fts USING fts5(
    content,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3'
);

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages WHEN old.content IS NOT new.content BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;

INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 8);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE contacts_fts USING fts5(
    sort_name, nickname, email, phone, identifier,
    content = 'contacts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, sort_name, nickname, email, phone, identifier)
        VALUES (new.id, new.sort_name, new.nickname, new.email, new.phone, new.identifier);
END;

CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, sort_name, nickname, email, phone, identifier)
        VALUES ('delete', old.id, old.sort_name, old.nickname, old.email, old.phone, old.identifier);
END;

CREATE TRIGGER contacts_fts_update AFTER UPDATE OF sort_name, nickname, email, phone, identifier ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, sort_name, nickname, email, phone, identifier)
        VALUES ('delete', old.id, old.sort_name, old.nickname, old.email, old.phone, old.identifier);
    INSERT INTO contacts_fts (rowid, sort_name, nickname, email, phone, identifier)
        VALUES (new.id, new.sort_name, new.nickname, new.email, new.phone, new.identifier);
END;

INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');
