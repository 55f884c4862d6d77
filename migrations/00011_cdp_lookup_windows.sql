-- +goose Up
-- Per-user CDP lookups counted in fixed windows, shared by every replica (docs/search.md).
-- A user keeps one row: counting in a new window deletes the old ones.
CREATE TABLE cdp_lookup_windows (
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    window_start timestamptz NOT NULL,
    lookups      integer NOT NULL CHECK (lookups > 0),
    PRIMARY KEY (user_id, window_start)
);

-- +goose Down
DROP TABLE cdp_lookup_windows;
