-- +goose Up
-- The branch registry: a branch is a record, not free text on a user. Its CDP agent location
-- and channel are what the submission worker sends for the branch's customers
-- (docs/cdp.md); an inactive branch takes no new users.
CREATE TABLE branches (
    code            text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{0,19}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    country         text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    time_zone       text NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    cdp_location_id text NOT NULL DEFAULT '' CHECK (cdp_location_id ~ '^[0-9]{0,20}$'),
    -- The contract's sample channel, unless the CDP assigned the branch another one.
    channel         text NOT NULL DEFAULT 'WEB' CHECK (length(channel) BETWEEN 1 AND 20),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Every branch users already name becomes a record. What free text cannot say (its name,
-- time zone and CDP location) is left for an administrator to complete at /admin/branches:
-- until then the pre-flight check stops its submissions on the missing location, with a
-- supervisor task, and nothing is sent. The country is the one most of its users onboard.
INSERT INTO branches (code, name, country, time_zone)
SELECT u.branch, u.branch,
       coalesce((SELECT c FROM users x, unnest(x.countries) c WHERE x.branch = u.branch
                 GROUP BY c ORDER BY count(*) DESC, c LIMIT 1), 'AE'),
       'UTC'
FROM (SELECT DISTINCT upper(branch) AS branch FROM users) u
WHERE u.branch ~ '^[A-Z0-9][A-Z0-9-]{0,19}$';

-- +goose Down
DROP TABLE branches;
