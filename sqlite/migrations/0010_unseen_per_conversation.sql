-- The unseen counts of new messages, once per conversation per call: the
-- append's one update of its conversation (bumpMaintained in
-- sqlite/append.go), which raises non_activity_count and last_seq, adds
-- the new messages that are not activity to the audience rows and to
-- every horizon (all below the new messages: none is past the last seq),
-- and the append then moves each author's horizon to their last message,
-- with the messages after it unseen. Only an append raises both columns
-- in one update; an import moves its authors' horizons and recounts the
-- rest.
CREATE TRIGGER convo_unseen_append AFTER UPDATE OF non_activity_count ON convo_conversations
WHEN new.last_seq > old.last_seq AND new.non_activity_count > old.non_activity_count BEGIN
    UPDATE convo_conversation_audiences SET non_activity_count = non_activity_count + new.non_activity_count - old.non_activity_count
        WHERE account_id = new.account_id AND conversation_id = new.id;
    UPDATE convo_read_horizons SET unseen_count = unseen_count + new.non_activity_count - old.non_activity_count
        WHERE account_id = new.account_id AND conversation_id = new.id;
END;
