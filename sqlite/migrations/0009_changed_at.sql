-- convo schema, version 9: the time of a conversation's last change other
-- than a message.
--
-- updated_at moves on every append and every other change, so an index on
-- it would cost every append a write. An append sets updated_at and
-- last_activity_at to the same time (or, when the clock steps back, leaves
-- updated_at behind the activity), so updated_at is ahead of the last
-- activity only after a change that was not an append, or an import.
-- changed_at keeps updated_at then, and only then. A conversation updated
-- at or after T was either active at or after T
-- (conversations_status_activity) or changed at or after T
-- (conversations_changed), so the counts of a list filtered by update time
-- read only the conversations that match.

ALTER TABLE conversations ADD COLUMN changed_at INTEGER;

UPDATE conversations SET changed_at = updated_at WHERE updated_at > last_activity_at;

CREATE INDEX conversations_changed ON conversations (account_id, changed_at) WHERE changed_at IS NOT NULL;

CREATE TRIGGER conversations_changed_insert AFTER INSERT ON conversations
WHEN new.updated_at > new.last_activity_at AND new.changed_at IS NOT new.updated_at BEGIN
    UPDATE conversations SET changed_at = new.updated_at WHERE id = new.id;
END;

CREATE TRIGGER conversations_changed_update AFTER UPDATE OF updated_at ON conversations
WHEN new.updated_at > new.last_activity_at AND new.changed_at IS NOT new.updated_at BEGIN
    UPDATE conversations SET changed_at = new.updated_at WHERE id = new.id;
END;
