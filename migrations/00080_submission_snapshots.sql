-- +goose Up
-- What each submission sent (the draft's values and its documents' SHA-256), and what the
-- one before it sent: a checker sees what changed since the last submission
-- (docs/submission.md).
ALTER TABLE submissions ADD COLUMN sent jsonb, ADD COLUMN previously_sent jsonb;

-- +goose Down
ALTER TABLE submissions DROP COLUMN sent, DROP COLUMN previously_sent;
