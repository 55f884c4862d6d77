package audit_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// writeChain writes n rows as the trail wrote them before the tree: each linked to the
// one before by prev_hash and hash.
func writeChain(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	prev := make([]byte, sha256.Size)
	for i := range n {
		r := audit.Row{Actor: audit.Actor{Username: "agent", Role: "agent", Branch: "B1"},
			OccurredAt: time.Date(2026, 1, 2, 3, 4, 5, 678912000, time.UTC), Action: audit.DraftUpdated,
			EntityType: "draft", EntityID: fmt.Sprint(i), After: []byte(`{"b": 2, "a": 1}`), Outcome: audit.Success,
			PrevHash: prev}
		if err := db.Pool.QueryRow(ctx, `SELECT nextval('audit_events_id_seq')`).Scan(&r.ID); err != nil {
			t.Fatal(err)
		}
		r.Hash = audit.ChainHashForTest(r)
		_, err := db.Pool.Exec(ctx, `INSERT INTO audit_events (id, occurred_at, actor_username, actor_role,
			actor_branch, session_ref, request_id, client_ip, action, entity_type, entity_id, after, reason, outcome,
			prev_hash, hash) VALUES ($1, $2, $3, $4, $5, '', '', '', $6, $7, $8, $9, '', $10, $11, $12)`,
			r.ID, r.OccurredAt, r.Username, r.Role, r.Branch, string(r.Action), r.EntityType, r.EntityID, r.After,
			r.Outcome, r.PrevHash, r.Hash)
		if err != nil {
			t.Fatal(err)
		}
		prev = r.Hash
	}
}

// TestFormerChainIsCarriedIn: rows of the former hash chain enter the tree first, checked
// link by link, and the events after them follow.
func TestFormerChainIsCarriedIn(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	key := testKey(t)
	writeChain(t, db, 6)
	record(t, db, 2)
	if size := sealAll(t, db, key); size != 8 {
		t.Fatalf("tree size = %d, want the 6 chained rows and 2 new events", size)
	}
	if res := verify(t, db, key); !res.OK() || res.Verified != 8 {
		t.Fatalf("verify = %+v, want 8", res)
	}
}

// TestBrokenFormerChainIsNotSealed: a chained row altered before the tree existed stops
// the sealer, which names it; nothing of the batch is sealed.
func TestBrokenFormerChainIsNotSealed(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	key := testKey(t)
	writeChain(t, db, 4)
	id := eventID(t, db, 2)
	asSuperuser(t, db, `UPDATE audit_events SET reason = 'edited before the tree' WHERE id = $1`, id)
	_, err := audit.Seal(context.Background(), db.Pool, key, 100, time.Now())
	if !errors.Is(err, audit.ErrBrokenChain) || !strings.Contains(err.Error(), fmt.Sprintf("at event %d:", id)) {
		t.Fatalf("seal = %v, want the broken chain named at event %d", err, id)
	}
	if res := verify(t, db, key); res.TreeSize != 0 || res.Unsealed != 4 {
		t.Fatalf("after the refusal: %+v, want nothing sealed and 4 waiting", res)
	}
	// The sealer of serve fails every turn until someone looks; it says so once a minute.
	var logged strings.Builder
	s := &audit.Sealer{
		DB:       db.Pool,
		Key:      key,
		Log:      slog.New(slog.NewTextHandler(&logged, nil)),
		Interval: 5 * time.Millisecond,
	}
	run, stop := context.WithTimeout(context.Background(), 2*time.Second)
	defer stop()
	s.Run(run)
	if n := strings.Count(logged.String(), "audit sealer failed"); n != 1 {
		t.Errorf("%d error lines in 2 s of turns, want 1:\n%s", n, logged.String())
	}
}
