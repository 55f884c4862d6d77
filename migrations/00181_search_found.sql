-- +goose Up
-- The customers a session found by ID (docs/search.md): the customer page opens only for
-- them. A row goes with its session (logout, expiry, an administrator ending it). It holds
-- the document's country and type and its number sealed under a key derived from the
-- session's cookie, which the server never stores: the table alone gives no ID number.
CREATE TABLE search_found (
    session_hash   bytea NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
    ecrn           text NOT NULL,
    country        text NOT NULL,
    id_type        text NOT NULL,
    issued_country text NOT NULL,
    number_sealed  bytea NOT NULL,
    found_at       timestamptz NOT NULL,
    PRIMARY KEY (session_hash, ecrn)
);

-- What sessions kept of it before, a list inside their values, goes: the search asks again.
UPDATE sessions SET values = values - 'found_customers' WHERE values ? 'found_customers';

-- +goose Down
DROP TABLE search_found;
