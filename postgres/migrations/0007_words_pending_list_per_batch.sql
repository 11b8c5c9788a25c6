-- The bound of the words index's pending list moves from the index to the
-- session (gin_pending_list_limit, which the index's own setting would
-- override): the store's connections keep 256 kB, and a batch of
-- AddMessages raises it to 4 MB for its transaction. A bulk load then
-- merges its entries into the index in runs sixteen times longer, which
-- halves the WAL its copies write (and the work behind it); a search
-- reads at most 4 MB of pending entries until the next single append (or
-- autovacuum) merges them.
ALTER INDEX convo_messages_words RESET (gin_pending_list_limit);
