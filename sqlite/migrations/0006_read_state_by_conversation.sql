-- convo schema, version 6: the read state a message write changes sits
-- together, by conversation.
--
-- Every append moves the unseen count of each reader of its conversation
-- and the count of each of its audience rows (migration 2). Keyed by user
-- and by audience first, those rows lay on as many pages as the
-- conversation had readers, and an append wrote every one of them: about a
-- fifth of the pages an append writes. Keyed by conversation first, they
-- share a page. The user's rows are found through an index of keys (and
-- `direct`), which no message write changes; a total reads the unseen
-- count of the user's direct rows from the table.
--
-- A contact's conversations are indexed by contact alone: with the activity
-- time in the key, every append moved an entry of that index too, and one
-- contact's conversations are few enough to sort. The contact leads (its id
-- is unique in the file), so that a list by contact, whose account term
-- the store writes as +account_id, cannot walk the account's conversations
-- in the order of the sort instead.
--
-- SQLite cannot change a table's key in place: each table is copied into a
-- new one, and the triggers that name it are dropped first and made again.

DROP TRIGGER participants_horizon_insert;
DROP TRIGGER participants_horizon_delete;
DROP TRIGGER messages_unseen_insert;
DROP TRIGGER messages_unseen_delete;
DROP TRIGGER messages_unseen_retype;
DROP TRIGGER audiences_count_insert;
DROP TRIGGER conversation_audiences_list_insert;
DROP TRIGGER conversation_audiences_list_delete;

CREATE TABLE read_horizons_new (
    account_id      INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    user_id         TEXT    NOT NULL,
    seen_seq        INTEGER NOT NULL, -- messages up to this seq are seen
    unseen_count    INTEGER NOT NULL, -- maintained: messages by others, not activity, after seen_seq
    direct          INTEGER NOT NULL DEFAULT 0, -- maintained: 1 while the user is a participant
    PRIMARY KEY (account_id, conversation_id, user_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
INSERT INTO read_horizons_new (account_id, conversation_id, user_id, seen_seq, unseen_count, direct)
    SELECT account_id, conversation_id, user_id, seen_seq, unseen_count, direct FROM read_horizons;
DROP TABLE read_horizons;
ALTER TABLE read_horizons_new RENAME TO read_horizons;

-- A user's horizons: whether the user has one in a conversation, and
-- whether they take part in it directly, read from the index alone.
CREATE INDEX read_horizons_user ON read_horizons (user_id, account_id, conversation_id, direct);

CREATE TABLE conversation_audiences_new (
    account_id         INTEGER NOT NULL,
    conversation_id    INTEGER NOT NULL,
    audience_id        INTEGER NOT NULL, -- host-owned group of users
    non_activity_count INTEGER NOT NULL DEFAULT 0, -- maintained: the conversation's non_activity_count
    PRIMARY KEY (account_id, conversation_id, audience_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
INSERT INTO conversation_audiences_new (account_id, conversation_id, audience_id, non_activity_count)
    SELECT account_id, conversation_id, audience_id, non_activity_count FROM conversation_audiences;
DROP TABLE conversation_audiences;
ALTER TABLE conversation_audiences_new RENAME TO conversation_audiences;

-- An audience's conversations with their counts, read from the index
-- alone. The count moves with each message, but one page per audience of
-- a conversation is what an append writes for it either way.
CREATE INDEX conversation_audiences_audience ON conversation_audiences
    (audience_id, account_id, conversation_id, non_activity_count);

-- No index on the last activity alone: a list of several statuses by last
-- activity merges one ordered walk of conversations_status_activity per
-- status (sqlite/conversation_list.go, mergedPageQuery), so an append moves
-- entries of two activity indexes, not three.
DROP INDEX conversations_activity;

DROP INDEX conversations_contact;
CREATE INDEX conversations_contact ON conversations (contact_id, account_id);

-- The triggers of migrations 2 and 3, as they were.

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

CREATE TRIGGER audiences_count_insert AFTER INSERT ON conversation_audiences BEGIN
    UPDATE conversation_audiences SET non_activity_count = (SELECT c.non_activity_count FROM conversations c
        WHERE c.account_id = new.account_id AND c.id = new.conversation_id)
        WHERE account_id = new.account_id AND audience_id = new.audience_id AND conversation_id = new.conversation_id;
END;

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

CREATE TRIGGER conversation_audiences_list_insert AFTER INSERT ON conversation_audiences BEGIN
    UPDATE conversations SET audience_list = (SELECT group_concat(audience_id, ',' ORDER BY audience_id)
        FROM conversation_audiences WHERE account_id = new.account_id AND conversation_id = new.conversation_id)
    WHERE id = new.conversation_id;
END;

CREATE TRIGGER conversation_audiences_list_delete AFTER DELETE ON conversation_audiences BEGIN
    UPDATE conversations SET audience_list = (SELECT group_concat(audience_id, ',' ORDER BY audience_id)
        FROM conversation_audiences WHERE account_id = old.account_id AND conversation_id = old.conversation_id)
    WHERE id = old.conversation_id;
END;

-- FTS5 merges a level of the message index once it holds this many
-- segments (migration 5 set 8). Every commit that adds messages writes a
-- segment, so merging is most of what the index costs an append: at 16,
-- each message is rewritten by fewer merges (appends ~25 % faster, measured
-- side by side). FTS5 does that merging a little after each commit; only
-- a level that reaches crisismerge segments is merged at once, inside one
-- commit. Its default, 16, equal to automerge, made every merge such a
-- stall (an append of 280 ms after a bulk load of a million messages): at
-- 64 the merging stays spread over commits.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 16);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('crisismerge', 64);
