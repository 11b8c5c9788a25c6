-- Merged conversations: where each went (Store.MergeConversations), so
-- that a read of a merged id says so (*convo.MergedError). A merge into a
-- conversation that was merged into before moves the older redirects on,
-- so into_id is always a conversation that exists; deleting it drops its
-- redirects (ON DELETE CASCADE), and with them the memory of the merges.

CREATE TABLE convo_conversation_merges (
    account_id bigint      NOT NULL,
    merged_id  bigint      NOT NULL, -- the conversation merged, gone since
    into_id    bigint      NOT NULL, -- the conversation its messages are in now
    merged_at  timestamptz NOT NULL,
    PRIMARY KEY (account_id, merged_id),
    FOREIGN KEY (account_id, into_id) REFERENCES convo_conversations (account_id, id) ON DELETE CASCADE
);

-- The redirects to a conversation: the merge that moves them on, and the
-- foreign key's cascade when it goes.
CREATE INDEX convo_conversation_merges_into ON convo_conversation_merges (account_id, into_id);
