-- convo schema, version 12: the inbox's page walks read only their index.
--
-- A list by last activity (the inbox's default sort) walks one of these two
-- indexes. A page the row cache holds then reads only each row's version
-- and its contact's (rowcache.go), and had to look the conversation up for
-- them, and for the assignee of a tab: a table seek per row, about a third
-- of the probe. The indexes now carry the assignee, the contact id and the
-- version. The id comes before them, as the sort's tie-break, so the order
-- is the one the page needs. The entries move on every append anyway
-- (last_activity_at does); other updates move them when they move the
-- version, which is most of them. (Without the assignee on the first
-- index, SQLite plans the merged lists of several statuses of one tab on
-- the second without its assignee, and sorts.)

DROP INDEX conversations_status_activity;
CREATE INDEX conversations_status_activity ON conversations
    (account_id, status, last_activity_at, id, assignee_id, contact_id, version);

DROP INDEX conversations_status_assignee_activity;
CREATE INDEX conversations_status_assignee_activity ON conversations
    (account_id, status, assignee_id, last_activity_at, id, contact_id, version);
