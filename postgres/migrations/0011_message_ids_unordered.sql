-- A message id is unique in the database (an import cannot take another
-- account's id), and a btree on id alone kept that. But that btree also
-- gives the messages newest first across every account, and a generic
-- plan, which cannot tell a small account from a large one, walked it for
-- a search newest first (the list's q, SearchMessages) where the primary
-- key (account_id, id) gives the same order for the account alone: a
-- 5,000-message account beside 100,000 other messages read theirs too
-- (the list's q 19 ms, against 1.7 ms alone). A hash index keeps the ids
-- unique and gives no order.
ALTER TABLE convo_messages DROP CONSTRAINT convo_messages_id_key;
ALTER TABLE convo_messages ADD CONSTRAINT convo_messages_id_excl EXCLUDE USING hash (id WITH =);
