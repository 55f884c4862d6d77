-- +goose Up
-- Customer search among our own records (docs/search.md): one index per way of searching,
-- sized for a million drafts.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- search_fold is how names compare: lower case, accents removed, runs of spaces as one.
-- unaccent() is only STABLE (its dictionary file could change), so it cannot be indexed as
-- it is; naming the dictionary inside an IMMUTABLE wrapper is the documented way round. The
-- SQL-standard body binds both at creation, so no caller's search_path changes its meaning.
CREATE FUNCTION search_fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(unaccent('unaccent'::regdictionary, regexp_replace(btrim(t), '\s+', ' ', 'g')));

-- The customer's name as a draft holds it, given names first, folded.
CREATE FUNCTION draft_search_name(v jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN search_fold(concat_ws(' ', v->>'first_name', v->>'middle_name', v->>'last_name'));

-- The customer's mobile number, digits only.
CREATE FUNCTION draft_search_phone(v jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(coalesce(v->>'primary_mobile_number', ''), '[^0-9]', '', 'g');

-- Exact identity: several drafts may hold one document (a discarded one, a colleague's), so
-- the key is made unique by the draft's id, which also gives the newest-first order.
-- It supersedes drafts_identity, its prefix.
DROP INDEX drafts_identity;
CREATE UNIQUE INDEX drafts_identity_key ON drafts (issued_country, id_type, id_number, id);

-- Name prefix: byte order ("C") lets LIKE 'abc%' become a range scan, and the search orders
-- by the same expression, so a page is read straight off the index.
CREATE INDEX drafts_name_prefix ON drafts ((draft_search_name(values) COLLATE "C"), id DESC);

-- Substrings of a phone number or an ID number: trigrams, hence at least 3 characters.
CREATE INDEX drafts_phone_trgm ON drafts USING gin (draft_search_phone(values) gin_trgm_ops);
CREATE INDEX drafts_id_number_trgm ON drafts USING gin (id_number gin_trgm_ops);

-- +goose Down
DROP INDEX drafts_id_number_trgm;
DROP INDEX drafts_phone_trgm;
DROP INDEX drafts_name_prefix;
DROP INDEX drafts_identity_key;
CREATE INDEX drafts_identity ON drafts (issued_country, id_type, id_number);
DROP FUNCTION draft_search_phone(jsonb);
DROP FUNCTION draft_search_name(jsonb);
DROP FUNCTION search_fold(text);
DROP EXTENSION pg_trgm;
DROP EXTENSION unaccent;
