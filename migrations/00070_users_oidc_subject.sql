-- +goose Up
-- The identity provider's subject of an account signed in through single sign-on
-- ("<issuer> <sub>"): sign-ins find the account by it, never by a username the provider
-- could make collide with a local account. Such accounts have no password (password_hash '').
ALTER TABLE users ADD COLUMN oidc_subject text;
CREATE UNIQUE INDEX users_oidc_subject_key ON users (oidc_subject) WHERE oidc_subject IS NOT NULL;

-- Back-channel logout names a provider session (sid); our sessions keep it among their values.
CREATE INDEX sessions_oidc_sid ON sessions ((values ->> 'oidc_sid')) WHERE values ? 'oidc_sid';

-- +goose Down
DROP INDEX sessions_oidc_sid;
DROP INDEX users_oidc_subject_key;
ALTER TABLE users DROP COLUMN oidc_subject;
