-- +goose Up
CREATE TABLE users (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username             text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name         text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    role                 text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    branch               text NOT NULL CHECK (length(branch) BETWEEN 1 AND 50),
    countries            text[] NOT NULL DEFAULT '{}',
    password_hash        text NOT NULL,
    must_change_password boolean NOT NULL DEFAULT false,
    totp_secret          text,
    active               boolean NOT NULL DEFAULT true,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (username);

-- Sessions live server-side so that they can be revoked. The cookie carries a random
-- token; only its SHA-256 is stored, so a leaked table does not hand out live sessions.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY,
    user_id      bigint REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    values       jsonb NOT NULL DEFAULT '{}',
    client_ip    text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_last_seen_at ON sessions (last_seen_at);

-- Failed logins counted per key ("user:<name>" or "ip:<address>").
CREATE TABLE login_failures (
    key             text PRIMARY KEY,
    failures        integer NOT NULL,
    last_failure_at timestamptz NOT NULL,
    locked_until    timestamptz
);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE users;
