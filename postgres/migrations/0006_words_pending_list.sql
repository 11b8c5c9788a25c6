-- The words index of messages takes new entries into a pending list
-- (GIN fastupdate) of at most 256 kB, merged into the index when it is
-- full (by the insert that fills it, or by autovacuum). A batch of 1,000
-- messages then costs the index a merge of sorted entries instead of
-- 1,000 separate inserts, about half the batch's time; every search that
-- reads the index also reads the list, at most 256 kB (about 0.3 ms when
-- full, measured on 5,000 conversations). Without a bound, the default
-- 4 MB list would cost each search far more.
ALTER INDEX convo_messages_words SET (fastupdate = on, gin_pending_list_limit = 256);
