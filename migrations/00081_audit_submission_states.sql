-- +goose NO TRANSACTION
-- +goose Up
-- The dashboard counts the entries of a branch's submissions into each state over a day,
-- a week and a month from the trail (docs/submission.md): this partial index holds just
-- those events, so that the count reads them and not the month's whole trail. Built
-- CONCURRENTLY: the trail is large by the time this runs, and every audited request
-- writes to it; a build that failed half-way is cleared by the DROP on the next attempt.
DROP INDEX CONCURRENTLY IF EXISTS audit_events_submission_states;
CREATE INDEX CONCURRENTLY audit_events_submission_states
    ON audit_events (actor_branch, occurred_at, (after->>'state'))
    WHERE entity_type = 'submission' AND after ? 'state';

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS audit_events_submission_states;
