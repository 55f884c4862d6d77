-- +goose Up
-- The interface language a user chose in the header's switcher; NULL: follow the browser.
ALTER TABLE users ADD COLUMN language text CHECK (language IN ('en', 'ar', 'ms'));

-- +goose Down
ALTER TABLE users DROP COLUMN language;
