-- +goose Up
CREATE TABLE audit_events (
    id             bigint PRIMARY KEY,
    occurred_at    timestamptz NOT NULL,
    actor_user_id  bigint,
    actor_username text NOT NULL,
    actor_role     text NOT NULL,
    actor_branch   text NOT NULL,
    session_ref    text NOT NULL,
    request_id     text NOT NULL,
    client_ip      text NOT NULL,
    action         text NOT NULL,
    entity_type    text NOT NULL,
    entity_id      text NOT NULL,
    before         jsonb,
    after          jsonb,
    reason         text NOT NULL,
    outcome        text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    prev_hash      bytea NOT NULL,
    hash           bytea NOT NULL UNIQUE
);
CREATE SEQUENCE audit_events_id_seq OWNED BY audit_events.id;
CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX audit_events_actor ON audit_events (actor_user_id, id);
CREATE INDEX audit_events_branch ON audit_events (actor_branch, id);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, id);

-- The trail is append-only: no role, the owner included, may change or remove a row.
-- +goose StatementBegin
CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- +goose Down
DROP TABLE audit_events;
DROP FUNCTION audit_events_refuse_change();
