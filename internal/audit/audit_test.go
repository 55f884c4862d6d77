package audit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	return testdb.Open(t)
}

func countEvents(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func addUser(ctx context.Context, tx pgx.Tx, name string) error {
	_, err := store.CreateUser(ctx, tx, store.User{Username: name, DisplayName: name, Role: store.RoleAgent, Branch: "B1", PasswordHash: "x"})
	return err
}

func TestEventAndChangeCommitTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)

	err := audit.Apply(ctx, db.Pool, func(tx pgx.Tx) (audit.Event, error) {
		return audit.Event{Action: audit.UserCreated, EntityType: "user", EntityID: "ok"}, addUser(ctx, tx, "ok")
	})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("business write failed")
	err = audit.Apply(ctx, db.Pool, func(tx pgx.Tx) (audit.Event, error) {
		if err := addUser(ctx, tx, "failed"); err != nil {
			return audit.Event{}, err
		}
		return audit.Event{}, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Apply error = %v, want %v", err, boom)
	}
	err = audit.Apply(ctx, db.Pool, func(tx pgx.Tx) (audit.Event, error) {
		return audit.Event{Action: "not.in.catalogue"}, addUser(ctx, tx, "unaudited")
	})
	if err == nil {
		t.Fatal("a change whose event cannot be written committed")
	}
	if n := countEvents(t, db); n != 1 {
		t.Errorf("audit rows = %d, want 1", n)
	}
	users, err := store.ListUsers(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].Username != "ok" {
		t.Errorf("users = %+v, want only the audited one", users)
	}
}

func TestTrailRefusesChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	record(t, db, 1)
	for _, stmt := range []string{
		`UPDATE audit_events SET reason = 'edited'`,
		`DELETE FROM audit_events`,
		`TRUNCATE audit_events`,
	} {
		_, err := db.Pool.Exec(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", stmt, err)
		}
	}
	if n := countEvents(t, db); n != 1 {
		t.Errorf("audit rows = %d, want 1", n)
	}
}

func record(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		err := db.InTx(ctx, func(tx pgx.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Action: audit.LoginSuccess, EntityType: "user",
				EntityID: fmt.Sprint(i), After: map[string]any{"n": i, "big": 12345678901234567}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, db *store.DB) audit.Result {
	t.Helper()
	res, err := audit.Verify(context.Background(), db.Pool, "")
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { record(t, db, 15) })
	}
	wg.Wait()
	res := verify(t, db)
	if !res.OK() || res.Verified != 120 {
		t.Fatalf("verify = %+v, want 120 rows and no break", res)
	}
	var forks int
	err := db.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM (SELECT prev_hash FROM audit_events GROUP BY prev_hash HAVING count(*) > 1) f`).Scan(&forks)
	if err != nil || forks != 0 {
		t.Fatalf("rows sharing a predecessor = %d (%v), want 0", forks, err)
	}
}

func TestVerifyNamesTheAlteredRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	record(t, db, 5)
	if res := verify(t, db); !res.OK() || res.Verified != 5 {
		t.Fatalf("fresh chain: %+v", res)
	}
	var id int64
	if err := db.Pool.QueryRow(ctx, `SELECT id FROM audit_events ORDER BY id OFFSET 2 LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	// A superuser can switch triggers off: the hash chain is what still tells.
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE audit_events SET reason = 'quietly edited' WHERE id = $1`, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	res := verify(t, db)
	if res.OK() || res.BrokenID != id || res.Verified != 2 {
		t.Fatalf("verify after tampering = %+v, want break at row %d after 2 verified", res, id)
	}
}

// Every action of the catalogue belongs to a review group, so no event hides from filters.
func TestEveryActionHasAGroup(t *testing.T) {
	t.Parallel()
	for a := range audit.CatalogueForTest() {
		if audit.GroupOf(a) == "" {
			t.Errorf("action %s belongs to no group", a)
		}
	}
}

func TestVerifyByBranchChecksTrueLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	for i, branch := range []string{"A", "B", "A", "B"} {
		err := db.InTx(ctx, func(tx pgx.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Actor: audit.Actor{Username: "u", Role: "agent", Branch: branch},
				Action: audit.LoginSuccess, EntityType: "user", EntityID: fmt.Sprint(i)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	res, err := audit.Verify(ctx, db.Pool, "A")
	if err != nil || !res.OK() || res.Verified != 2 {
		t.Fatalf("branch A: %+v %v, want 2 verified", res, err)
	}
	var idB int64
	if err := db.Pool.QueryRow(ctx, `SELECT min(id) FROM audit_events WHERE actor_branch = 'B'`).Scan(&idB); err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica;
			UPDATE audit_events SET hash = sha256(hash) WHERE id = `+fmt.Sprint(idB))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Branch A's second row follows the altered B row: its link no longer holds.
	res, err = audit.Verify(ctx, db.Pool, "A")
	if err != nil || res.OK() || res.BrokenID != idB+1 {
		t.Fatalf("branch A after altering B's row %d: %+v %v", idB, res, err)
	}
}
