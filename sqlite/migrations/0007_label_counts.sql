-- convo schema, version 7: label counts.
--
-- How many conversations of each status and assignee carry each label,
-- kept by triggers as conversation_counts is for statuses, so that the four
-- counts of a list filtered by one label cost the same at any size. A
-- label is written as it is stored (normalised); '' stands for no assignee.

CREATE TABLE conversation_label_counts (
    account_id  INTEGER NOT NULL,
    label       TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    assignee_id TEXT    NOT NULL, -- '' when unassigned
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, label, status, assignee_id)
) STRICT, WITHOUT ROWID;

INSERT INTO conversation_label_counts (account_id, label, status, assignee_id, n)
    SELECT c.account_id, l.label, c.status, coalesce(c.assignee_id, ''), count(*)
    FROM conversation_labels l JOIN conversations c ON c.id = l.conversation_id
    GROUP BY c.account_id, l.label, c.status, coalesce(c.assignee_id, '');

CREATE TRIGGER conversation_labels_count_insert AFTER INSERT ON conversation_labels BEGIN
    INSERT INTO conversation_label_counts (account_id, label, status, assignee_id, n)
        SELECT c.account_id, new.label, c.status, coalesce(c.assignee_id, ''), 1 FROM conversations c
        WHERE c.id = new.conversation_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- A label removed from a conversation that is still there. When a deleted
-- conversation takes its labels with it (ON DELETE CASCADE), SQLite deletes
-- them after the conversation's row, so this finds no conversation and
-- conversations_label_count_delete has counted them down already.
CREATE TRIGGER conversation_labels_count_delete AFTER DELETE ON conversation_labels BEGIN
    UPDATE conversation_label_counts SET n = n - 1
        WHERE (account_id, label, status, assignee_id) IN (SELECT c.account_id, old.label, c.status, coalesce(c.assignee_id, '')
            FROM conversations c WHERE c.id = old.conversation_id);
END;

CREATE TRIGGER conversations_label_count_delete BEFORE DELETE ON conversations WHEN old.label_list IS NOT NULL BEGIN
    UPDATE conversation_label_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND assignee_id = coalesce(old.assignee_id, '')
          AND label IN (SELECT label FROM conversation_labels WHERE conversation_id = old.id);
END;

CREATE TRIGGER conversations_label_count_update AFTER UPDATE OF status, assignee_id ON conversations
WHEN new.label_list IS NOT NULL AND (old.status IS NOT new.status OR old.assignee_id IS NOT new.assignee_id) BEGIN
    UPDATE conversation_label_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND assignee_id = coalesce(old.assignee_id, '')
          AND label IN (SELECT label FROM conversation_labels WHERE conversation_id = old.id);
    INSERT INTO conversation_label_counts (account_id, label, status, assignee_id, n)
        SELECT new.account_id, label, new.status, coalesce(new.assignee_id, ''), 1 FROM conversation_labels
        WHERE conversation_id = new.id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
