-- +goose Up
-- One-time recovery codes of a second factor, shown once at enrolment. Only their SHA-256 is
-- kept: each code has 80 random bits, beyond an offline search of the hash.
CREATE TABLE totp_recovery_codes (
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- +goose Down
DROP TABLE totp_recovery_codes;
