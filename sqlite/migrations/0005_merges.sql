-- Merged conversations: where each went (Store.MergeConversations), so a
-- read of a merged id says so. A merge into a conversation that was
-- merged before moves the older redirects on, so into_id is always a
-- conversation that exists; deleting it drops its redirects.
CREATE TABLE convo_conversation_merges (
    account_id INTEGER NOT NULL,
    merged_id  INTEGER NOT NULL,
    into_id    INTEGER NOT NULL,
    merged_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, merged_id),
    FOREIGN KEY (account_id, into_id) REFERENCES convo_conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX convo_conversation_merges_into ON convo_conversation_merges (account_id, into_id);
