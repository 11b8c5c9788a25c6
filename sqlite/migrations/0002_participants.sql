-- convo schema, version 2: participants, audiences and per-user read state
-- (seed 000, the users API).
--
-- A user sees a conversation when they are one of its participants or one
-- of their audiences (given by the host with each call) is on it. Each user
-- has a read horizon per conversation, on the message sequence number:
-- messages by others, not activity messages, after the horizon are unseen.
--
-- A user with no read_horizons row in a conversation has never read it and
-- never written in it (writing creates the row), so every non-activity
-- message there is unseen for them: conversations.non_activity_count. So
-- rows are created only when a user writes or marks seen, and every count
-- stays exact without knowing the members of an audience.

CREATE TABLE conversation_participants (
    account_id      INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    user_id         TEXT    NOT NULL, -- user UUID
    PRIMARY KEY (account_id, conversation_id, user_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The conversations of a user.
CREATE INDEX conversation_participants_user ON conversation_participants (account_id, user_id, conversation_id);

CREATE TABLE conversation_audiences (
    account_id      INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    audience_id     INTEGER NOT NULL, -- host-owned group of users
    PRIMARY KEY (account_id, conversation_id, audience_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The conversations of an audience.
CREATE INDEX conversation_audiences_audience ON conversation_audiences (account_id, audience_id, conversation_id);

-- Read horizons. Kept when a participant is removed: their read state
-- comes back with them, and the row records that they wrote there.
CREATE TABLE read_horizons (
    account_id      INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    user_id         TEXT    NOT NULL,
    seen_seq        INTEGER NOT NULL, -- messages up to this seq are seen
    unseen_count    INTEGER NOT NULL, -- maintained: messages by others, not activity, after seen_seq
    PRIMARY KEY (account_id, conversation_id, user_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The unseen count of a user with no horizon: the non-activity messages.
ALTER TABLE conversations ADD COLUMN non_activity_count INTEGER NOT NULL DEFAULT 0;

-- Maintained on every write of a message, so reads never count messages.
-- A new message is unseen for every reader behind it but its author, whose
-- horizon moves to it.
CREATE TRIGGER messages_unseen_insert AFTER INSERT ON messages BEGIN
    UPDATE conversations SET non_activity_count = non_activity_count + 1
        WHERE new.message_type != 2 AND account_id = new.account_id AND id = new.conversation_id;
    UPDATE read_horizons SET unseen_count = unseen_count + 1
        WHERE new.message_type != 2 AND account_id = new.account_id AND conversation_id = new.conversation_id
          AND seen_seq < new.seq AND user_id IS NOT new.author_id;
    INSERT INTO read_horizons (account_id, conversation_id, user_id, seen_seq, unseen_count)
        SELECT new.account_id, new.conversation_id, new.author_id, new.seq, 0 WHERE new.author_id IS NOT NULL
        ON CONFLICT DO UPDATE SET seen_seq = max(seen_seq, excluded.seen_seq), unseen_count = 0;
END;

CREATE TRIGGER messages_unseen_delete AFTER DELETE ON messages WHEN old.message_type != 2 BEGIN
    UPDATE conversations SET non_activity_count = non_activity_count - 1
        WHERE account_id = old.account_id AND id = old.conversation_id;
    UPDATE read_horizons SET unseen_count = unseen_count - 1
        WHERE account_id = old.account_id AND conversation_id = old.conversation_id
          AND seen_seq < old.seq AND user_id IS NOT old.author_id;
END;

-- A message that becomes, or stops being, an activity message.
CREATE TRIGGER messages_unseen_retype AFTER UPDATE OF message_type ON messages
WHEN (old.message_type = 2) != (new.message_type = 2) BEGIN
    UPDATE conversations SET non_activity_count = non_activity_count + iif(new.message_type = 2, -1, 1)
        WHERE account_id = new.account_id AND id = new.conversation_id;
    UPDATE read_horizons SET unseen_count = unseen_count + iif(new.message_type = 2, -1, 1)
        WHERE account_id = new.account_id AND conversation_id = new.conversation_id
          AND seen_seq < new.seq AND user_id IS NOT new.author_id;
END;

-- Existing data: authors are participants, writers have a horizon at their
-- last message, and the counts start true.
INSERT INTO conversation_participants (account_id, conversation_id, user_id)
    SELECT account_id, id, author_id FROM conversations WHERE author_id IS NOT NULL;

UPDATE conversations SET non_activity_count = (SELECT count(*) FROM messages m
    WHERE m.account_id = conversations.account_id AND m.conversation_id = conversations.id AND m.message_type != 2);

INSERT INTO read_horizons (account_id, conversation_id, user_id, seen_seq, unseen_count)
    SELECT account_id, conversation_id, author_id, max(seq), 0 FROM messages
    WHERE author_id IS NOT NULL GROUP BY account_id, conversation_id, author_id;

UPDATE read_horizons SET unseen_count = (SELECT count(*) FROM messages m
    WHERE m.account_id = read_horizons.account_id AND m.conversation_id = read_horizons.conversation_id
      AND m.seq > read_horizons.seen_seq AND m.message_type != 2 AND m.author_id IS NOT read_horizons.user_id);
