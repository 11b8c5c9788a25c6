-- convo schema, version 1.
--
-- Times are INTEGER microseconds since the Unix epoch, UTC (sqlite/time.go):
-- fixed width in meaning, sortable, exact to the microsecond. NULL is "never".
-- Every row carries account_id, and every reference between rows includes it
-- (composite foreign keys), so a row can only point at a row of its own account.

CREATE TABLE contacts (
    id                    INTEGER PRIMARY KEY,
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
    id                           INTEGER PRIMARY KEY,
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

CREATE INDEX conversations_activity ON conversations (account_id, last_activity_at);
CREATE INDEX conversations_created ON conversations (account_id, created_at);
CREATE INDEX conversations_contact ON conversations (account_id, contact_id, last_activity_at);

CREATE TABLE conversation_labels (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    label           TEXT    NOT NULL,
    PRIMARY KEY (conversation_id, label)
) STRICT, WITHOUT ROWID;

CREATE TABLE messages (
    id                    INTEGER PRIMARY KEY,
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
