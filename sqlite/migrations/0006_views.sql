-- Saved custom views (Store.SaveView): conditions a host lists
-- conversations by, under a name unique in the account. conditions is the
-- JSON of the condition list, in Chatwoot's payload form.
CREATE TABLE convo_views (
    account_id INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    conditions TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
) STRICT, WITHOUT ROWID;
