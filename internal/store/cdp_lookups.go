package store

import (
	"context"
	"fmt"
	"time"
)

// CountCDPLookup counts one CDP lookup of a user in the window that starts at start, and
// returns how many that window now holds. The user's earlier windows go in the same
// statement, so the table keeps one row a user. Replicas share the count.
func CountCDPLookup(ctx context.Context, q Querier, userID int64, start time.Time) (int, error) {
	var n int
	err := q.QueryRow(ctx, `WITH gone AS (
			DELETE FROM cdp_lookup_windows WHERE user_id = $1 AND window_start < $2)
		INSERT INTO cdp_lookup_windows (user_id, window_start, lookups) VALUES ($1, $2, 1)
		ON CONFLICT (user_id, window_start) DO UPDATE SET lookups = cdp_lookup_windows.lookups + 1
		RETURNING lookups`, userID, start).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store.CountCDPLookup(%d): %w", userID, err)
	}
	return n, nil
}
