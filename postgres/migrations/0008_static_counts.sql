-- The counts move by static statements, whose plans PL/pgSQL keeps for
-- the session: convo_count_move built each statement with format() and
-- ran it with EXECUTE, which plans it anew every time, so a conversation
-- moving between keys cost its update 0.2-0.5 ms. An append moves one
-- whenever it starts or ends the wait for a reply or makes its
-- conversation unread, so in a conversation that goes back and forth most
-- appends do, and a batch does for most of its conversations. The order
-- of the moves is unchanged (the lower key first), and the update trigger
-- now fires only when a key moves: its WHEN is checked without calling
-- the function.

-- convo_count_add counts the conversation in (d = 1) or out of (d = -1)
-- the row of tbl with the key k (text, in the table's key order).
CREATE FUNCTION convo_count_add(tbl text, k text[], d integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CASE tbl
    WHEN 'convo_conversation_counts' THEN
        IF d > 0 THEN
            INSERT INTO convo_conversation_counts AS t (account_id, status, assignee_id, n)
                VALUES (k[1]::bigint, k[2]::smallint, k[3], 1)
                ON CONFLICT (account_id, status, assignee_id) DO UPDATE SET n = t.n + 1;
        ELSE
            UPDATE convo_conversation_counts SET n = n - 1
                WHERE account_id = k[1]::bigint AND status = k[2]::smallint AND assignee_id = k[3];
        END IF;
    WHEN 'convo_conversation_route_counts' THEN
        IF d > 0 THEN
            INSERT INTO convo_conversation_route_counts AS t (account_id, status, assignee_id, inbox_id, team_id, n)
                VALUES (k[1]::bigint, k[2]::smallint, k[3], k[4]::bigint, k[5]::bigint, 1)
                ON CONFLICT (account_id, status, assignee_id, inbox_id, team_id) DO UPDATE SET n = t.n + 1;
        ELSE
            UPDATE convo_conversation_route_counts SET n = n - 1
                WHERE account_id = k[1]::bigint AND status = k[2]::smallint AND assignee_id = k[3]
                  AND inbox_id = k[4]::bigint AND team_id = k[5]::bigint;
        END IF;
    WHEN 'convo_conversation_unattended_counts' THEN
        IF d > 0 THEN
            INSERT INTO convo_conversation_unattended_counts AS t (account_id, status, assignee_id, inbox_id, team_id, n)
                VALUES (k[1]::bigint, k[2]::smallint, k[3], k[4]::bigint, k[5]::bigint, 1)
                ON CONFLICT (account_id, status, assignee_id, inbox_id, team_id) DO UPDATE SET n = t.n + 1;
        ELSE
            UPDATE convo_conversation_unattended_counts SET n = n - 1
                WHERE account_id = k[1]::bigint AND status = k[2]::smallint AND assignee_id = k[3]
                  AND inbox_id = k[4]::bigint AND team_id = k[5]::bigint;
        END IF;
    WHEN 'convo_unread_conversations' THEN
        IF d > 0 THEN
            INSERT INTO convo_unread_conversations AS t (account_id, assignee_id, n)
                VALUES (k[1]::bigint, k[2], 1)
                ON CONFLICT (account_id, assignee_id) DO UPDATE SET n = t.n + 1;
        ELSE
            UPDATE convo_unread_conversations SET n = n - 1 WHERE account_id = k[1]::bigint AND assignee_id = k[2];
        END IF;
    END CASE;
END $$;

-- convo_count_move moves one conversation out of its old key and into its
-- new one (NULL: none), the lower key first.
CREATE FUNCTION convo_count_move(tbl text, old_key text[], new_key text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF old_key IS NOT DISTINCT FROM new_key THEN
        RETURN;
    END IF;
    IF new_key IS NULL OR (old_key IS NOT NULL AND old_key::text < new_key::text) THEN
        PERFORM convo_count_add(tbl, old_key, -1);
        IF new_key IS NOT NULL THEN
            PERFORM convo_count_add(tbl, new_key, 1);
        END IF;
    ELSE
        PERFORM convo_count_add(tbl, new_key, 1);
        IF old_key IS NOT NULL THEN
            PERFORM convo_count_add(tbl, old_key, -1);
        END IF;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION convo_conversation_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o_route text[]; n_route text[]; o_unattended text[]; n_unattended text[];
    o_status text[]; n_status text[]; o_unread text[]; n_unread text[];
BEGIN
    IF TG_OP <> 'INSERT' THEN
        o_status := ARRAY[OLD.account_id::text, OLD.status::text, coalesce(OLD.assignee_id::text, '')];
        o_route := o_status || ARRAY[coalesce(OLD.inbox_id, 0)::text, coalesce(OLD.team_id, 0)::text];
        IF OLD.first_reply_created_at IS NULL OR OLD.waiting_since IS NOT NULL THEN o_unattended := o_route; END IF;
        IF OLD.unread_count > 0 THEN o_unread := ARRAY[OLD.account_id::text, coalesce(OLD.assignee_id::text, '')]; END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        n_status := ARRAY[NEW.account_id::text, NEW.status::text, coalesce(NEW.assignee_id::text, '')];
        n_route := n_status || ARRAY[coalesce(NEW.inbox_id, 0)::text, coalesce(NEW.team_id, 0)::text];
        IF NEW.first_reply_created_at IS NULL OR NEW.waiting_since IS NOT NULL THEN n_unattended := n_route; END IF;
        IF NEW.unread_count > 0 THEN n_unread := ARRAY[NEW.account_id::text, coalesce(NEW.assignee_id::text, '')]; END IF;
    END IF;
    PERFORM convo_count_move('convo_conversation_counts', o_status, n_status);
    PERFORM convo_count_move('convo_conversation_route_counts', o_route, n_route);
    PERFORM convo_count_move('convo_conversation_unattended_counts', o_unattended, n_unattended);
    PERFORM convo_count_move('convo_unread_conversations', o_unread, n_unread);
    -- Label counts follow the conversation's status and assignee. A
    -- deleted conversation's labels go after its row (ON DELETE CASCADE):
    -- they are counted down here, and the label trigger then finds no
    -- conversation.
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND o_status IS DISTINCT FROM n_status) THEN
        UPDATE convo_conversation_label_counts SET n = n - 1
            WHERE account_id = OLD.account_id AND status = OLD.status AND assignee_id = coalesce(OLD.assignee_id::text, '')
              AND label IN (SELECT label FROM convo_conversation_labels WHERE account_id = OLD.account_id AND conversation_id = OLD.id);
    END IF;
    IF TG_OP = 'UPDATE' AND o_status IS DISTINCT FROM n_status THEN
        INSERT INTO convo_conversation_label_counts (account_id, label, status, assignee_id, n)
            SELECT NEW.account_id, label, NEW.status, coalesce(NEW.assignee_id::text, ''), 1
            FROM convo_conversation_labels WHERE account_id = NEW.account_id AND conversation_id = NEW.id
            ON CONFLICT (account_id, label, status, assignee_id) DO UPDATE SET n = convo_conversation_label_counts.n + 1;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD; -- a BEFORE trigger: the row goes
    END IF;
    RETURN NULL;
END $$;

DROP FUNCTION convo_count_move(text, text[], text[], text[], text[]);

DROP TRIGGER convo_conversation_counts_update ON convo_conversations;
CREATE TRIGGER convo_conversation_counts_update AFTER UPDATE OF status, assignee_id, inbox_id, team_id,
    first_reply_created_at, waiting_since, unread_count ON convo_conversations
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
        OR OLD.inbox_id IS DISTINCT FROM NEW.inbox_id OR OLD.team_id IS DISTINCT FROM NEW.team_id
        OR (OLD.first_reply_created_at IS NULL OR OLD.waiting_since IS NOT NULL)
            IS DISTINCT FROM (NEW.first_reply_created_at IS NULL OR NEW.waiting_since IS NOT NULL)
        OR (OLD.unread_count > 0) IS DISTINCT FROM (NEW.unread_count > 0))
    EXECUTE FUNCTION convo_conversation_counts();
