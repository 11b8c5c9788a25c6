-- convo schema, version 10: labels indexed by account.
--
-- The labels' index was (label, conversation_id): a filter or count by
-- label walked the entries of every account that uses the label's name and
-- dropped the others' rows one by one. Each label row now carries its
-- conversation's account (set by a trigger, so every path that adds a
-- label sets it), and the index leads with it.

ALTER TABLE conversation_labels ADD COLUMN account_id INTEGER NOT NULL DEFAULT 0;

UPDATE conversation_labels SET account_id = (SELECT c.account_id FROM conversations c WHERE c.id = conversation_id);

DROP INDEX conversation_labels_label;

CREATE INDEX conversation_labels_label ON conversation_labels (account_id, label, conversation_id);

CREATE TRIGGER conversation_labels_account AFTER INSERT ON conversation_labels WHEN new.account_id = 0 BEGIN
    UPDATE conversation_labels SET account_id = (SELECT c.account_id FROM conversations c WHERE c.id = new.conversation_id)
        WHERE conversation_id = new.conversation_id AND label = new.label;
END;
