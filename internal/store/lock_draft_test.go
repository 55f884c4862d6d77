package store_test

import (
	"context"
	"errors"
	"testing"

	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// TestLockDraftHoldsTheRow: LockDraft holds a draft's row as DraftByID with forUpdate does,
// so that a second lock of the same case waits, and a draft that does not exist is
// ErrNotFound.
func TestLockDraftHoldsTheRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	u, err := store.CreateUser(ctx, db.Pool, store.User{Username: "locker", DisplayName: "Locker", Role: store.RoleAgent,
		Branch: "B0", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = db.Pool.QueryRow(ctx, `INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country, branch,
		values, created_by, updated_by, created_at, updated_at)
		VALUES ('AE', 1, '4', '784000000000001', 'AE', 'B0', '{}', $1, $1, now(), now()) RETURNING id`, u.ID).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if err := store.LockDraft(ctx, tx, id); err != nil {
		t.Fatal(err)
	}
	other, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Rollback(ctx) }()
	if _, err := other.Exec(ctx, `SELECT id FROM drafts WHERE id = $1 FOR UPDATE NOWAIT`, id); err == nil {
		t.Error("a second transaction locked the draft that LockDraft holds")
	}
	if err := store.LockDraft(ctx, tx, id+1000); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LockDraft of a missing draft: %v; want ErrNotFound", err)
	}
}
