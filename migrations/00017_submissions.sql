-- +goose Up
-- A draft's submission to the CDP: one row per draft, moved through the states of
-- internal/submission/state.go. Its timeline (every change with who and when, every CDP
-- attempt) is the audit trail of entity "submission"; this row holds the current state and
-- what the queue and the approvals need.
CREATE TABLE submissions (
    draft_id         bigint PRIMARY KEY REFERENCES drafts (id),
    state            text NOT NULL CHECK (state IN ('draft', 'awaiting_approval', 'approved', 'returned',
                         'queued', 'sending', 'onboarded', 'under_investigation', 'rejected',
                         'needs_attention', 'resubmitted')),
    country          text NOT NULL,
    branch           text NOT NULL,
    maker_id         bigint NOT NULL REFERENCES users (id),
    checker_id       bigint REFERENCES users (id),
    claimed_by       bigint REFERENCES users (id),
    claim_expires_at timestamptz,
    round            integer NOT NULL DEFAULT 1 CHECK (round > 0),
    returns          integer NOT NULL DEFAULT 0 CHECK (returns >= 0),
    ecrn             text CHECK (ecrn ~ '^[0-9]{1,32}$'),
    -- an attempt may have reached the CDP without an answer: look the customer up first
    needs_lookup     boolean NOT NULL DEFAULT false,
    -- why it came back: {"by": "checker" | "cdp", "comment": "...", "fields": {"name": "reason"}}
    return_note      jsonb,
    submitted_at     timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK ((claimed_by IS NULL) = (claim_expires_at IS NULL)),
    CHECK (checker_id IS NULL OR checker_id <> maker_id)
);
CREATE INDEX submissions_branch_state ON submissions (branch, state, submitted_at);
CREATE INDEX submissions_ecrn ON submissions (ecrn) WHERE ecrn IS NOT NULL;

-- AML alert closures received, by alert id: a second delivery of an id is a replay.
CREATE TABLE cdp_alert_closures (
    alert_id    text PRIMARY KEY CHECK (length(alert_id) BETWEEN 1 AND 100),
    ecrn        text NOT NULL,
    received_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE cdp_alert_closures;
DROP TABLE submissions;
