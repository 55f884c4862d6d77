-- +goose Up
-- Our own records are searched by any part of a customer's name, not only its start
-- ("Menon", "O'Br", "آل مكتوم"): each draft keeps, in draft_name_parts, its folded name
-- from each word on ("fatima al maktoum", "al maktoum", "maktoum"), and a prefix of any of
-- them is an index range (docs/search.md).
--
-- name_fold is search_fold, then apostrophes dropped ("O'Brien" is "obrien"), hyphens as
-- spaces, and Arabic written one way: the alef forms as bare alef, alef maqsura as ya, ta
-- marbuta as ha, no harakat and no tatweel.
CREATE FUNCTION name_fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN btrim(regexp_replace(regexp_replace(
        translate(search_fold(t), 'آأإٱىة-''’', 'ااااىه '),
        '[\u064B-\u065F\u0670\u0640]', '', 'g'), '\s+', ' ', 'g'));

-- Every word-start suffix of a draft's folded name.
CREATE FUNCTION draft_name_parts(v jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(array_agg(array_to_string(w[i:], ' ') ORDER BY i), '{}')
        FROM (SELECT string_to_array(name_fold(concat_ws(' ', v->>'first_name', v->>'middle_name', v->>'last_name')), ' ') AS w) s,
            generate_subscripts(s.w, 1) AS i);

CREATE TABLE draft_name_parts (
    draft_id bigint NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    branch   text NOT NULL,
    part     text COLLATE "C" NOT NULL,
    PRIMARY KEY (branch, part, draft_id)
);
-- Admins search every branch.
CREATE INDEX draft_name_parts_part ON draft_name_parts (part, draft_id);
CREATE INDEX draft_name_parts_draft ON draft_name_parts (draft_id);

-- +goose StatementBegin
CREATE FUNCTION draft_name_parts_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM draft_name_parts WHERE draft_id = NEW.id;
    INSERT INTO draft_name_parts (draft_id, branch, part)
        SELECT DISTINCT NEW.id, NEW.branch, p FROM unnest(draft_name_parts(NEW.values)) AS p WHERE p <> '';
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER drafts_name_parts AFTER INSERT OR UPDATE OF values, branch ON drafts
    FOR EACH ROW EXECUTE FUNCTION draft_name_parts_sync();

INSERT INTO draft_name_parts (draft_id, branch, part)
    SELECT DISTINCT d.id, d.branch, p FROM drafts d, unnest(draft_name_parts(d.values)) AS p WHERE p <> '';

-- +goose Down
DROP TRIGGER drafts_name_parts ON drafts;
DROP FUNCTION draft_name_parts_sync();
DROP TABLE draft_name_parts;
DROP FUNCTION draft_name_parts(jsonb);
DROP FUNCTION name_fold(text);
