-- +goose Up
-- Retention (docs/retention.md). The audit trail may lose its oldest rows only past their
-- retention, only through `portal retention purge`, and only as a prefix of the chain whose
-- last hash is kept as the anchor that the next row must link to.
CREATE TABLE audit_anchors (
    up_to_id  bigint PRIMARY KEY,
    hash      bytea NOT NULL,
    purged    bigint NOT NULL,
    purged_at timestamptz NOT NULL
);

-- A customer under legal hold: nothing about them is purged while the hold stands.
CREATE TABLE legal_holds (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issued_country text NOT NULL CHECK (issued_country ~ '^[A-Z]{2}$'),
    id_type        text NOT NULL,
    id_number      text NOT NULL,
    reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    set_by         text NOT NULL,
    set_at         timestamptz NOT NULL,
    released_at    timestamptz
);
CREATE INDEX legal_holds_active ON legal_holds (issued_country, id_type, id_number) WHERE released_at IS NULL;

-- The purge announces a cut-off for its own transaction; rows younger than it, and every
-- UPDATE or TRUNCATE, are still refused.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cutoff text := current_setting('kyc.audit_purge_before', true);
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(cutoff, '') <> '' AND OLD.occurred_at < cutoff::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
DROP TABLE legal_holds;
DROP TABLE audit_anchors;
