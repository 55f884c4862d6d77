-- +goose Up
-- A periodic review completed without an update case (docs/drafts.md): the agent confirms
-- that nothing changed, a checker other than the agent approves it or returns it. One
-- confirmation at a time waits on an item, and an approved one closes it: the customer's
-- next review falls due next_due, the approval's day plus the interval of its risk.
CREATE TABLE review_confirmations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id      bigint NOT NULL REFERENCES worklist_items (id) ON DELETE CASCADE,
    maker_id     bigint NOT NULL REFERENCES users (id),
    note         text NOT NULL CHECK (length(note) BETWEEN 3 AND 500),
    confirmed_at timestamptz NOT NULL,
    state        text NOT NULL DEFAULT 'awaiting_approval' CHECK (state IN ('awaiting_approval', 'approved', 'returned')),
    checker_id   bigint REFERENCES users (id),
    comment      text NOT NULL DEFAULT '' CHECK (length(comment) <= 1000),
    decided_at   timestamptz,
    next_due     date,
    CHECK (checker_id <> maker_id),
    CHECK ((state = 'awaiting_approval') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX review_confirmations_live ON review_confirmations (item_id) WHERE state <> 'returned';

-- An item leaves the worklist when it is done: closed_on, the day a review was approved.
ALTER TABLE worklist_items ADD COLUMN closed_on date;

-- The inbox learns of reviews decided and of claims released (docs/submission.md).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('returned', 'cdp_refusal',
    'onboarded', 'updated', 'rejected', 'investigation_closed', 'expiry_due', 'review_due', 'review_approved',
    'review_returned', 'claim_released'));

-- +goose Down
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('returned', 'cdp_refusal',
    'onboarded', 'updated', 'rejected', 'investigation_closed', 'expiry_due', 'review_due'));
ALTER TABLE worklist_items DROP COLUMN closed_on;
DROP TABLE review_confirmations;
