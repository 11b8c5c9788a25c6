-- convo schema, version 9: the time of a conversation's last change other
-- than a message.
--
-- updated_at moves on every append and every other change, so an index on
-- it would cost every append a write. changed_at is updated_at as the last
-- change that was not an append left it (creation included); appends never
-- set it. A conversation updated at or after T was then either active at
-- or after T (conversations_status_activity) or changed at or after T
-- (conversations_changed), so the counts of a list filtered by update time
-- read only the conversations that match.

ALTER TABLE conversations ADD COLUMN changed_at INTEGER;

UPDATE conversations SET changed_at = updated_at;

CREATE INDEX conversations_changed ON conversations (account_id, changed_at);

CREATE TRIGGER conversations_changed_insert AFTER INSERT ON conversations
WHEN new.changed_at IS NOT new.updated_at BEGIN
    UPDATE conversations SET changed_at = new.updated_at WHERE id = new.id;
END;

-- An append moves last_seq; every other change that sets updated_at does not.
CREATE TRIGGER conversations_changed_update AFTER UPDATE OF updated_at ON conversations
WHEN new.last_seq = old.last_seq AND new.changed_at IS NOT new.updated_at BEGIN
    UPDATE conversations SET changed_at = new.updated_at WHERE id = new.id;
END;
