-- +goose Up
-- An update case: a draft started from a customer the CDP has (a Found lookup), sent as an
-- update under update_ecrn. cdp_record keeps the CDP's record as the draft's fields had it
-- when the case started, so that the agent and the checker see what the update changes.
ALTER TABLE drafts ADD COLUMN update_ecrn text CHECK (update_ecrn ~ '^[0-9]{1,32}$');
ALTER TABLE drafts ADD COLUMN cdp_record jsonb;

-- +goose Down
ALTER TABLE drafts DROP COLUMN cdp_record;
ALTER TABLE drafts DROP COLUMN update_ecrn;
