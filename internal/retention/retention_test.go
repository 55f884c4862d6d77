package retention_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/retention"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

var now = time.Date(2031, 6, 1, 12, 0, 0, 0, time.UTC)

func setup(t *testing.T) *store.DB {
	t.Helper()
	return testdb.Open(t)
}

// event appends one audit event that happened at, and seals it: only sealed events may
// be purged.
func event(t *testing.T, db *store.DB, at time.Time) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		return audit.Record(
			ctx,
			tx,
			audit.Event{OccurredAt: at, Action: audit.LoginSuccess, EntityType: "user", EntityID: "1"},
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	testdb.SealAudit(t, db.Pool)
}

// draft makes a draft with one document, discarded at discardedAt unless it is zero.
func draft(t *testing.T, db *store.DB, number string, discardedAt time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	var userID, id int64
	err := db.Pool.QueryRow(ctx, `INSERT INTO users (username, display_name, role, branch, password_hash)
		VALUES ('u'||$1, 'U', 'agent', 'B', 'x') RETURNING id`, number).Scan(&userID)
	if err != nil {
		t.Fatal(err)
	}
	status, reason := "open", any(nil)
	var at any
	if !discardedAt.IsZero() {
		status = "discarded"
		reason = "duplicate"
		at = discardedAt
	}
	err = db.Pool.QueryRow(ctx, `INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country, branch,
		status, created_by, updated_by, created_at, updated_at, discarded_at, discard_reason)
		VALUES ('AE', 1, '4', $1, 'AE', 'B', $2, $3, $3, $4, $4, $5, $6) RETURNING id`,
		number, status, userID, now.AddDate(-1, 0, 0), at, reason).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO blobs (key, data) VALUES ('k'||$1::bigint, 'jpeg')`, id); err != nil {
		t.Fatal(err)
	}
	_, err = db.Pool.Exec(
		ctx,
		`INSERT INTO draft_documents (draft_id, kind, content_type, blob_key, size_bytes, sha256, uploaded_by, uploaded_at)
		VALUES ($1, 'face', 'image/jpeg', 'k'||$1::bigint, 4, 'h', $2, $3)`,
		id,
		userID,
		now.AddDate(-1, 0, 0),
	)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func verify(t *testing.T, db *store.DB) audit.Result {
	t.Helper()
	testdb.SealAudit(t, db.Pool)
	res, err := audit.Verify(context.Background(), db.Pool, "", testdb.AuditKey(t).Verifier())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPolicyMinimums(t *testing.T) {
	t.Parallel()
	for _, p := range []retention.Policy{{AuditDays: 365, DiscardedDays: 30}, {AuditDays: 2000, DiscardedDays: 0}} {
		if p.Validate() == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	if err := retention.DefaultPolicy.Validate(); err != nil || retention.DefaultPolicy.AuditDays < 5*365 {
		t.Errorf("default policy %+v: %v", retention.DefaultPolicy, err)
	}
}

func TestPurgeRemovesOnlyWhatIsPastRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := setup(t)
	p := retention.Policy{AuditDays: 400, DiscardedDays: 30}
	for _, age := range []int{900, 700, 500, 10} { // days before now
		event(t, db, now.AddDate(0, 0, -age))
	}
	old := draft(t, db, "784199012345676", now.AddDate(0, 0, -31))
	draft(t, db, "784198823456789", now.AddDate(0, 0, -29)) // discarded, not old enough
	draft(t, db, "784197734567890", time.Time{})            // open

	dry, err := retention.Purge(ctx, db, p, now, true)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Drafts != 1 || dry.AuditEvents != 3 || count(t, db, "drafts") != 3 || count(t, db, "audit_events") != 4 {
		t.Fatalf("dry run %+v changed something or miscounted", dry)
	}
	rep, err := retention.Purge(ctx, db, p, now, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Drafts != 1 || rep.Documents != 1 || rep.AuditEvents != 3 {
		t.Errorf("purge report %+v", rep)
	}
	var left int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM drafts WHERE id = $1`, old).Scan(&left); err != nil ||
		left != 0 {
		t.Errorf("the old discarded draft is still there")
	}
	if count(t, db, "drafts") != 2 || count(t, db, "blobs") != 2 || count(t, db, "audit_events") != 2 {
		t.Errorf("after purge: drafts %d, blobs %d, events %d; want 2, 2, 2 (the young event and retention.purged)",
			count(t, db, "drafts"), count(t, db, "blobs"), count(t, db, "audit_events"))
	}
	if res := verify(t, db); !res.OK() || res.Verified != 2 {
		t.Errorf("chain after purge: %+v", res)
	}
	event(t, db, now)
	if res := verify(t, db); !res.OK() || res.Verified != 3 {
		t.Errorf("chain after a new event: %+v", res)
	}
}

func TestLegalHoldBlocksThePurge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := setup(t)
	event(t, db, now.AddDate(-6, 0, 0))
	draft(t, db, "784199012345676", now.AddDate(0, 0, -90))
	id, err := retention.Hold(ctx, db, store.LegalHold{IssuedCountry: "AE", IDType: "4", IDNumber: "784199012345676",
		Reason: "court order 12/2031", SetBy: "compliance", SetAt: now})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := retention.Purge(ctx, db, retention.DefaultPolicy, now, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Drafts != 0 || rep.HeldDrafts != 1 || rep.AuditEvents != 0 || !rep.AuditHeldByHold ||
		count(t, db, "drafts") != 1 {
		t.Fatalf("purge under a hold: %+v", rep)
	}
	if err := retention.Release(ctx, db, id, "case closed", now); err != nil {
		t.Fatal(err)
	}
	rep, err = retention.Purge(ctx, db, retention.DefaultPolicy, now, false)
	if err != nil || rep.Drafts != 1 || rep.AuditEvents != 1 {
		t.Fatalf("purge after release: %+v %v", rep, err)
	}
	if res := verify(t, db); !res.OK() {
		t.Errorf("chain: %+v", res)
	}
}

// Young audit events stay refused to any DELETE, purge or not.
func TestTriggerStillRefusesYoungRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := setup(t)
	event(t, db, now)
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('kyc.audit_purge_before', $1, true)`, now.AddDate(0, 0, -1).Format(time.RFC3339)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM audit_events`)
		return err
	})
	if err == nil || count(t, db, "audit_events") != 1 {
		t.Fatalf("a young event was deleted (%v)", err)
	}
}

// TestNotificationsKept90Days: the purge removes notifications older than 90 days only.
func TestNotificationsKept90Days(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := setup(t)
	id := draft(t, db, "784199012345676", time.Time{})
	for _, age := range []int{91, 89} {
		_, err := db.Pool.Exec(ctx, `INSERT INTO notifications (user_id, branch, kind, draft_id, message, created_at)
			SELECT created_by, branch, 'returned', id, 'returned', $2 FROM drafts WHERE id = $1`, id, now.AddDate(0, 0, -age))
		if err != nil {
			t.Fatal(err)
		}
	}
	dry, err := retention.Purge(ctx, db, retention.DefaultPolicy, now, true)
	if err != nil || dry.Notifications != 1 || count(t, db, "notifications") != 2 {
		t.Fatalf("dry run %+v (%v), %d left", dry, err, count(t, db, "notifications"))
	}
	rep, err := retention.Purge(ctx, db, retention.DefaultPolicy, now, false)
	if err != nil || rep.Notifications != 1 || count(t, db, "notifications") != 1 {
		t.Errorf("purge %+v (%v), %d left; want 1 removed, 1 left", rep, err, count(t, db, "notifications"))
	}
}
