package audit

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// columns are audit_events' columns in the order row.values gives them.
var columns = []string{"id", "occurred_at", "actor_user_id", "actor_username", "actor_role", "actor_branch",
	"session_ref", "request_id", "client_ip", "action", "entity_type", "entity_id", "before", "after",
	"reason", "outcome", "prev_hash", "hash"}

// AppendAll appends n events to the trail with one COPY, event(0) first, each chained
// exactly as Record chains one: under the same lock, from the same end of the chain, with
// the same hash. It is how `portal seed` writes millions of events; the caller's
// transaction holds the lock until it ends.
func AppendAll(ctx context.Context, tx pgx.Tx, n int64, event func(i int64) Event) error {
	first, prev, err := chainEnd(ctx, tx)
	if err != nil {
		return fmt.Errorf("audit.AppendAll: %w", err)
	}
	var i int64
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		r := row{Event: event(i), ID: first + i, PrevHash: prev}
		if err := r.complete(ctx); err != nil {
			return nil, err
		}
		r.Hash = r.hash()
		prev, i = r.Hash, i+1
		return r.values(), nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_events"}, columns, src); err != nil {
		return fmt.Errorf("audit.AppendAll: %w", err)
	}
	if n > 0 { // chainEnd took first from the sequence; the rest were taken here
		if _, err := tx.Exec(ctx, `SELECT setval('audit_events_id_seq', $1)`, first+n-1); err != nil {
			return fmt.Errorf("audit.AppendAll: %w", err)
		}
	}
	return nil
}

// values are the row's columns, once hashed.
func (r *row) values() []any {
	var userID any
	if r.UserID != 0 {
		userID = r.UserID
	}
	return []any{r.ID, r.OccurredAt, userID, r.Username, r.Role, r.Branch, r.SessionRef, r.RequestID,
		r.ClientIP, string(r.Action), r.EntityType, r.EntityID, r.beforeJSON, r.afterJSON, r.Reason,
		r.Outcome, r.PrevHash, r.Hash}
}
