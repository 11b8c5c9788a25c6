-- A label is compared in byte order everywhere (convo_conversation_labels
-- keeps it COLLATE "C"), but its count rows kept it in the database's
-- default collation. The count triggers join the two: a comparison in the
-- labels' collation could not use the counts' primary key, so every label
-- count a conversation moved read the whole table, every account's rows
-- (0.3 ms a move at 20,000 conversations and 3,916 count rows, growing
-- with all the store's labels). In one collation the move is a probe of
-- the key: EXPLAIN of the trigger's generic plan, 2.6 ms (a sequential
-- scan per label) -> 0.5 ms (an index scan per label).
ALTER TABLE convo_conversation_label_counts ALTER COLUMN label TYPE text COLLATE "C";
