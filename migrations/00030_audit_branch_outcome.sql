-- +goose NO TRANSACTION
-- +goose Up
-- A supervisor's review is always of their branch; refusals and failures are a sliver of
-- it. With only (actor_branch, id) the page of a branch's refusals read the whole trail
-- backwards (840 ms at 10M events, docs/performance.md). Built CONCURRENTLY: the trail is
-- large by the time this runs, and every audited request writes to it. A build that failed
-- half-way leaves an invalid index, which the DROP clears on the next attempt.
DROP INDEX CONCURRENTLY IF EXISTS audit_events_branch_outcome;
CREATE INDEX CONCURRENTLY audit_events_branch_outcome ON audit_events (actor_branch, outcome, id);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS audit_events_branch_outcome;
