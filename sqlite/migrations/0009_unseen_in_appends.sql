-- The unseen counts of new messages are no longer kept by a trigger on
-- each inserted message: it ran three statements per message and made
-- SQLite keep a statement journal for every insert (in a bulk load of a
-- million messages, about a fifth of the load's time). Migration 10 keeps
-- them once per conversation per call instead.
DROP TRIGGER convo_unseen_message_insert;
