-- Row versions. Every change to what a conversation reads as (its row,
-- labels and participants included since migration 3, and its last
-- non-activity message) moves the conversation's version, and every change
-- to a contact moves the contact's, so a reader that already holds a
-- conversation (the store's row cache) can tell from the two versions alone
-- whether it is still current, whoever wrote. Imports start a row's version
-- at a random number, so a deleted id imported again never meets its old
-- versions.

ALTER TABLE conversations ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- A statement that sets the version itself (the append's) skips the
-- trigger's second write.
CREATE TRIGGER conversations_version AFTER UPDATE ON conversations WHEN new.version = old.version BEGIN
    UPDATE conversations SET version = old.version + 1 WHERE id = new.id;
END;

CREATE TRIGGER contacts_version AFTER UPDATE ON contacts WHEN new.version = old.version BEGIN
    UPDATE contacts SET version = old.version + 1 WHERE id = new.id;
END;

-- An edit of a conversation's last non-activity message changes what the
-- conversation reads as.
CREATE TRIGGER messages_last_version AFTER UPDATE ON messages BEGIN
    UPDATE conversations SET version = version + 1
        WHERE account_id = new.account_id AND id = new.conversation_id AND last_non_activity_message_id = new.id;
END;
