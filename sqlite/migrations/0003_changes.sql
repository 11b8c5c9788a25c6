-- The change feed: what each call changed, written in the call's own
-- transaction (store.Change).
--
-- Positions come from one sequence for the whole file: SQLite lets one
-- writer in at a time, so they increase in commit order in every account.
-- AUTOINCREMENT keeps a position from being handed out twice after
-- retention removed the newest changes.
CREATE TABLE convo_changes (
    position        INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL,
    kind            INTEGER NOT NULL, -- backend.ChangeKindCodes
    contact_id      INTEGER, -- NULL when none
    conversation_id INTEGER,
    message_id      INTEGER,
    user_id         TEXT,    -- a read state change's user
    seen_seq        INTEGER,
    fields          TEXT,    -- an update's fields, comma-separated
    at              INTEGER NOT NULL
) STRICT;

-- A reader's changes: the account's, by position.
CREATE INDEX convo_changes_account ON convo_changes (account_id, position);

-- Per account, the newest position retention removed: reading after an
-- older one is convo.ErrChangesExpired.
CREATE TABLE convo_change_trims (
    account_id INTEGER PRIMARY KEY,
    trimmed    INTEGER NOT NULL
) STRICT;

-- Durable consumers and the position each acknowledged.
CREATE TABLE convo_change_consumers (
    account_id INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    acked_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
) STRICT, WITHOUT ROWID;
