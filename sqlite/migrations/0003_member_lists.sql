-- A conversation's labels, participant users and audiences, kept on the
-- conversation row as sorted, comma-separated text (NULL for none) by the
-- triggers below. Every read of a conversation needs all three, and reading
-- three columns costs far less than running three grouped subqueries per
-- row of a page; the lists change rarely, so their writes carry the cost.
-- The tables stay the source of truth and the filters' indexes.

ALTER TABLE conversations ADD COLUMN label_list TEXT;
ALTER TABLE conversations ADD COLUMN user_list TEXT;
ALTER TABLE conversations ADD COLUMN audience_list TEXT;

UPDATE conversations SET
    label_list = (SELECT group_concat(label, ',' ORDER BY label) FROM conversation_labels l
        WHERE l.conversation_id = conversations.id),
    user_list = (SELECT group_concat(user_id, ',' ORDER BY user_id) FROM conversation_participants p
        WHERE p.account_id = conversations.account_id AND p.conversation_id = conversations.id),
    audience_list = (SELECT group_concat(audience_id, ',' ORDER BY audience_id) FROM conversation_audiences a
        WHERE a.account_id = conversations.account_id AND a.conversation_id = conversations.id);

CREATE TRIGGER conversation_labels_list_insert AFTER INSERT ON conversation_labels BEGIN
    UPDATE conversations SET label_list = (SELECT group_concat(label, ',' ORDER BY label)
        FROM conversation_labels WHERE conversation_id = new.conversation_id)
    WHERE id = new.conversation_id;
END;

CREATE TRIGGER conversation_labels_list_delete AFTER DELETE ON conversation_labels BEGIN
    UPDATE conversations SET label_list = (SELECT group_concat(label, ',' ORDER BY label)
        FROM conversation_labels WHERE conversation_id = old.conversation_id)
    WHERE id = old.conversation_id;
END;

CREATE TRIGGER conversation_participants_list_insert AFTER INSERT ON conversation_participants BEGIN
    UPDATE conversations SET user_list = (SELECT group_concat(user_id, ',' ORDER BY user_id)
        FROM conversation_participants WHERE account_id = new.account_id AND conversation_id = new.conversation_id)
    WHERE id = new.conversation_id;
END;

CREATE TRIGGER conversation_participants_list_delete AFTER DELETE ON conversation_participants BEGIN
    UPDATE conversations SET user_list = (SELECT group_concat(user_id, ',' ORDER BY user_id)
        FROM conversation_participants WHERE account_id = old.account_id AND conversation_id = old.conversation_id)
    WHERE id = old.conversation_id;
END;

CREATE TRIGGER conversation_audiences_list_insert AFTER INSERT ON conversation_audiences BEGIN
    UPDATE conversations SET audience_list = (SELECT group_concat(audience_id, ',' ORDER BY audience_id)
        FROM conversation_audiences WHERE account_id = new.account_id AND conversation_id = new.conversation_id)
    WHERE id = new.conversation_id;
END;

CREATE TRIGGER conversation_audiences_list_delete AFTER DELETE ON conversation_audiences BEGIN
    UPDATE conversations SET audience_list = (SELECT group_concat(audience_id, ',' ORDER BY audience_id)
        FROM conversation_audiences WHERE account_id = old.account_id AND conversation_id = old.conversation_id)
    WHERE id = old.conversation_id;
END;
