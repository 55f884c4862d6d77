-- +goose Up
-- An update case sends an update of a customer the CDP has already (a correction of an
-- onboarded customer): onboarded, it reads "updated" in the case list (docs/drafts.md).
ALTER TABLE submissions ADD COLUMN kind text NOT NULL DEFAULT 'onboard' CHECK (kind IN ('onboard', 'update'));

-- The case list: an agent's own cases, and a branch's for its supervisors, newest first.
-- The first replaces the index of "My drafts", which listed open drafts only.
DROP INDEX drafts_created_by;
CREATE INDEX drafts_owner_cases ON drafts (created_by, updated_at DESC) WHERE status <> 'discarded';
CREATE INDEX drafts_branch_cases ON drafts (branch, updated_at DESC) WHERE status <> 'discarded';

-- The in-app inbox: one row per user and event, written in the transaction of the change
-- it tells about. branch is the user's branch when it was written: a user moved to another
-- branch no longer sees the old branch's cases. Kept 90 days (docs/retention.md).
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    branch     text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('returned', 'cdp_refusal', 'onboarded', 'updated', 'rejected',
                   'investigation_closed')),
    draft_id   bigint REFERENCES drafts (id) ON DELETE CASCADE,
    message    text NOT NULL CHECK (length(message) BETWEEN 1 AND 500),
    created_at timestamptz NOT NULL,
    read_at    timestamptz
);
CREATE INDEX notifications_inbox ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_age ON notifications (created_at);

-- +goose Down
DROP TABLE notifications;
DROP INDEX drafts_branch_cases;
DROP INDEX drafts_owner_cases;
CREATE INDEX drafts_created_by ON drafts (created_by, updated_at DESC) WHERE status = 'open';
ALTER TABLE submissions DROP COLUMN kind;
