-- Each account's words stand behind its mark: its id in base 36 and a dot
-- (words.go, accountMark), in a message's or contact's words and in every
-- query. The words indexes then keep each account's lexemes, and their
-- lists of rows, apart, so a search reads its own account's matches of a
-- word, never another account's. This rewrites the words of every message
-- and contact, the indexes dropped meanwhile and built again after, and
-- the triggers that bump the rows' versions off: the words are no part of
-- a message, a conversation or a contact as the store returns them.

CREATE FUNCTION pg_temp.convo_mark(account_id bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
	n bigint := account_id;
	mark text := '';
BEGIN
	LOOP
		mark := substr('0123456789abcdefghijklmnopqrstuvwxyz', (n % 36)::int + 1, 1) || mark;
		n := n / 36;
		EXIT WHEN n = 0;
	END LOOP;
	RETURN mark || '.';
END $$;

-- convo_cut cuts a lexeme to the 2046 bytes PostgreSQL keeps, at a
-- character, as cutLexeme does.
CREATE FUNCTION pg_temp.convo_cut(lexeme text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
	WHILE octet_length(lexeme) > 2046 LOOP
		lexeme := left(lexeme, -1);
	END LOOP;
	RETURN lexeme;
END $$;

CREATE FUNCTION pg_temp.convo_marked(words tsvector, mark text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT coalesce(string_agg(
		'''' || replace(replace(pg_temp.convo_cut(mark || u.lexeme), '\', '\\'), '''', '''''') || '''' ||
			CASE WHEN cardinality(u.positions) > 0 THEN ':' || array_to_string(u.positions, ',') ELSE '' END,
		' '), '')::tsvector
	FROM unnest(words) u
$$;

DROP INDEX convo_messages_words;
ALTER TABLE convo_messages DISABLE TRIGGER convo_messages_last_version;
UPDATE convo_messages SET words = pg_temp.convo_marked(words, pg_temp.convo_mark(account_id)) WHERE words <> '';
ALTER TABLE convo_messages ENABLE TRIGGER convo_messages_last_version;
CREATE INDEX convo_messages_words ON convo_messages USING gin (words) WITH (fastupdate = on);

DROP INDEX convo_contacts_words;
ALTER TABLE convo_contacts DISABLE TRIGGER convo_contacts_version;
UPDATE convo_contacts SET words = pg_temp.convo_marked(words, pg_temp.convo_mark(account_id)) WHERE words <> '';
ALTER TABLE convo_contacts ENABLE TRIGGER convo_contacts_version;
CREATE INDEX convo_contacts_words ON convo_contacts USING gin (words) WITH (fastupdate = off);
