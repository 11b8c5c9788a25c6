-- An incoming message adds one to the unseen count of every horizon of its
-- conversation. With the count in an index, none of those updates could
-- be HOT: each wrote a new entry in both of the horizons' indexes. The
-- user's index now holds its key alone (a user's own horizons are a few
-- dozen rows, read from the table), and the table leaves room in each page
-- for the new versions of its rows, so the updates stay on their page and
-- touch no index. Measured with 3,000 single appends to the conversations
-- of the benchmark's 20,000 (four runs each way): 962 → 1,044 appends/s.
DROP INDEX convo_read_horizons_user;
CREATE INDEX convo_read_horizons_user ON convo_read_horizons (account_id, user_id, conversation_id);
ALTER TABLE convo_read_horizons SET (fillfactor = 85);
