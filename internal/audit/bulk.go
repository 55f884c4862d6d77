package audit

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// columns are the columns an append writes, in the order Row.values gives them; the id
// comes from the table's sequence.
var columns = []string{"occurred_at", "actor_user_id", "actor_username", "actor_role", "actor_branch",
	"session_ref", "request_id", "client_ip", "action", "entity_type", "entity_id", "before", "after",
	"reason", "outcome"}

// AppendAll appends n events to the trail with one COPY, event(0) first, each exactly as
// Record writes one. It is how `portal seed` writes millions of events; like any append
// they wait for the sealer (SealAll) to enter the tree.
func AppendAll(ctx context.Context, tx pgx.Tx, n int64, event func(i int64) Event) error {
	var i int64
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		e := event(i)
		if err := e.complete(ctx); err != nil {
			return nil, err
		}
		i++
		return e.row().values(), nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_events"}, columns, src); err != nil {
		return fmt.Errorf("audit.AppendAll: %w", err)
	}
	return nil
}

// values are the row's columns as an append writes them.
func (r Row) values() []any {
	var userID any
	if r.UserID != 0 {
		userID = r.UserID
	}
	return []any{r.OccurredAt, userID, r.Username, r.Role, r.Branch, r.SessionRef, r.RequestID,
		r.ClientIP, string(r.Action), r.EntityType, r.EntityID, r.Before, r.After, r.Reason, r.Outcome}
}
