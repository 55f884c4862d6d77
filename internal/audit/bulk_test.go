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

// TestAppendAllContinuesTheChain: events copied in bulk link to the row before them, and
// the next recorded event links to the last of them, so the whole trail verifies.
func TestAppendAllContinuesTheChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
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
	if res := verify(t, db); !res.OK() || res.Verified != 503 {
		t.Fatalf("chain after a bulk append: %+v, want 503 verified", res)
	}
	var first, last int64
	err = db.Pool.QueryRow(ctx, `SELECT min(id), max(id) FROM audit_events WHERE action = 'draft.updated'`).Scan(&first, &last)
	if err != nil || first != 3 || last != 502 {
		t.Errorf("bulk rows have ids %d to %d (%v), want 3 to 502", first, last, err)
	}
}
