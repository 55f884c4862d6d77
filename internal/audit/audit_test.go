package audit_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

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
	_, err := store.CreateUser(
		ctx,
		tx,
		store.User{Username: name, DisplayName: name, Role: store.RoleAgent, Branch: "B1", PasswordHash: "x"},
	)
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

// TestTrailRefusesChanges: the events, the tree's leaves, its checkpoints and the purge
// anchors are append-only for every role, the owner included.
func TestTrailRefusesChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	key := testKey(t)
	record(t, db, 1)
	sealAll(t, db, key)
	if _, err := db.Pool.Exec(ctx, `INSERT INTO audit_anchors (up_to_id, hash, purged, purged_at) VALUES (0,
		'\x00', 0, now())`); err != nil {
		t.Fatal(err)
	}
	for table, set := range map[string]string{"audit_events": "reason = 'edited'", "audit_leaves": "sealed_at = now()",
		"audit_checkpoints": "signed_at = now()", "audit_anchors": "purged = 1"} {
		for _, stmt := range []string{`UPDATE ` + table + ` SET ` + set, `DELETE FROM ` + table, `TRUNCATE ` + table + ` CASCADE`} {
			_, err := db.Pool.Exec(ctx, stmt)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", stmt, err)
			}
		}
	}
	if res := verify(t, db, key); !res.OK() || res.TreeSize != 1 || countEvents(t, db) != 1 {
		t.Errorf("after the refusals: %+v, %d events; want the one event, intact, in a tree of 1", res, countEvents(t, db))
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

// testKey is a fresh checkpoint signing key.
func testKey(t *testing.T) *audit.Key {
	t.Helper()
	private, err := audit.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	key, err := audit.ParseKey(private)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func sealAll(t *testing.T, db *store.DB, key *audit.Key) int64 {
	t.Helper()
	size, err := audit.SealAll(context.Background(), db.Pool, key, 50)
	if err != nil {
		t.Fatal(err)
	}
	return size
}

func verify(t *testing.T, db *store.DB, key *audit.Key) audit.Result {
	t.Helper()
	res, err := audit.Verify(context.Background(), db.Pool, "", key.Verifier())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// asSuperuser runs sql with the triggers off, as someone with full database access can.
func asSuperuser(t *testing.T, db *store.DB, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, sql, args...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func eventID(t *testing.T, db *store.DB, offset int) int64 {
	t.Helper()
	var id int64
	err := db.Pool.QueryRow(context.Background(), `SELECT id FROM audit_events ORDER BY id OFFSET $1 LIMIT 1`, offset).
		Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestConcurrentAppendsMakeOneTree: many writers append at once while a sealer runs;
// every event ends in the tree exactly once, at consecutive positions, and it verifies.
func TestConcurrentAppendsMakeOneTree(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	db := openDB(t)
	key := testKey(t)
	sealer := &audit.Sealer{
		DB:       db.Pool,
		Key:      key,
		Log:      slog.New(slog.DiscardHandler),
		Interval: 5 * time.Millisecond,
		Batch:    7,
	}
	sealed := make(chan struct{})
	go func() { sealer.Run(ctx); close(sealed) }()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() { record(t, db, 15) })
	}
	wg.Wait()
	cancel()
	<-sealed
	if size := sealAll(t, db, key); size != 240 {
		t.Fatalf("tree size = %d, want 240", size)
	}
	res := verify(t, db, key)
	if !res.OK() || res.Verified != 240 || res.TreeSize != 240 || res.Checkpoint != 240 || res.Unsealed != 0 {
		t.Fatalf("verify = %+v, want 240 events in a tree of 240 and its checkpoint", res)
	}
	var leaves, first, last int64
	err := db.Pool.QueryRow(context.Background(), `SELECT count(DISTINCT event_id), min(position), max(position)
		FROM audit_leaves`).
		Scan(&leaves, &first, &last)
	if err != nil || leaves != 240 || first != 0 || last != 239 {
		t.Fatalf("leaves: %d events at positions %d..%d (%v), want 240 at 0..239", leaves, first, last, err)
	}
}

// TestTwoSealersDoNotConflict: two replicas' sealers, each with its own pool, seal while
// events arrive; they take turns without an error, and the checkpoints they sign all
// agree with one tree.
func TestTwoSealersDoNotConflict(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	db := openDB(t)
	other, err := store.Open(context.Background(), db.Pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	key := testKey(t)
	var sealers sync.WaitGroup
	var skipped [2]int
	for i, replica := range []*store.DB{db, other} {
		sealers.Go(func() {
			for ctx.Err() == nil {
				res, err := audit.Seal(context.Background(), replica.Pool, key, 5, time.Now())
				if err != nil {
					t.Errorf("replica %d: %v", i, err)
					return
				}
				if res.Skipped {
					skipped[i]++
				}
			}
		})
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { record(t, db, 20) })
	}
	wg.Wait()
	cancel()
	sealers.Wait()
	sealAll(t, db, key)
	if res := verify(t, db, key); !res.OK() || res.Verified != 160 || res.Checkpoint != 160 {
		t.Fatalf("verify = %+v, want 160 events under the last checkpoint", res)
	}
	var checkpoints int
	if err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_checkpoints`).Scan(&checkpoints); err != nil ||
		checkpoints < 2 {
		t.Fatalf("checkpoints = %d (%v), want several", checkpoints, err)
	}
	t.Logf("turns skipped while the other replica sealed: %v", skipped)
}

// TestVerifyNamesTheAlteredRow: a superuser edits a sealed event with the triggers off;
// verify names it and its position.
func TestVerifyNamesTheAlteredRow(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	key := testKey(t)
	record(t, db, 5)
	sealAll(t, db, key)
	if res := verify(t, db, key); !res.OK() || res.Verified != 5 {
		t.Fatalf("fresh log: %+v", res)
	}
	id := eventID(t, db, 2)
	asSuperuser(t, db, `UPDATE audit_events SET reason = 'quietly edited' WHERE id = $1`, id)
	res := verify(t, db, key)
	if res.OK() || res.BrokenID != id || res.Position != 2 || !strings.Contains(res.Problem, "content") {
		t.Fatalf("verify after the edit = %+v, want event %d at position 2 named", res, id)
	}
}

// TestVerifyNamesTheDeletedRow: a sealed event removed with the triggers off is named.
func TestVerifyNamesTheDeletedRow(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	key := testKey(t)
	record(t, db, 5)
	sealAll(t, db, key)
	id := eventID(t, db, 3)
	asSuperuser(t, db, `DELETE FROM audit_events WHERE id = $1`, id)
	res := verify(t, db, key)
	if res.OK() || res.BrokenID != id || !strings.Contains(res.Problem, "missing") {
		t.Fatalf("verify after the deletion = %+v, want event %d named missing", res, id)
	}
}

// TestVerifyNamesTheRewrittenLog: someone with database access rewrites an event, its
// leaf and every tree hash after it consistently; the signed checkpoint no longer matches.
func TestVerifyNamesTheRewrittenLog(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	key := testKey(t)
	record(t, db, 4)
	sealAll(t, db, key)
	// Rebuild the tree over the edited content with the sealer itself, under a key of the
	// forger's own that the verifier does not know, then keep the original checkpoint.
	asSuperuser(t, db, `UPDATE audit_events SET reason = 'rewritten' WHERE id = `+fmt.Sprint(eventID(t, db, 1))+`;
		INSERT INTO audit_unsealed (event_id) SELECT event_id FROM audit_leaves;
		CREATE TABLE kept AS SELECT * FROM audit_checkpoints;
		DELETE FROM audit_leaves; DELETE FROM audit_checkpoints`)
	forger := testKey(t)
	sealAll(t, db, forger)
	asSuperuser(t, db, `DELETE FROM audit_checkpoints; INSERT INTO audit_checkpoints SELECT * FROM kept`)
	res := verify(t, db, key)
	if res.OK() || !strings.Contains(res.Problem, "checkpoint of size 4 does not match") {
		t.Fatalf("verify of the rewritten log = %+v, want the checkpoint of size 4 named", res)
	}
}

// TestVerifyRefusesAForgedCheckpoint: a checkpoint signed by another key is named.
func TestVerifyRefusesAForgedCheckpoint(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	key := testKey(t)
	record(t, db, 3)
	sealAll(t, db, key)
	record(t, db, 1)
	forger := testKey(t)
	sealAll(t, db, forger)
	res := verify(t, db, key)
	if res.OK() || !strings.HasPrefix(res.Problem, "checkpoint of size 4: checkpoint signature") {
		t.Fatalf("verify = %+v, want the forged checkpoint of size 4 named", res)
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

// TestVerifyByBranchChecksItsEvents: a supervisor's check recomputes their branch's
// events and the whole tree, and only their branch's content.
func TestVerifyByBranchChecksItsEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	key := testKey(t)
	for i, branch := range []string{"A", "B", "A", "B"} {
		err := db.InTx(ctx, func(tx pgx.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Actor: audit.Actor{Username: "u", Role: "agent", Branch: branch},
				Action: audit.LoginSuccess, EntityType: "user", EntityID: fmt.Sprint(i)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sealAll(t, db, key)
	res, err := audit.Verify(ctx, db.Pool, "A", key.Verifier())
	if err != nil || !res.OK() || res.Verified != 2 || res.TreeSize != 4 {
		t.Fatalf("branch A: %+v %v, want 2 verified in a tree of 4", res, err)
	}
	var idB int64
	if err := db.Pool.QueryRow(ctx, `SELECT min(id) FROM audit_events WHERE actor_branch = 'B'`).Scan(&idB); err != nil {
		t.Fatal(err)
	}
	asSuperuser(t, db, `UPDATE audit_events SET reason = 'edited' WHERE id = $1`, idB)
	if res, err := audit.Verify(ctx, db.Pool, "A", key.Verifier()); err != nil || !res.OK() {
		t.Fatalf("branch A after editing B's row: %+v %v, want intact", res, err)
	}
	if res, err := audit.Verify(ctx, db.Pool, "B", key.Verifier()); err != nil || res.OK() || res.BrokenID != idB {
		t.Fatalf("branch B after editing its row %d: %+v %v", idB, res, err)
	}
}

// TestKeptCheckpointCatchesARewriteUnderTheSameKey: someone who holds the database and the
// signing key rewrites an event and re-signs the whole log; it verifies on its own, but a
// checkpoint an auditor kept from before no longer fits it.
func TestKeptCheckpointCatchesARewriteUnderTheSameKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	key := testKey(t)
	record(t, db, 4)
	sealAll(t, db, key)
	kept, err := audit.LatestCheckpoint(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	record(t, db, 3)
	sealAll(t, db, key)
	latest, err := audit.LatestCheckpoint(ctx, db.Pool)
	if err != nil || audit.Consistent(ctx, db.Pool, kept, latest) != nil {
		t.Fatalf("an honest log against the kept checkpoint: %v %v", err, audit.Consistent(ctx, db.Pool, kept, latest))
	}
	asSuperuser(t, db, `UPDATE audit_events SET reason = 'rewritten' WHERE id = `+fmt.Sprint(eventID(t, db, 1))+`;
		INSERT INTO audit_unsealed (event_id) SELECT event_id FROM audit_leaves;
		DELETE FROM audit_leaves; DELETE FROM audit_checkpoints`)
	sealAll(t, db, key)
	if res := verify(t, db, key); !res.OK() {
		t.Fatalf("the re-signed log should verify on its own: %+v", res)
	}
	rewritten, err := audit.LatestCheckpoint(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.Consistent(ctx, db.Pool, kept, rewritten); !errors.Is(err, audit.ErrInconsistent) {
		t.Fatalf("the rewritten log against the kept checkpoint: %v, want ErrInconsistent", err)
	}
}
