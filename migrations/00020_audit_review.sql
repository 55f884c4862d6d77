-- +goose Up
-- Outcomes of `verify` runs, shown on the audit page. Not part of the chain: a record of
-- checking it.
CREATE TABLE audit_verifications (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    by_username text NOT NULL,
    scope       text NOT NULL, -- a branch, or '' for the whole chain
    verified    bigint NOT NULL,
    broken_id   bigint
);
CREATE INDEX audit_verifications_scope_at ON audit_verifications (scope, at DESC);
-- Review filters: newest first within an actor or an action.
CREATE INDEX audit_events_username ON audit_events (actor_username, id);
CREATE INDEX audit_events_action ON audit_events (action text_pattern_ops, id);
CREATE INDEX audit_events_ecrn ON audit_events ((after->>'ecrn')) WHERE after ? 'ecrn';

-- +goose Down
DROP INDEX audit_events_ecrn;
DROP INDEX audit_events_action;
DROP INDEX audit_events_username;
DROP TABLE audit_verifications;
