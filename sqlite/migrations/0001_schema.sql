-- The convo schema.
--
-- Every table, index and trigger is named convo_*, so that convo lives in a
-- host application's own database file beside the host's tables.
--
-- Times are INTEGER microseconds since the Unix epoch, UTC (sqlite/time.go):
-- fixed width in meaning, sortable, exact to the microsecond. NULL is
-- "never". Every row carries account_id, and every reference between rows
-- includes it (composite foreign keys), so a row can only point at a row of
-- its own account.
--
-- Values the reads need at once are kept by the triggers at the end, in the
-- transaction of the write that changes them, grouped by what they keep:
-- whoever writes (this process, another one, an import), they stay true.

-- Tables

CREATE TABLE convo_contacts (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused
    account_id            INTEGER NOT NULL,
    first_name            TEXT    NOT NULL DEFAULT '',
    last_name             TEXT    NOT NULL DEFAULT '',
    nickname              TEXT    NOT NULL DEFAULT '',
    sort_name             TEXT    NOT NULL DEFAULT '', -- lower-cased complete name, for listing
    email                 TEXT,                        -- as given; NULL when unset
    email_key             TEXT,                        -- lower-cased email: unique per account
    phone                 TEXT,
    identifier            TEXT,                        -- the host's external id: unique per account
    avatar_url            TEXT    NOT NULL DEFAULT '',
    blocked               INTEGER NOT NULL DEFAULT 0,
    custom_attributes     TEXT    NOT NULL DEFAULT '{}',
    additional_attributes TEXT    NOT NULL DEFAULT '{}',
    last_activity_at      INTEGER,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    version               INTEGER NOT NULL DEFAULT 0,  -- maintained: see "Row versions"
    UNIQUE (account_id, id)
) STRICT;

CREATE UNIQUE INDEX convo_contacts_email ON convo_contacts (account_id, email_key) WHERE email_key IS NOT NULL;
CREATE UNIQUE INDEX convo_contacts_identifier ON convo_contacts (account_id, identifier) WHERE identifier IS NOT NULL;
CREATE INDEX convo_contacts_name ON convo_contacts (account_id, sort_name);

CREATE TABLE convo_conversations (
    id                           INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused
    uuid                         TEXT    NOT NULL,
    account_id                   INTEGER NOT NULL,
    contact_id                   INTEGER NOT NULL,
    channel                      TEXT    NOT NULL,
    inbox_id                     INTEGER,          -- NULL: none
    team_id                      INTEGER,          -- NULL: none
    assignee_id                  TEXT,             -- user UUID; NULL: unassigned
    author_id                    TEXT,             -- user UUID; NULL: started by the contact
    status                       INTEGER NOT NULL, -- 0 open, 1 resolved, 2 pending, 3 snoozed
    snoozed_until                INTEGER,
    priority                     INTEGER NOT NULL DEFAULT 0, -- 0 none, 1 low .. 4 urgent
    muted                        INTEGER NOT NULL DEFAULT 0,
    custom_attributes            TEXT    NOT NULL DEFAULT '{}',
    additional_attributes        TEXT    NOT NULL DEFAULT '{}',
    happened_at                  INTEGER NOT NULL,
    created_at                   INTEGER NOT NULL,
    updated_at                   INTEGER NOT NULL,
    last_activity_at             INTEGER NOT NULL,
    first_reply_created_at       INTEGER,
    waiting_since                INTEGER,
    agent_last_seen_at           INTEGER,
    assignee_last_seen_at        INTEGER,
    contact_last_seen_at         INTEGER,
    -- set by every message write, in the same statement as the message:
    last_incoming_at             INTEGER,
    messages_count               INTEGER NOT NULL DEFAULT 0,
    last_seq                     INTEGER NOT NULL DEFAULT 0, -- the last message sequence number handed out
    unread_count                 INTEGER NOT NULL DEFAULT 0, -- incoming messages after agent_last_seen_at
    last_non_activity_message_id INTEGER,
    non_activity_count           INTEGER NOT NULL DEFAULT 0, -- messages that are not activity
    -- maintained by the triggers below:
    label_list                   TEXT,    -- the labels, sorted, comma-separated; NULL: none
    user_list                    TEXT,    -- the participant users, likewise
    audience_list                TEXT,    -- the audiences, likewise
    version                      INTEGER NOT NULL DEFAULT 0,
    changed_at                   INTEGER, -- updated_at, while it is ahead of last_activity_at
    UNIQUE (account_id, id),
    UNIQUE (account_id, uuid),
    FOREIGN KEY (account_id, contact_id) REFERENCES convo_contacts (account_id, id)
) STRICT;

-- Indexes match the lists: every list is account-scoped, most are
-- status-scoped, and each sort walks an index instead of sorting. There is
-- no index on the last activity alone: a list of several statuses by last
-- activity merges one ordered walk of convo_conversations_status_activity
-- per status, so an append moves entries of two activity indexes, not
-- three.
CREATE INDEX convo_conversations_created ON convo_conversations (account_id, created_at);
CREATE INDEX convo_conversations_status_activity ON convo_conversations (account_id, status, last_activity_at);
CREATE INDEX convo_conversations_status_assignee_activity ON convo_conversations (account_id, status, assignee_id, last_activity_at);
CREATE INDEX convo_conversations_status_created ON convo_conversations (account_id, status, created_at);
-- A contact's conversations, by contact alone: with the activity time in
-- the key every append would move an entry here too, and one contact's
-- conversations are few enough to sort. The contact leads (its id is unique
-- in the file), so that a list by contact, whose account term the store
-- writes as +account_id, cannot walk the account's conversations instead.
CREATE INDEX convo_conversations_contact ON convo_conversations (contact_id, account_id);
-- Snoozes that wake by themselves, soonest first.
CREATE INDEX convo_conversations_snoozed ON convo_conversations (snoozed_until) WHERE status = 3 AND snoozed_until IS NOT NULL;
-- A conversation updated at or after T was either active at or after T
-- (convo_conversations_status_activity) or changed at or after T (here), so
-- a list or count filtered by update time reads only what matches.
CREATE INDEX convo_conversations_changed ON convo_conversations (account_id, changed_at) WHERE changed_at IS NOT NULL;

CREATE TABLE convo_conversation_labels (
    account_id      INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    label           TEXT    NOT NULL, -- normalised (convo.NormalizeLabels)
    PRIMARY KEY (conversation_id, label),
    FOREIGN KEY (account_id, conversation_id) REFERENCES convo_conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- A label's conversations, within the account.
CREATE INDEX convo_conversation_labels_label ON convo_conversation_labels (account_id, label, conversation_id);

CREATE TABLE convo_messages (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused
    account_id            INTEGER NOT NULL,
    conversation_id       INTEGER NOT NULL,
    seq                   INTEGER NOT NULL, -- 1, 2, 3, ... within the conversation
    content               TEXT    NOT NULL,
    content_type          TEXT    NOT NULL,
    content_attributes    TEXT    NOT NULL DEFAULT '{}',
    message_type          INTEGER NOT NULL, -- Chatwoot's code: 0 incoming, 1 outgoing, 2 activity, 3 template
    private               INTEGER NOT NULL DEFAULT 0,
    status                TEXT    NOT NULL,
    source_id             TEXT,             -- unique per account: the idempotency key
    sender_type           TEXT    NOT NULL,
    author_id             TEXT,
    written_at            INTEGER NOT NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    attachments           TEXT    NOT NULL DEFAULT '[]',
    external_source_ids   TEXT    NOT NULL DEFAULT '{}',
    additional_attributes TEXT    NOT NULL DEFAULT '{}',
    UNIQUE (account_id, conversation_id, seq),
    FOREIGN KEY (account_id, conversation_id) REFERENCES convo_conversations (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE UNIQUE INDEX convo_messages_source ON convo_messages (account_id, source_id) WHERE source_id IS NOT NULL;

-- Participants, audiences and read horizons (the users API).
--
-- A user sees a conversation when they are one of its participants or one
-- of their audiences (given by the host with each call) is on it. Each user
-- has a read horizon per conversation, on the message sequence number:
-- messages by others, not activity messages, after the horizon are unseen.
-- Every direct participant (the author included) has a horizon row, made
-- when they are added, and so has every user who wrote or marked seen. An
-- audience member with no row has never read and never written there, so
-- every non-activity message is unseen for them: the non_activity_count
-- kept on the conversation and on each of its audience rows. A user's total
-- unseen count so reads only their own horizon rows and their audiences'
-- rows, never the conversations, and stays exact without knowing the
-- members of an audience.
--
-- The rows a message write changes are keyed by conversation first, so
-- that one append writes one page of each table, not one per reader.

CREATE TABLE convo_conversation_participants (
    account_id      INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    user_id         TEXT    NOT NULL, -- user UUID
    PRIMARY KEY (account_id, conversation_id, user_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES convo_conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The conversations of a user.
CREATE INDEX convo_conversation_participants_user ON convo_conversation_participants (account_id, user_id, conversation_id);

CREATE TABLE convo_conversation_audiences (
    account_id         INTEGER NOT NULL,
    conversation_id    INTEGER NOT NULL,
    audience_id        INTEGER NOT NULL, -- a host-owned group of users
    non_activity_count INTEGER NOT NULL DEFAULT 0, -- maintained: the conversation's non_activity_count
    PRIMARY KEY (account_id, conversation_id, audience_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES convo_conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- An audience's conversations with their counts, read from the index alone.
CREATE INDEX convo_conversation_audiences_audience ON convo_conversation_audiences
    (audience_id, account_id, conversation_id, non_activity_count);

-- Kept when a participant is removed: their read state comes back with
-- them, and the row records that they wrote there.
CREATE TABLE convo_read_horizons (
    account_id      INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    user_id         TEXT    NOT NULL,
    seen_seq        INTEGER NOT NULL, -- messages up to this seq are seen
    unseen_count    INTEGER NOT NULL, -- maintained: messages by others, not activity, after seen_seq
    direct          INTEGER NOT NULL DEFAULT 0, -- maintained: 1 while the user is a participant
    PRIMARY KEY (account_id, conversation_id, user_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES convo_conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- A user's horizons: whether the user has one in a conversation, and
-- whether they take part in it directly, read from the index alone.
CREATE INDEX convo_read_horizons_user ON convo_read_horizons (user_id, account_id, conversation_id, direct);

-- Counts, so that the inbox's counts cost the same however many
-- conversations there are. '' and 0 stand for "none", so that keys are
-- never NULL.

-- By status and assignee.
CREATE TABLE convo_conversation_counts (
    account_id  INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    assignee_id TEXT    NOT NULL, -- '' when unassigned
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, status, assignee_id)
) STRICT, WITHOUT ROWID;

-- The same, split by inbox and team, for counts filtered by them.
CREATE TABLE convo_conversation_route_counts (
    account_id  INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    inbox_id    INTEGER NOT NULL, -- 0 when none
    team_id     INTEGER NOT NULL, -- 0 when none
    assignee_id TEXT    NOT NULL, -- '' when unassigned
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, status, inbox_id, team_id, assignee_id)
) STRICT, WITHOUT ROWID;

-- The same for unattended conversations (no first reply yet, or waiting
-- for a reply).
CREATE TABLE convo_conversation_unattended_counts (
    account_id  INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    inbox_id    INTEGER NOT NULL, -- 0 when none
    team_id     INTEGER NOT NULL, -- 0 when none
    assignee_id TEXT    NOT NULL, -- '' when unassigned
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, status, inbox_id, team_id, assignee_id)
) STRICT, WITHOUT ROWID;

-- By label (as stored, normalised), status and assignee.
CREATE TABLE convo_conversation_label_counts (
    account_id  INTEGER NOT NULL,
    label       TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    assignee_id TEXT    NOT NULL, -- '' when unassigned
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, label, status, assignee_id)
) STRICT, WITHOUT ROWID;

-- How many conversations of each assignee have unread messages.
CREATE TABLE convo_unread_conversations (
    account_id  INTEGER NOT NULL,
    assignee_id TEXT    NOT NULL, -- '' when unassigned
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, assignee_id)
) STRICT, WITHOUT ROWID;

-- Full-text search (FTS5). convo_messages_fts indexes a message's content,
-- convo_contacts_fts a contact's names, email, phone and identifier. Both
-- are external-content tables: the text lives once, in its own table, and
-- the index rowid is the record's id, so a match joins its record by
-- primary key and snippet() reads the content back. unicode61 with
-- remove_diacritics 2 folds case and accents (cafe = café). A prefix index
-- turns a prefix* of that many characters into one doclist, read newest
-- first: 3 characters for messages (each length indexed costs about as
-- much again on every write), 2 and 3 for contacts (type-ahead, a small
-- table). FTS5's own merging (a level at 4 segments, at once at 16) holds:
-- every segment is one more seek for each term of every search.

CREATE VIRTUAL TABLE convo_messages_fts USING fts5(
    content,
    content = 'convo_messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3'
);

CREATE VIRTUAL TABLE convo_contacts_fts USING fts5(
    sort_name, nickname, email, phone, identifier,
    content = 'convo_contacts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- The message index follows the messages a little behind (sqlite/indexer.go):
-- the store indexes the messages added since the last time in one
-- transaction, shortly after they commit and before any search.
-- indexed_through is the newest message id the index holds: every message
-- up to it is in the index, none after it.
CREATE TABLE convo_index_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through INTEGER NOT NULL
) STRICT;

INSERT INTO convo_index_state (id, indexed_through) VALUES (1, 0);

-- Triggers, by what they keep true.

-- Row versions: every change to what a conversation reads as (its row, its
-- labels and participants, its last non-activity message) moves its
-- version, and every change to a contact moves the contact's, so a reader
-- that holds a conversation (the store's row cache) can tell from the two
-- versions alone whether it is current, whoever wrote. A statement that
-- sets the version itself (the append's) skips the trigger's second write.
-- Imports start a row's version at a random number, so a deleted id
-- imported again never meets its old versions.

CREATE TRIGGER convo_conversations_version AFTER UPDATE ON convo_conversations WHEN new.version = old.version BEGIN
    UPDATE convo_conversations SET version = old.version + 1 WHERE id = new.id;
END;

CREATE TRIGGER convo_contacts_version AFTER UPDATE ON convo_contacts WHEN new.version = old.version BEGIN
    UPDATE convo_contacts SET version = old.version + 1 WHERE id = new.id;
END;

CREATE TRIGGER convo_messages_last_version AFTER UPDATE ON convo_messages BEGIN
    UPDATE convo_conversations SET version = version + 1
        WHERE account_id = new.account_id AND id = new.conversation_id AND last_non_activity_message_id = new.id;
END;

-- Member lists: a conversation's labels, participant users and audiences
-- on its row, as sorted, comma-separated text. Every read of a
-- conversation needs all three, and three columns cost far less than three
-- grouped subqueries per row of a page; the lists change rarely. The
-- tables stay the source of truth and the filters' indexes.

CREATE TRIGGER convo_labels_list_insert AFTER INSERT ON convo_conversation_labels BEGIN
    UPDATE convo_conversations SET label_list = (SELECT group_concat(label, ',' ORDER BY label)
        FROM convo_conversation_labels WHERE conversation_id = new.conversation_id)
    WHERE id = new.conversation_id;
END;

CREATE TRIGGER convo_labels_list_delete AFTER DELETE ON convo_conversation_labels BEGIN
    UPDATE convo_conversations SET label_list = (SELECT group_concat(label, ',' ORDER BY label)
        FROM convo_conversation_labels WHERE conversation_id = old.conversation_id)
    WHERE id = old.conversation_id;
END;

CREATE TRIGGER convo_participants_list_insert AFTER INSERT ON convo_conversation_participants BEGIN
    UPDATE convo_conversations SET user_list = (SELECT group_concat(user_id, ',' ORDER BY user_id)
        FROM convo_conversation_participants WHERE account_id = new.account_id AND conversation_id = new.conversation_id)
    WHERE id = new.conversation_id;
END;

CREATE TRIGGER convo_participants_list_delete AFTER DELETE ON convo_conversation_participants BEGIN
    UPDATE convo_conversations SET user_list = (SELECT group_concat(user_id, ',' ORDER BY user_id)
        FROM convo_conversation_participants WHERE account_id = old.account_id AND conversation_id = old.conversation_id)
    WHERE id = old.conversation_id;
END;

CREATE TRIGGER convo_audiences_list_insert AFTER INSERT ON convo_conversation_audiences BEGIN
    UPDATE convo_conversations SET audience_list = (SELECT group_concat(audience_id, ',' ORDER BY audience_id)
        FROM convo_conversation_audiences WHERE account_id = new.account_id AND conversation_id = new.conversation_id)
    WHERE id = new.conversation_id;
END;

CREATE TRIGGER convo_audiences_list_delete AFTER DELETE ON convo_conversation_audiences BEGIN
    UPDATE convo_conversations SET audience_list = (SELECT group_concat(audience_id, ',' ORDER BY audience_id)
        FROM convo_conversation_audiences WHERE account_id = old.account_id AND conversation_id = old.conversation_id)
    WHERE id = old.conversation_id;
END;

-- Status counts: convo_conversation_counts and
-- convo_conversation_route_counts follow every conversation's status,
-- assignee, inbox and team.

CREATE TRIGGER convo_status_count_insert AFTER INSERT ON convo_conversations BEGIN
    INSERT INTO convo_conversation_counts (account_id, status, assignee_id, n)
        VALUES (new.account_id, new.status, coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO convo_conversation_route_counts (account_id, status, inbox_id, team_id, assignee_id, n)
        VALUES (new.account_id, new.status, coalesce(new.inbox_id, 0), coalesce(new.team_id, 0), coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER convo_status_count_delete AFTER DELETE ON convo_conversations BEGIN
    UPDATE convo_conversation_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND assignee_id = coalesce(old.assignee_id, '');
    UPDATE convo_conversation_route_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND inbox_id = coalesce(old.inbox_id, 0)
          AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, '');
END;

CREATE TRIGGER convo_status_count_update AFTER UPDATE OF status, assignee_id, inbox_id, team_id ON convo_conversations
WHEN old.status IS NOT new.status OR old.assignee_id IS NOT new.assignee_id
  OR old.inbox_id IS NOT new.inbox_id OR old.team_id IS NOT new.team_id BEGIN
    UPDATE convo_conversation_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND assignee_id = coalesce(old.assignee_id, '');
    INSERT INTO convo_conversation_counts (account_id, status, assignee_id, n)
        VALUES (new.account_id, new.status, coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    UPDATE convo_conversation_route_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND inbox_id = coalesce(old.inbox_id, 0)
          AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, '');
    INSERT INTO convo_conversation_route_counts (account_id, status, inbox_id, team_id, assignee_id, n)
        VALUES (new.account_id, new.status, coalesce(new.inbox_id, 0), coalesce(new.team_id, 0), coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Unattended counts: convo_conversation_unattended_counts follows the
-- conversations with no first reply or waiting for one. An append fires the
-- update trigger but writes only when the conversation enters or leaves
-- "unattended", or moves while in it.

CREATE TRIGGER convo_unattended_count_insert AFTER INSERT ON convo_conversations
WHEN new.first_reply_created_at IS NULL OR new.waiting_since IS NOT NULL BEGIN
    INSERT INTO convo_conversation_unattended_counts (account_id, status, inbox_id, team_id, assignee_id, n)
        VALUES (new.account_id, new.status, coalesce(new.inbox_id, 0), coalesce(new.team_id, 0), coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER convo_unattended_count_delete AFTER DELETE ON convo_conversations
WHEN old.first_reply_created_at IS NULL OR old.waiting_since IS NOT NULL BEGIN
    UPDATE convo_conversation_unattended_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND inbox_id = coalesce(old.inbox_id, 0)
          AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, '');
END;

CREATE TRIGGER convo_unattended_count_update
AFTER UPDATE OF status, assignee_id, inbox_id, team_id, waiting_since, first_reply_created_at ON convo_conversations
WHEN (old.first_reply_created_at IS NULL OR old.waiting_since IS NOT NULL)
        IS NOT (new.first_reply_created_at IS NULL OR new.waiting_since IS NOT NULL)
  OR ((new.first_reply_created_at IS NULL OR new.waiting_since IS NOT NULL)
      AND (old.status IS NOT new.status OR old.assignee_id IS NOT new.assignee_id
           OR old.inbox_id IS NOT new.inbox_id OR old.team_id IS NOT new.team_id)) BEGIN
    UPDATE convo_conversation_unattended_counts SET n = n - 1
        WHERE (old.first_reply_created_at IS NULL OR old.waiting_since IS NOT NULL)
          AND account_id = old.account_id AND status = old.status AND inbox_id = coalesce(old.inbox_id, 0)
          AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, '');
    INSERT INTO convo_conversation_unattended_counts (account_id, status, inbox_id, team_id, assignee_id, n)
        SELECT new.account_id, new.status, coalesce(new.inbox_id, 0), coalesce(new.team_id, 0), coalesce(new.assignee_id, ''), 1
        WHERE new.first_reply_created_at IS NULL OR new.waiting_since IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Label counts: convo_conversation_label_counts follows each label's
-- conversations and their status and assignee.

CREATE TRIGGER convo_label_count_insert AFTER INSERT ON convo_conversation_labels BEGIN
    INSERT INTO convo_conversation_label_counts (account_id, label, status, assignee_id, n)
        SELECT c.account_id, new.label, c.status, coalesce(c.assignee_id, ''), 1 FROM convo_conversations c
        WHERE c.account_id = new.account_id AND c.id = new.conversation_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- A label removed from a conversation that is still there. When a deleted
-- conversation takes its labels with it (ON DELETE CASCADE), SQLite deletes
-- them after the conversation's row, so this finds no conversation and
-- convo_label_count_conversation_delete has counted them down already.
CREATE TRIGGER convo_label_count_delete AFTER DELETE ON convo_conversation_labels BEGIN
    UPDATE convo_conversation_label_counts SET n = n - 1
        WHERE (account_id, label, status, assignee_id) IN (SELECT c.account_id, old.label, c.status, coalesce(c.assignee_id, '')
            FROM convo_conversations c WHERE c.account_id = old.account_id AND c.id = old.conversation_id);
END;

CREATE TRIGGER convo_label_count_conversation_delete BEFORE DELETE ON convo_conversations WHEN old.label_list IS NOT NULL BEGIN
    UPDATE convo_conversation_label_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND assignee_id = coalesce(old.assignee_id, '')
          AND label IN (SELECT label FROM convo_conversation_labels WHERE conversation_id = old.id);
END;

CREATE TRIGGER convo_label_count_conversation_update AFTER UPDATE OF status, assignee_id ON convo_conversations
WHEN new.label_list IS NOT NULL AND (old.status IS NOT new.status OR old.assignee_id IS NOT new.assignee_id) BEGIN
    UPDATE convo_conversation_label_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND assignee_id = coalesce(old.assignee_id, '')
          AND label IN (SELECT label FROM convo_conversation_labels WHERE conversation_id = old.id);
    INSERT INTO convo_conversation_label_counts (account_id, label, status, assignee_id, n)
        SELECT new.account_id, label, new.status, coalesce(new.assignee_id, ''), 1 FROM convo_conversation_labels
        WHERE conversation_id = new.id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Unread by assignee: convo_unread_conversations follows which
-- conversations have unread messages and who they are assigned to.

CREATE TRIGGER convo_unread_insert AFTER INSERT ON convo_conversations WHEN new.unread_count > 0 BEGIN
    INSERT INTO convo_unread_conversations (account_id, assignee_id, n)
        VALUES (new.account_id, coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER convo_unread_delete AFTER DELETE ON convo_conversations WHEN old.unread_count > 0 BEGIN
    UPDATE convo_unread_conversations SET n = n - 1
        WHERE account_id = old.account_id AND assignee_id = coalesce(old.assignee_id, '');
END;

CREATE TRIGGER convo_unread_update AFTER UPDATE OF unread_count, assignee_id ON convo_conversations
WHEN (old.unread_count > 0) != (new.unread_count > 0) OR old.assignee_id IS NOT new.assignee_id BEGIN
    UPDATE convo_unread_conversations SET n = n - 1
        WHERE old.unread_count > 0 AND account_id = old.account_id AND assignee_id = coalesce(old.assignee_id, '');
    INSERT INTO convo_unread_conversations (account_id, assignee_id, n)
        SELECT new.account_id, coalesce(new.assignee_id, ''), 1 WHERE new.unread_count > 0
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Unseen counts: every horizon's unseen_count and every audience row's
-- non_activity_count follow the messages. A new message is unseen for
-- every reader behind it but its author, whose horizon moves to it. The
-- conversation's own non_activity_count moves in the append's update of the
-- conversation row, which writes that row anyway; imports recount it.

-- A participant has a horizon from the moment they are added: a new one
-- has seen nothing.
CREATE TRIGGER convo_participant_horizon_insert AFTER INSERT ON convo_conversation_participants BEGIN
    INSERT INTO convo_read_horizons (account_id, user_id, conversation_id, seen_seq, unseen_count, direct)
        SELECT new.account_id, new.user_id, new.conversation_id, 0, c.non_activity_count, 1 FROM convo_conversations c
        WHERE c.account_id = new.account_id AND c.id = new.conversation_id
        ON CONFLICT DO UPDATE SET direct = 1;
END;

CREATE TRIGGER convo_participant_horizon_delete AFTER DELETE ON convo_conversation_participants BEGIN
    UPDATE convo_read_horizons SET direct = 0
        WHERE account_id = old.account_id AND user_id = old.user_id AND conversation_id = old.conversation_id;
END;

-- An audience row starts with its conversation's count.
CREATE TRIGGER convo_audience_count_insert AFTER INSERT ON convo_conversation_audiences BEGIN
    UPDATE convo_conversation_audiences SET non_activity_count = (SELECT c.non_activity_count FROM convo_conversations c
        WHERE c.account_id = new.account_id AND c.id = new.conversation_id)
        WHERE account_id = new.account_id AND audience_id = new.audience_id AND conversation_id = new.conversation_id;
END;

CREATE TRIGGER convo_unseen_message_insert AFTER INSERT ON convo_messages BEGIN
    UPDATE convo_conversation_audiences SET non_activity_count = non_activity_count + 1
        WHERE new.message_type != 2 AND account_id = new.account_id AND conversation_id = new.conversation_id;
    UPDATE convo_read_horizons SET unseen_count = unseen_count + 1
        WHERE new.message_type != 2 AND account_id = new.account_id AND conversation_id = new.conversation_id
          AND seen_seq < new.seq AND user_id IS NOT new.author_id;
    INSERT INTO convo_read_horizons (account_id, user_id, conversation_id, seen_seq, unseen_count)
        SELECT new.account_id, new.author_id, new.conversation_id, new.seq, 0 WHERE new.author_id IS NOT NULL
        ON CONFLICT DO UPDATE SET seen_seq = max(seen_seq, excluded.seen_seq), unseen_count = 0;
END;

CREATE TRIGGER convo_unseen_message_delete AFTER DELETE ON convo_messages WHEN old.message_type != 2 BEGIN
    UPDATE convo_conversations SET non_activity_count = non_activity_count - 1
        WHERE account_id = old.account_id AND id = old.conversation_id;
    UPDATE convo_conversation_audiences SET non_activity_count = non_activity_count - 1
        WHERE account_id = old.account_id AND conversation_id = old.conversation_id;
    UPDATE convo_read_horizons SET unseen_count = unseen_count - 1
        WHERE account_id = old.account_id AND conversation_id = old.conversation_id
          AND seen_seq < old.seq AND user_id IS NOT old.author_id;
END;

-- A message that becomes, or stops being, an activity message.
CREATE TRIGGER convo_unseen_message_retype AFTER UPDATE OF message_type ON convo_messages
WHEN (old.message_type = 2) != (new.message_type = 2) BEGIN
    UPDATE convo_conversations SET non_activity_count = non_activity_count + iif(new.message_type = 2, -1, 1)
        WHERE account_id = new.account_id AND id = new.conversation_id;
    UPDATE convo_conversation_audiences SET non_activity_count = non_activity_count + iif(new.message_type = 2, -1, 1)
        WHERE account_id = new.account_id AND conversation_id = new.conversation_id;
    UPDATE convo_read_horizons SET unseen_count = unseen_count + iif(new.message_type = 2, -1, 1)
        WHERE account_id = new.account_id AND conversation_id = new.conversation_id
          AND seen_seq < new.seq AND user_id IS NOT new.author_id;
END;

-- Last change: changed_at keeps updated_at while it is ahead of the last
-- activity. updated_at moves on every append and every other change, so an
-- index on it would cost every append a write; an append sets updated_at
-- and last_activity_at to one time (or, when the clock steps back, leaves
-- updated_at behind), so updated_at is ahead of the last activity only
-- after a change that was not an append, or an import.

CREATE TRIGGER convo_changed_insert AFTER INSERT ON convo_conversations
WHEN new.updated_at > new.last_activity_at AND new.changed_at IS NOT new.updated_at BEGIN
    UPDATE convo_conversations SET changed_at = new.updated_at WHERE id = new.id;
END;

CREATE TRIGGER convo_changed_update AFTER UPDATE OF updated_at ON convo_conversations
WHEN new.updated_at > new.last_activity_at AND new.changed_at IS NOT new.updated_at BEGIN
    UPDATE convo_conversations SET changed_at = new.updated_at WHERE id = new.id;
END;

-- Full-text indexes: edits and deletes of the messages the index holds (up
-- to the mark: one after it is indexed as it is when its turn comes), and
-- every change of a contact's searched fields.

CREATE TRIGGER convo_messages_fts_delete AFTER DELETE ON convo_messages
WHEN old.id <= (SELECT indexed_through FROM convo_index_state) BEGIN
    INSERT INTO convo_messages_fts (convo_messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;

CREATE TRIGGER convo_messages_fts_update AFTER UPDATE OF content ON convo_messages
WHEN old.content IS NOT new.content AND old.id <= (SELECT indexed_through FROM convo_index_state) BEGIN
    INSERT INTO convo_messages_fts (convo_messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO convo_messages_fts (rowid, content) VALUES (new.id, new.content);
END;

CREATE TRIGGER convo_contacts_fts_insert AFTER INSERT ON convo_contacts BEGIN
    INSERT INTO convo_contacts_fts (rowid, sort_name, nickname, email, phone, identifier)
        VALUES (new.id, new.sort_name, new.nickname, new.email, new.phone, new.identifier);
END;

CREATE TRIGGER convo_contacts_fts_delete AFTER DELETE ON convo_contacts BEGIN
    INSERT INTO convo_contacts_fts (convo_contacts_fts, rowid, sort_name, nickname, email, phone, identifier)
        VALUES ('delete', old.id, old.sort_name, old.nickname, old.email, old.phone, old.identifier);
END;

CREATE TRIGGER convo_contacts_fts_update AFTER UPDATE OF sort_name, nickname, email, phone, identifier ON convo_contacts BEGIN
    INSERT INTO convo_contacts_fts (convo_contacts_fts, rowid, sort_name, nickname, email, phone, identifier)
        VALUES ('delete', old.id, old.sort_name, old.nickname, old.email, old.phone, old.identifier);
    INSERT INTO convo_contacts_fts (rowid, sort_name, nickname, email, phone, identifier)
        VALUES (new.id, new.sort_name, new.nickname, new.email, new.phone, new.identifier);
END;
