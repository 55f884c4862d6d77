package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Entry is a stored event as a history page shows it.
type Entry struct {
	OccurredAt time.Time
	Username   string
	Role       string
	Action     Action
	Before     map[string]any
	After      map[string]any
	Reason     string
	Outcome    string
}

// History lists the events of one entity, oldest first (at most limit).
func History(ctx context.Context, q Querier, entityType, entityID string, limit int) ([]Entry, error) {
	rows, err := q.Query(ctx, `SELECT occurred_at, actor_username, actor_role, action, before, after, reason, outcome
		FROM audit_events WHERE entity_type = $1 AND entity_id = $2 ORDER BY id LIMIT $3`, entityType, entityID, limit)
	if err != nil {
		return nil, fmt.Errorf("audit.History(%s %s): %w", entityType, entityID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Entry, error) {
		var e Entry
		var before, after []byte
		err := r.Scan(&e.OccurredAt, &e.Username, &e.Role, &e.Action, &before, &after, &e.Reason, &e.Outcome)
		if err == nil && before != nil {
			err = json.Unmarshal(before, &e.Before)
		}
		if err == nil && after != nil {
			err = json.Unmarshal(after, &e.After)
		}
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("audit.History(%s %s): %w", entityType, entityID, err)
	}
	return out, nil
}
