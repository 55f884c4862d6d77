-- +goose Up
-- Every event about one ID number, found by its keyed hash (audit.IDRef) without the trail
-- holding the number.
CREATE INDEX audit_events_id_hmac ON audit_events ((after->>'id_hmac'), id) WHERE after ? 'id_hmac';

-- +goose Down
DROP INDEX audit_events_id_hmac;
