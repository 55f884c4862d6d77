-- +goose Up
-- Every autosave of a draft rewrites its values, and the trigger of 00082 then deleted and
-- inserted again the draft's name parts, with their three indexes and the dead rows left to
-- vacuum, whatever field changed: a city, a phone. The parts are now rewritten only when
-- the name or the branch changed (docs/performance.md, "The audit log under load").
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION draft_name_parts_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.branch = OLD.branch
        AND draft_name_parts(NEW.values) = draft_name_parts(OLD.values) THEN
        RETURN NULL;
    END IF;
    DELETE FROM draft_name_parts WHERE draft_id = NEW.id;
    INSERT INTO draft_name_parts (draft_id, branch, part)
        SELECT DISTINCT NEW.id, NEW.branch, p FROM unnest(draft_name_parts(NEW.values)) AS p WHERE p <> '';
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION draft_name_parts_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM draft_name_parts WHERE draft_id = NEW.id;
    INSERT INTO draft_name_parts (draft_id, branch, part)
        SELECT DISTINCT NEW.id, NEW.branch, p FROM unnest(draft_name_parts(NEW.values)) AS p WHERE p <> '';
    RETURN NULL;
END
$$;
-- +goose StatementEnd
