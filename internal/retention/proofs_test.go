package retention_test

import (
	"context"
	"errors"
	"testing"

	"kycportal/internal/audit"
	"kycportal/internal/retention"
	"kycportal/internal/testdb"
)

// TestProofsHoldAfterThePurge: the purge removes the content of old events but keeps the
// tree's hashes, so a checkpoint kept from before it is still consistent with the log, a
// proof made before it still checks, and a young event is still proven against the
// checkpoint signed after it. A purged event can no longer be proven: its content is gone.
func TestProofsHoldAfterThePurge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := setup(t)
	for _, age := range []int{900, 700, 10} { // days before now
		event(t, db, now.AddDate(0, 0, -age))
	}
	var oldest, young int64
	if err := db.Pool.QueryRow(ctx, `SELECT min(id), max(id) FROM audit_events`).Scan(&oldest, &young); err != nil {
		t.Fatal(err)
	}
	kept, err := audit.LatestCheckpoint(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	earlier, err := audit.Prove(ctx, db.Pool, young, kept)
	if err != nil {
		t.Fatal(err)
	}

	rep, err := retention.Purge(ctx, db, retention.Policy{AuditDays: 400, DiscardedDays: 30}, now, false)
	if err != nil || rep.AuditEvents != 2 {
		t.Fatalf("purge: %+v %v, want the 2 old events purged", rep, err)
	}
	testdb.SealAudit(t, db.Pool) // the purge's own event
	latest, err := audit.LatestCheckpoint(ctx, db.Pool)
	if err != nil || latest.Size != kept.Size+1 {
		t.Fatalf("the checkpoint after the purge: %+v %v, want one leaf more than %d", latest, err, kept.Size)
	}
	if err := audit.Consistent(ctx, db.Pool, kept, latest); err != nil {
		t.Errorf("the checkpoint kept from before the purge: %v", err)
	}
	if err := earlier.Check(kept); err != nil {
		t.Errorf("the proof made before the purge: %v", err)
	}
	proof, err := audit.Prove(ctx, db.Pool, young, latest)
	if err != nil {
		t.Fatal(err)
	}
	if err := proof.Check(latest); err != nil || proof.Position != 2 {
		t.Errorf("the young event after the purge: position %d, %v; want position 2 proven", proof.Position, err)
	}
	if _, err := audit.Prove(ctx, db.Pool, oldest, latest); !errors.Is(err, audit.ErrNotFound) {
		t.Errorf("proving a purged event: %v, want ErrNotFound", err)
	}
	if res := verify(t, db); !res.OK() {
		t.Errorf("verify after the purge: %+v", res)
	}
}
