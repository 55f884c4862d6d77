-- +goose Up
-- The hashes of a user's replaced passwords, so that a new password can be refused when it is
-- one of the last five (the current one and the four before it). Only the newest four are kept.
CREATE TABLE password_history (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    password_hash text NOT NULL,
    replaced_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_history_user ON password_history (user_id, id DESC);

-- +goose Down
DROP TABLE password_history;
