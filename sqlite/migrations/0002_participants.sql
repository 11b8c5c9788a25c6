-- convo schema, version 2: participants, audiences and per-user read state
-- (seed 000, the users API).
--
-- A user sees a conversation when they are one of its participants or one
-- of their audiences (given by the host with each call) is on it. Each user
-- has a read horizon per conversation, on the message sequence number:
-- messages by others, not activity messages, after the horizon are unseen.
--
-- Every direct participant (the author included) has a read_horizons row,
-- made when they are added, and so has every user who wrote or marked seen.
-- An audience member with no row has never read and never written there
-- (either makes the row), so every non-activity message is unseen for them:
-- the non_activity_count kept on the conversation and on each of its
-- audience rows. So a user's total unseen count reads only their own
-- horizon rows and their audiences' rows, never the conversations, and stays
-- exact without knowing the members of an audience.

CREATE TABLE conversation_participants (
    account_id      INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    user_id         TEXT    NOT NULL, -- user UUID
    PRIMARY KEY (account_id, conversation_id, user_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The conversations of a user.
CREATE INDEX conversation_participants_user ON conversation_participants (account_id, user_id, conversation_id);

-- Keyed by audience, so that the rows of one audience, with their counts,
-- are read together. The key leads with the audience, not the account:
-- without statistics SQLite would rather walk a key on the account alone
-- than use an index on (account, conversation) that is not covering.
CREATE TABLE conversation_audiences (
    account_id         INTEGER NOT NULL,
    audience_id        INTEGER NOT NULL, -- host-owned group of users
    conversation_id    INTEGER NOT NULL,
    non_activity_count INTEGER NOT NULL DEFAULT 0, -- maintained: the conversation's non_activity_count
    PRIMARY KEY (audience_id, account_id, conversation_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The audiences of a conversation.
CREATE INDEX conversation_audiences_conversation ON conversation_audiences (account_id, conversation_id, audience_id);

-- Read horizons, keyed by user (first, as audiences above) so that a
-- user's rows are read together. Kept when a participant is removed: their read state comes back with
-- them, and the row records that they wrote there.
CREATE TABLE read_horizons (
    account_id      INTEGER NOT NULL,
    user_id         TEXT    NOT NULL,
    conversation_id INTEGER NOT NULL,
    seen_seq        INTEGER NOT NULL, -- messages up to this seq are seen
    unseen_count    INTEGER NOT NULL, -- maintained: messages by others, not activity, after seen_seq
    direct          INTEGER NOT NULL DEFAULT 0, -- maintained: 1 while the user is a participant
    PRIMARY KEY (user_id, account_id, conversation_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The readers of a conversation.
CREATE INDEX read_horizons_conversation ON read_horizons (account_id, conversation_id, user_id);

-- The unseen count of a user with no horizon: the non-activity messages.
ALTER TABLE conversations ADD COLUMN non_activity_count INTEGER NOT NULL DEFAULT 0;

-- A participant has a horizon from the moment they are added: a new one
-- has seen nothing.
CREATE TRIGGER participants_horizon_insert AFTER INSERT ON conversation_participants BEGIN
    INSERT INTO read_horizons (account_id, user_id, conversation_id, seen_seq, unseen_count, direct)
        SELECT new.account_id, new.user_id, new.conversation_id, 0, c.non_activity_count, 1 FROM conversations c
        WHERE c.account_id = new.account_id AND c.id = new.conversation_id
        ON CONFLICT DO UPDATE SET direct = 1;
END;

CREATE TRIGGER participants_horizon_delete AFTER DELETE ON conversation_participants BEGIN
    UPDATE read_horizons SET direct = 0
        WHERE account_id = old.account_id AND user_id = old.user_id AND conversation_id = old.conversation_id;
END;

-- An audience row starts with its conversation's count.
CREATE TRIGGER audiences_count_insert AFTER INSERT ON conversation_audiences BEGIN
    UPDATE conversation_audiences SET non_activity_count = (SELECT c.non_activity_count FROM conversations c
        WHERE c.account_id = new.account_id AND c.id = new.conversation_id)
        WHERE account_id = new.account_id AND audience_id = new.audience_id AND conversation_id = new.conversation_id;
END;

-- Maintained on every write of a message, so reads never count messages.
-- A new message is unseen for every reader behind it but its author, whose
-- horizon moves to it. The conversation's own non_activity_count moves in
-- the append's update of the conversation row (bumpConversation), which
-- writes that row anyway; imports recount it.
CREATE TRIGGER messages_unseen_insert AFTER INSERT ON messages BEGIN
    UPDATE conversation_audiences SET non_activity_count = non_activity_count + 1
        WHERE new.message_type != 2 AND account_id = new.account_id AND conversation_id = new.conversation_id;
    UPDATE read_horizons SET unseen_count = unseen_count + 1
        WHERE new.message_type != 2 AND account_id = new.account_id AND conversation_id = new.conversation_id
          AND seen_seq < new.seq AND user_id IS NOT new.author_id;
    INSERT INTO read_horizons (account_id, user_id, conversation_id, seen_seq, unseen_count)
        SELECT new.account_id, new.author_id, new.conversation_id, new.seq, 0 WHERE new.author_id IS NOT NULL
        ON CONFLICT DO UPDATE SET seen_seq = max(seen_seq, excluded.seen_seq), unseen_count = 0;
END;

CREATE TRIGGER messages_unseen_delete AFTER DELETE ON messages WHEN old.message_type != 2 BEGIN
    UPDATE conversations SET non_activity_count = non_activity_count - 1
        WHERE account_id = old.account_id AND id = old.conversation_id;
    UPDATE conversation_audiences SET non_activity_count = non_activity_count - 1
        WHERE account_id = old.account_id AND conversation_id = old.conversation_id;
    UPDATE read_horizons SET unseen_count = unseen_count - 1
        WHERE account_id = old.account_id AND conversation_id = old.conversation_id
          AND seen_seq < old.seq AND user_id IS NOT old.author_id;
END;

-- A message that becomes, or stops being, an activity message.
CREATE TRIGGER messages_unseen_retype AFTER UPDATE OF message_type ON messages
WHEN (old.message_type = 2) != (new.message_type = 2) BEGIN
    UPDATE conversations SET non_activity_count = non_activity_count + iif(new.message_type = 2, -1, 1)
        WHERE account_id = new.account_id AND id = new.conversation_id;
    UPDATE conversation_audiences SET non_activity_count = non_activity_count + iif(new.message_type = 2, -1, 1)
        WHERE account_id = new.account_id AND conversation_id = new.conversation_id;
    UPDATE read_horizons SET unseen_count = unseen_count + iif(new.message_type = 2, -1, 1)
        WHERE account_id = new.account_id AND conversation_id = new.conversation_id
          AND seen_seq < new.seq AND user_id IS NOT new.author_id;
END;

-- Existing data: the counts first, then authors become participants (with
-- a horizon, through the trigger), writers have a horizon at their last
-- message, and the unseen counts start true.
UPDATE conversations SET non_activity_count = (SELECT count(*) FROM messages m
    WHERE m.account_id = conversations.account_id AND m.conversation_id = conversations.id AND m.message_type != 2);

INSERT INTO conversation_participants (account_id, conversation_id, user_id)
    SELECT account_id, id, author_id FROM conversations WHERE author_id IS NOT NULL;

INSERT INTO read_horizons (account_id, user_id, conversation_id, seen_seq, unseen_count)
    SELECT account_id, author_id, conversation_id, max(seq), 0 FROM messages
    WHERE author_id IS NOT NULL GROUP BY account_id, conversation_id, author_id
    ON CONFLICT DO UPDATE SET seen_seq = excluded.seen_seq;

UPDATE read_horizons SET unseen_count = (SELECT count(*) FROM messages m
    WHERE m.account_id = read_horizons.account_id AND m.conversation_id = read_horizons.conversation_id
      AND m.seq > read_horizons.seen_seq AND m.message_type != 2 AND m.author_id IS NOT read_horizons.user_id);
