-- An append keeps the unseen counts itself (backend.Unseen): it reads the
-- horizons of its conversations and writes each horizon and audience row
-- it moves once per call, where this trigger wrote them at every insert.
-- The trigger cost a bulk load of a million messages a fifth of its time:
-- its three statements per message, and the statement journal SQLite
-- keeps for an insert whose trigger writes. An import moves its authors'
-- horizons and recounts the rest from its messages.
DROP TRIGGER convo_unseen_message_insert;
