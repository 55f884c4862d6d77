package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// TestLockCaseHoldsTheDraftAndTheSubmission: LockCase reads a case's submission and holds
// both its draft's row and its submission's, so that a second change of the same case
// waits; a draft that does not exist, or has no submission, is ErrNotFound.
func TestLockCaseHoldsTheDraftAndTheSubmission(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	u, err := store.CreateUser(ctx, db.Pool, store.User{Username: "locker", DisplayName: "Locker", Role: store.RoleAgent,
		Branch: "B0", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	draft := func(number string) int64 {
		var id int64
		err := db.Pool.QueryRow(ctx, `INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country, branch,
			values, created_by, updated_by, created_at, updated_at)
			VALUES ('AE', 1, '4', $2, 'AE', 'B0', '{"first_name": "Amal"}', $1, $1, now(), now()) RETURNING id`, u.ID, number).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	id, bare := draft("784000000000001"), draft("784000000000002")
	err = store.CreateSubmission(ctx, db.Pool, store.Submission{DraftID: id, State: "queued", Country: "AE", Branch: "B0",
		MakerID: u.ID, SubmittedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	sub, err := store.LockCase(ctx, tx, id)
	if err != nil || sub.DraftID != id || sub.State != "queued" || sub.FirstName != "Amal" || sub.MakerName != "locker" {
		t.Fatalf("LockCase = %+v, %v", sub, err)
	}
	other, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Rollback(ctx) }()
	for _, table := range []string{"drafts WHERE id", "submissions WHERE draft_id"} {
		if _, err := other.Exec(ctx, `SELECT 1 FROM `+table+` = $1 FOR UPDATE NOWAIT`, id); err == nil {
			t.Errorf("a second transaction locked %s that LockCase holds", table)
		}
		if err := other.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		if other, err = db.Pool.Begin(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, missing := range []int64{id + 1000, bare} {
		if _, err := store.LockCase(ctx, tx, missing); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LockCase of %d: %v; want ErrNotFound", missing, err)
		}
	}
}
