-- Messages as chat apps need them: replies, reactions, edit history and
-- tombstones.
--
-- The columns a message carries for them are NULL or 0 on nearly every
-- message; a read takes them as one column, NULL then (threadOfM).

ALTER TABLE convo_messages ADD COLUMN reply_to_id    INTEGER; -- the parent, of the same conversation; NULL when none
ALTER TABLE convo_messages ADD COLUMN reply_count    INTEGER NOT NULL DEFAULT 0; -- maintained: direct replies
ALTER TABLE convo_messages ADD COLUMN last_reply_at  INTEGER;                    -- maintained: the newest's created_at
ALTER TABLE convo_messages ADD COLUMN reactions      TEXT;    -- maintained: {"reaction": count}; NULL when none
ALTER TABLE convo_messages ADD COLUMN edit_count     INTEGER NOT NULL DEFAULT 0; -- maintained: its versions
ALTER TABLE convo_messages ADD COLUMN edited_at      INTEGER;
ALTER TABLE convo_messages ADD COLUMN deleted_at     INTEGER; -- set on a tombstone
ALTER TABLE convo_messages ADD COLUMN external_error TEXT;

-- A message's replies, in timeline order.
CREATE INDEX convo_messages_replies ON convo_messages (account_id, reply_to_id, seq) WHERE reply_to_id IS NOT NULL;

-- One row per reactor, reaction and message; id orders a reaction's rows
-- as they were added. actor_type is the sender type; user_id is '' unless
-- a user reacted.
CREATE TABLE convo_message_reactions (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    reaction   TEXT    NOT NULL,
    actor_type TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, message_id, reaction, actor_type, user_id)
) STRICT;

-- The content each edit replaced: version n is what edit n replaced.
CREATE TABLE convo_message_versions (
    account_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    content    TEXT    NOT NULL,
    edited_at  INTEGER NOT NULL,
    actor_type TEXT    NOT NULL,
    user_id    TEXT    NOT NULL, -- '' unless a user edited
    PRIMARY KEY (account_id, message_id, version)
) STRICT, WITHOUT ROWID;

-- Reactions and versions go with their message (a purge, or its
-- conversation's or contact's deletion). The conditions keep a message
-- without either from paying a lookup.
CREATE TRIGGER convo_reactions_message_delete AFTER DELETE ON convo_messages WHEN old.reactions IS NOT NULL BEGIN
    DELETE FROM convo_message_reactions WHERE account_id = old.account_id AND message_id = old.id;
END;

CREATE TRIGGER convo_versions_message_delete AFTER DELETE ON convo_messages WHEN old.edit_count > 0 BEGIN
    DELETE FROM convo_message_versions WHERE account_id = old.account_id AND message_id = old.id;
END;

-- Unseen counts: a tombstone counts as unseen for no one, as if removed;
-- removing it afterwards changes no count.
DROP TRIGGER convo_unseen_message_delete;

CREATE TRIGGER convo_unseen_message_delete AFTER DELETE ON convo_messages
WHEN old.message_type != 2 AND old.deleted_at IS NULL BEGIN
    UPDATE convo_conversations SET non_activity_count = non_activity_count - 1
        WHERE account_id = old.account_id AND id = old.conversation_id;
    UPDATE convo_conversation_audiences SET non_activity_count = non_activity_count - 1
        WHERE account_id = old.account_id AND conversation_id = old.conversation_id;
    UPDATE convo_read_horizons SET unseen_count = unseen_count - 1
        WHERE account_id = old.account_id AND conversation_id = old.conversation_id
          AND seen_seq < old.seq AND user_id IS NOT old.author_id;
END;

CREATE TRIGGER convo_unseen_message_tombstone AFTER UPDATE OF deleted_at ON convo_messages
WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL AND new.message_type != 2 BEGIN
    UPDATE convo_conversations SET non_activity_count = non_activity_count - 1
        WHERE account_id = new.account_id AND id = new.conversation_id;
    UPDATE convo_conversation_audiences SET non_activity_count = non_activity_count - 1
        WHERE account_id = new.account_id AND conversation_id = new.conversation_id;
    UPDATE convo_read_horizons SET unseen_count = unseen_count - 1
        WHERE account_id = new.account_id AND conversation_id = new.conversation_id
          AND seen_seq < new.seq AND user_id IS NOT new.author_id;
END;
