-- +goose Up
-- The audit log as a Merkle tree (docs/audit.md). Appends no longer link to the row before
-- them: an event is inserted with neither prev_hash nor hash, under no lock, in one
-- statement. A sealer gives committed events consecutive positions in the tree and signs
-- checkpoints. The chain columns keep the former trail's links, checked once when sealed.
ALTER TABLE audit_events ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN hash DROP NOT NULL,
    ALTER COLUMN id SET DEFAULT nextval('audit_events_id_seq');

-- Events committed but not yet in the tree: a work queue, the one audit table rows leave
-- (the sealer deletes them in the transaction that writes their leaves).
CREATE TABLE audit_unsealed (
    event_id    bigint PRIMARY KEY,
    enqueued_at timestamptz NOT NULL DEFAULT now()
);
-- Every chained event of the former trail waits to be carried into the tree, oldest first.
INSERT INTO audit_unsealed (event_id) SELECT id FROM audit_events;

-- One statement-level trigger queues every insert, COPY included, at one INSERT per
-- statement rather than one per row.
-- +goose StatementBegin
CREATE FUNCTION audit_events_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_unsealed (event_id) SELECT id FROM inserted;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_queue AFTER INSERT ON audit_events
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION audit_events_queue();

-- The leaves: position in the tree, the event, and the tree hashes this leaf completes
-- (golang.org/x/mod/sumdb/tlog's stored hashes of record `position`, leaf hash first,
-- 32 bytes each). Kept when retention purges the event's content, so proofs stay valid.
CREATE TABLE audit_leaves (
    position  bigint PRIMARY KEY CHECK (position >= 0),
    event_id  bigint NOT NULL UNIQUE,
    hashes    bytea NOT NULL CHECK (length(hashes) % 32 = 0 AND length(hashes) > 0),
    sealed_at timestamptz NOT NULL
);

-- Signed checkpoints: the tree's size and root after each sealed batch, as a signed note.
CREATE TABLE audit_checkpoints (
    tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
    root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
    note      text NOT NULL,
    signed_at timestamptz NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_leaves_append_only BEFORE UPDATE OR DELETE ON audit_leaves
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_leaves_no_truncate BEFORE TRUNCATE ON audit_leaves
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_anchors_append_only BEFORE UPDATE OR DELETE ON audit_anchors
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- +goose Down
DROP TRIGGER audit_anchors_no_truncate ON audit_anchors;
DROP TRIGGER audit_anchors_append_only ON audit_anchors;
DROP TABLE audit_checkpoints;
DROP TABLE audit_leaves;
DROP FUNCTION audit_append_only();
DROP TRIGGER audit_events_queue ON audit_events;
DROP FUNCTION audit_events_queue();
DROP TABLE audit_unsealed;
-- Rows written since have no chain hashes: the columns stay nullable.
ALTER TABLE audit_events ALTER COLUMN id DROP DEFAULT;
