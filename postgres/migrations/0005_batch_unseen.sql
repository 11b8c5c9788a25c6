-- Unseen counts of a batch: AddMessages inserts many messages in one
-- statement and moves the horizons and audience counts they change in one
-- more (batchUnseen in append.go), each row once, rather than running the
-- unseen-count trigger once per message. While its insert runs, the
-- transaction-local setting convo.batch_unseen is 'on' and the insert
-- trigger stands aside (its WHEN is checked before the trigger is queued);
-- every other insert, a single append or an import, runs it as before.

DROP TRIGGER convo_unseen_messages ON convo_messages;
CREATE TRIGGER convo_unseen_messages AFTER DELETE OR UPDATE OF message_type, deleted_at ON convo_messages
    FOR EACH ROW EXECUTE FUNCTION convo_unseen_messages();
CREATE TRIGGER convo_unseen_messages_insert AFTER INSERT ON convo_messages
    FOR EACH ROW WHEN (current_setting('convo.batch_unseen', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION convo_unseen_messages();
