-- convo schema, version 1.
--
-- Times are INTEGER microseconds since the Unix epoch, UTC (sqlite/time.go):
-- fixed width in meaning, sortable, exact to the microsecond. NULL is "never".
-- Every row carries account_id, and every reference between rows includes it
-- (composite foreign keys), so a row can only point at a row of its own account.

CREATE TABLE contacts (
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
    UNIQUE (account_id, id)
) STRICT;

CREATE UNIQUE INDEX contacts_email ON contacts (account_id, email_key) WHERE email_key IS NOT NULL;
CREATE UNIQUE INDEX contacts_identifier ON contacts (account_id, identifier) WHERE identifier IS NOT NULL;
CREATE INDEX contacts_name ON contacts (account_id, sort_name);

CREATE TABLE conversations (
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
    -- maintained by every message write, in the same transaction:
    last_incoming_at             INTEGER,
    messages_count               INTEGER NOT NULL DEFAULT 0,
    last_seq                     INTEGER NOT NULL DEFAULT 0, -- the last message sequence number handed out
    unread_count                 INTEGER NOT NULL DEFAULT 0, -- incoming messages after agent_last_seen_at
    last_non_activity_message_id INTEGER,
    UNIQUE (account_id, id),
    UNIQUE (account_id, uuid),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id)
) STRICT;

-- Indexes match the lists: every list is account-scoped, most are
-- status-scoped, and each sort walks an index instead of sorting.
CREATE INDEX conversations_activity ON conversations (account_id, last_activity_at);
CREATE INDEX conversations_created ON conversations (account_id, created_at);
CREATE INDEX conversations_contact ON conversations (account_id, contact_id, last_activity_at);
CREATE INDEX conversations_status_activity ON conversations (account_id, status, last_activity_at);
CREATE INDEX conversations_status_assignee_activity ON conversations (account_id, status, assignee_id, last_activity_at);
CREATE INDEX conversations_status_created ON conversations (account_id, status, created_at);
-- Snoozes that wake by themselves, soonest first.
CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE status = 3 AND snoozed_until IS NOT NULL;

-- Conversation counts, maintained by the triggers below so that the inbox's
-- four counts cost the same however many conversations there are.
-- '' and 0 stand for "none" so that the keys are never NULL.
CREATE TABLE conversation_counts (
    account_id  INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    assignee_id TEXT    NOT NULL, -- '' when unassigned
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, status, assignee_id)
) STRICT, WITHOUT ROWID;

-- The same, split by inbox and team, for counts filtered by them.
CREATE TABLE conversation_route_counts (
    account_id  INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    inbox_id    INTEGER NOT NULL, -- 0 when none
    team_id     INTEGER NOT NULL, -- 0 when none
    assignee_id TEXT    NOT NULL, -- '' when unassigned
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, status, inbox_id, team_id, assignee_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER conversations_count_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_counts (account_id, status, assignee_id, n)
        VALUES (new.account_id, new.status, coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO conversation_route_counts (account_id, status, inbox_id, team_id, assignee_id, n)
        VALUES (new.account_id, new.status, coalesce(new.inbox_id, 0), coalesce(new.team_id, 0), coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER conversations_count_delete AFTER DELETE ON conversations BEGIN
    UPDATE conversation_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND assignee_id = coalesce(old.assignee_id, '');
    UPDATE conversation_route_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND inbox_id = coalesce(old.inbox_id, 0)
          AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, '');
END;

CREATE TRIGGER conversations_count_update AFTER UPDATE OF status, assignee_id, inbox_id, team_id ON conversations
WHEN old.status IS NOT new.status OR old.assignee_id IS NOT new.assignee_id
  OR old.inbox_id IS NOT new.inbox_id OR old.team_id IS NOT new.team_id BEGIN
    UPDATE conversation_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND assignee_id = coalesce(old.assignee_id, '');
    INSERT INTO conversation_counts (account_id, status, assignee_id, n)
        VALUES (new.account_id, new.status, coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    UPDATE conversation_route_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND inbox_id = coalesce(old.inbox_id, 0)
          AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, '');
    INSERT INTO conversation_route_counts (account_id, status, inbox_id, team_id, assignee_id, n)
        VALUES (new.account_id, new.status, coalesce(new.inbox_id, 0), coalesce(new.team_id, 0), coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- How many conversations of each assignee have unread messages, maintained
-- by triggers, so an agent's unread count costs the same at any size.
CREATE TABLE unread_conversations (
    account_id  INTEGER NOT NULL,
    assignee_id TEXT    NOT NULL, -- '' when unassigned
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, assignee_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER conversations_unread_insert AFTER INSERT ON conversations WHEN new.unread_count > 0 BEGIN
    INSERT INTO unread_conversations (account_id, assignee_id, n)
        VALUES (new.account_id, coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER conversations_unread_delete AFTER DELETE ON conversations WHEN old.unread_count > 0 BEGIN
    UPDATE unread_conversations SET n = n - 1
        WHERE account_id = old.account_id AND assignee_id = coalesce(old.assignee_id, '');
END;

CREATE TRIGGER conversations_unread_update AFTER UPDATE OF unread_count, assignee_id ON conversations
WHEN (old.unread_count > 0) != (new.unread_count > 0) OR old.assignee_id IS NOT new.assignee_id BEGIN
    UPDATE unread_conversations SET n = n - 1
        WHERE old.unread_count > 0 AND account_id = old.account_id AND assignee_id = coalesce(old.assignee_id, '');
    INSERT INTO unread_conversations (account_id, assignee_id, n)
        SELECT new.account_id, coalesce(new.assignee_id, ''), 1 WHERE new.unread_count > 0
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TABLE conversation_labels (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    label           TEXT    NOT NULL,
    PRIMARY KEY (conversation_id, label)
) STRICT, WITHOUT ROWID;

CREATE INDEX conversation_labels_label ON conversation_labels (label, conversation_id);

CREATE TABLE messages (
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
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE UNIQUE INDEX messages_source ON messages (account_id, source_id) WHERE source_id IS NOT NULL;
