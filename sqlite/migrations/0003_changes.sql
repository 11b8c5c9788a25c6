-- The change feed: what each call changed, written in the call's own
-- transaction (store.Change).
--
-- Positions count each account's changes: a change takes the account's
-- newest position plus one, found in the key the row goes into, so that
-- recording a change writes one page more and no counter. SQLite lets one
-- writer in at a time, so positions increase in commit order. Retention
-- never removes an account's newest change, so a position is never
-- handed out twice.
CREATE TABLE convo_changes (
    account_id      INTEGER NOT NULL,
    position        INTEGER NOT NULL,
    kind            INTEGER NOT NULL, -- backend.ChangeKindCodes
    contact_id      INTEGER, -- NULL when none
    conversation_id INTEGER,
    message_id      INTEGER,
    user_id         TEXT,    -- a read state change's user
    seen_seq        INTEGER,
    fields          TEXT,    -- an update's fields, comma-separated
    at              INTEGER NOT NULL,
    PRIMARY KEY (account_id, position)
) STRICT, WITHOUT ROWID;

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
