package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
)

// TestAppendAllEntersTheTree: events copied in bulk take the next ids, are sealed like
// any other, and hash the same read back from jsonb as when written.
func TestAppendAllEntersTheTree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	key := testKey(t)
	record(t, db, 2)
	at := time.Date(2026, 1, 2, 3, 4, 5, 678912345, time.UTC)
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		return audit.AppendAll(ctx, tx, 500, func(i int64) audit.Event {
			return audit.Event{Actor: audit.Actor{UserID: i % 3, Username: "agent", Role: "agent", Branch: "B1"},
				OccurredAt: at.Add(time.Duration(i) * time.Second), Action: audit.DraftUpdated,
				EntityType: "draft", EntityID: fmt.Sprint(i),
				Before: json.RawMessage(`{"z": 1, "a": null}`), After: map[string]any{"first_name": "Ünal"}}
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	record(t, db, 1)
	sealAll(t, db, key)
	if res := verify(t, db, key); !res.OK() || res.Verified != 503 {
		t.Fatalf("log after a bulk append: %+v, want 503 verified", res)
	}
	var first, last int64
	err = db.Pool.QueryRow(ctx, `SELECT min(id), max(id) FROM audit_events WHERE action = 'draft.updated'`).
		Scan(&first, &last)
	if err != nil || first != 3 || last != 502 {
		t.Errorf("bulk rows have ids %d to %d (%v), want 3 to 502", first, last, err)
	}
}
