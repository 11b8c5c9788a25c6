-- Phone numbers are E.164 and unique per account, as in Chatwoot.
--
-- The store writes every phone number in E.164 form ('+', then 1 to 15
-- digits, the first not 0: convo.NormalizePhone) and keeps one contact per
-- number in an account. Before this version any text was a phone number
-- and two contacts could share one. This migration never fails on such a
-- database and never drops a number:
--
--  1. A phone number that is E.164 once its spaces, dashes, dots and
--     parentheses are dropped ('+44 20 7946 0000') is stored in that form
--     ('+442079460000'), as the store would now store it; updated_at is
--     left as it was, as the number is the same.
--  2. Any other number ('123456789', 'abc+12312312321') is left as it is:
--     it cannot be read as E.164 without guessing a country. It reads back
--     as stored, an update that leaves it alone keeps it, and an update
--     that sets a phone must give an E.164 one.
--  3. Where contacts of one account share a number (as stored after step
--     1), the oldest contact (lowest id) keeps it; each other one's phone
--     is cleared and the number is moved to its additional_attributes, key
--     "convo_duplicate_phone", where the host can see it and decide.
--
-- Then a unique index holds the rule; blank phones (NULL) are exempt.

UPDATE convo_contacts
SET phone = replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '.', ''), '(', ''), ')', '')
WHERE phone IS NOT NULL
    AND phone != replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '.', ''), '(', ''), ')', '')
    AND replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '.', ''), '(', ''), ')', '') GLOB '+[1-9]*'
    AND length(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '.', ''), '(', ''), ')', '')) <= 16
    AND substr(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), 2) NOT GLOB '*[^0-9]*';

-- A plain index first, so that finding the duplicates is one seek a row.
CREATE INDEX convo_contacts_phone_migrating ON convo_contacts (account_id, phone);

UPDATE convo_contacts AS c
SET additional_attributes = json_set(
        CASE json_type(c.additional_attributes) WHEN 'object' THEN c.additional_attributes ELSE '{}' END,
        '$.convo_duplicate_phone', c.phone),
    phone = NULL
WHERE c.phone IS NOT NULL
    AND EXISTS (SELECT 1 FROM convo_contacts AS o WHERE o.account_id = c.account_id AND o.phone = c.phone AND o.id < c.id);

DROP INDEX convo_contacts_phone_migrating;

CREATE UNIQUE INDEX convo_contacts_phone ON convo_contacts (account_id, phone) WHERE phone IS NOT NULL;
