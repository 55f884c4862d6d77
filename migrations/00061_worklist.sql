-- +goose Up
-- The branch worklist (docs/drafts.md): customers onboarded or updated through this portal
-- whose ID or visa expires soon, or whose periodic review falls due. The daily watch adds an
-- item once per customer, kind and due date; the unique key makes a second run a no-op.
CREATE TABLE worklist_items (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    branch      text NOT NULL,
    draft_id    bigint NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    ecrn        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('id_expiry', 'visa_expiry', 'review')),
    due_on      date NOT NULL,
    risk        text CHECK (risk IN ('high', 'medium', 'low')),
    found_on    date NOT NULL,
    renewal_id  bigint REFERENCES drafts (id) ON DELETE SET NULL, -- the update case started from it
    UNIQUE (ecrn, kind, due_on)
);
CREATE INDEX worklist_items_branch ON worklist_items (branch, due_on);

-- Reaching the customer about an item: each attempt, by whom, with what result.
CREATE TABLE worklist_contacts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id    bigint NOT NULL REFERENCES worklist_items (id) ON DELETE CASCADE,
    outcome    text NOT NULL CHECK (outcome IN ('called', 'visited', 'refused')),
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    by_user    bigint NOT NULL REFERENCES users (id),
    at         timestamptz NOT NULL
);
CREATE INDEX worklist_contacts_item ON worklist_contacts (item_id, at);

-- One watch a day whatever the number of replicas: the run that inserts the day's row works.
CREATE TABLE worklist_runs (
    day        date PRIMARY KEY,
    started_at timestamptz NOT NULL,
    items      integer NOT NULL DEFAULT 0
);

-- The watch reads onboarded customers: their submissions, by state.
CREATE INDEX submissions_onboarded ON submissions (ecrn, updated_at DESC) WHERE state = 'onboarded' AND ecrn IS NOT NULL;

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('returned', 'cdp_refusal',
    'onboarded', 'updated', 'rejected', 'investigation_closed', 'expiry_due', 'review_due'));

-- +goose Down
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('returned', 'cdp_refusal',
    'onboarded', 'updated', 'rejected', 'investigation_closed'));
DROP INDEX submissions_onboarded;
DROP TABLE worklist_runs;
DROP TABLE worklist_contacts;
DROP TABLE worklist_items;
