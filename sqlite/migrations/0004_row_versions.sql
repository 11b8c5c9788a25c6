-- Row versions. Every change to a conversation, contact or message row
-- moves its version, so a reader that already holds a row (the store's row
-- cache) can tell from the version alone whether it is still current. A
-- conversation's labels and participants live on its row (migration 3), so
-- changing them moves its version too. Imports start a row's version at a
-- random number, so a deleted id imported again never meets its old
-- versions.

ALTER TABLE conversations ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- A statement that sets the version itself (the append's) skips the
-- trigger's second write.
CREATE TRIGGER conversations_version AFTER UPDATE ON conversations WHEN new.version = old.version BEGIN
    UPDATE conversations SET version = old.version + 1 WHERE id = new.id;
END;

CREATE TRIGGER contacts_version AFTER UPDATE ON contacts WHEN new.version = old.version BEGIN
    UPDATE contacts SET version = old.version + 1 WHERE id = new.id;
END;

CREATE TRIGGER messages_version AFTER UPDATE ON messages WHEN new.version = old.version BEGIN
    UPDATE messages SET version = old.version + 1 WHERE id = new.id;
END;
