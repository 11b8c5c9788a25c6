-- convo schema, version 8: unattended counts.
--
-- How many unattended conversations (no first reply yet, or waiting for a
-- reply) there are of each status, inbox, team and assignee, kept by
-- triggers as conversation_route_counts is for all conversations, so that
-- the four counts of the unattended list cost the same at any size. An
-- append fires the update trigger, but writes a count only when the
-- conversation moves in or out of "unattended".

CREATE TABLE conversation_unattended_counts (
    account_id  INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    inbox_id    INTEGER NOT NULL, -- 0 when none
    team_id     INTEGER NOT NULL, -- 0 when none
    assignee_id TEXT    NOT NULL, -- '' when unassigned
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, status, inbox_id, team_id, assignee_id)
) STRICT, WITHOUT ROWID;

INSERT INTO conversation_unattended_counts (account_id, status, inbox_id, team_id, assignee_id, n)
    SELECT account_id, status, coalesce(inbox_id, 0), coalesce(team_id, 0), coalesce(assignee_id, ''), count(*)
    FROM conversations WHERE first_reply_created_at IS NULL OR waiting_since IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER conversations_unattended_count_insert AFTER INSERT ON conversations
WHEN new.first_reply_created_at IS NULL OR new.waiting_since IS NOT NULL BEGIN
    INSERT INTO conversation_unattended_counts (account_id, status, inbox_id, team_id, assignee_id, n)
        VALUES (new.account_id, new.status, coalesce(new.inbox_id, 0), coalesce(new.team_id, 0), coalesce(new.assignee_id, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER conversations_unattended_count_delete AFTER DELETE ON conversations
WHEN old.first_reply_created_at IS NULL OR old.waiting_since IS NOT NULL BEGIN
    UPDATE conversation_unattended_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status AND inbox_id = coalesce(old.inbox_id, 0)
          AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, '');
END;

-- Fires on every append (which sets waiting_since); writes only when the
-- conversation enters or leaves "unattended", or moves while in it.
CREATE TRIGGER conversations_unattended_count_update
AFTER UPDATE OF status, assignee_id, inbox_id, team_id, waiting_since, first_reply_created_at ON conversations
WHEN (old.first_reply_created_at IS NULL OR old.waiting_since IS NOT NULL)
        IS NOT (new.first_reply_created_at IS NULL OR new.waiting_since IS NOT NULL)
  OR ((new.first_reply_created_at IS NULL OR new.waiting_since IS NOT NULL)
      AND (old.status IS NOT new.status OR old.assignee_id IS NOT new.assignee_id
           OR old.inbox_id IS NOT new.inbox_id OR old.team_id IS NOT new.team_id)) BEGIN
    UPDATE conversation_unattended_counts SET n = n - 1
        WHERE (old.first_reply_created_at IS NULL OR old.waiting_since IS NOT NULL)
          AND account_id = old.account_id AND status = old.status AND inbox_id = coalesce(old.inbox_id, 0)
          AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, '');
    INSERT INTO conversation_unattended_counts (account_id, status, inbox_id, team_id, assignee_id, n)
        SELECT new.account_id, new.status, coalesce(new.inbox_id, 0), coalesce(new.team_id, 0), coalesce(new.assignee_id, ''), 1
        WHERE new.first_reply_created_at IS NULL OR new.waiting_since IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
