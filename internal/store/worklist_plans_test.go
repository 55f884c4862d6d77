package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// TestWatchAndCaseListPlans explains, on 100,000 customers (plansDB), the daily watch's scan
// and the case lists as the portal runs them. The watch must read each submission and draft
// once (one pass, no per-customer loop: its time grows with the customers, linearly); the
// case lists must read one agent's or one branch's cases off their indexes, never the whole
// drafts table. The times are logged: docs/submission.md says how to measure them at 1M.
func TestWatchAndCaseListPlans(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("seeds 100,000 customers")
	}
	ctx := context.Background()
	db, last := testdb.TracedOn(t, plansDB(t))
	const customers = seededCustomers
	// explain runs f as the portal would, then explains its statement with the same values,
	// all in a transaction rolled back (the watch inserts). It returns the rows each table's
	// scans read and the execution time.
	explain := func(t *testing.T, f func(q store.Querier) error) (map[string]float64, float64) {
		t.Helper()
		tx, err := db.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback(ctx) }()
		if _, err := tx.Exec(ctx, `SAVEPOINT run`); err != nil {
			t.Fatal(err)
		}
		if err := f(tx); err != nil {
			t.Fatal(err)
		}
		sql, args := last.SQL, last.Args
		if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT run`); err != nil {
			t.Fatal(err)
		}
		var plan []byte
		if err := tx.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+sql, append([]any{pgx.QueryExecModeExec}, args...)...).Scan(&plan); err != nil {
			t.Fatal(err)
		}
		read := map[string]float64{}
		for _, n := range testdb.PlanNodes(t, plan) {
			if rel, ok := n["Relation Name"].(string); ok {
				removed, _ := n["Rows Removed by Filter"].(float64)
				rows, _ := n["Actual Rows"].(float64)
				loops, _ := n["Actual Loops"].(float64)
				read[rel] += (removed + rows) * max(loops, 1)
			}
		}
		var doc []struct {
			ExecutionTime float64 `json:"Execution Time"`
		}
		if err := json.Unmarshal(plan, &doc); err != nil || len(doc) != 1 {
			t.Fatalf("plan: %v", err)
		}
		return read, doc[0].ExecutionTime
	}

	t.Run("watch", func(t *testing.T) {
		rules := store.WatchRules{Today: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), Window: 60,
			Review: map[string]int{"high": 12, "medium": 24, "low": 60}}
		var added int
		read, ms := explain(t, func(q store.Querier) error {
			items, err := store.WatchScan(ctx, q, rules)
			added = len(items)
			return err
		})
		t.Logf("watch of %d customers: %.0f ms, %d items added, rows read %v", customers, ms, added, read)
		if added == 0 {
			t.Error("the seeded customers gave no item: the scan is not exercised")
		}
		// one pass over each table
		if read["submissions"] > 1.1*customers || read["drafts"] > 1.1*customers {
			t.Errorf("the watch read %v rows: more than one pass over the %d customers", read, customers)
		}
	})

	var branch string
	var agent int64
	err := db.Pool.QueryRow(ctx, `SELECT branch, created_by FROM drafts GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`).
		Scan(&branch, &agent)
	if err != nil {
		t.Fatal(err)
	}
	var inBranch, ofAgent float64
	_ = db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE branch = $1), count(*) FILTER (WHERE created_by =
		$2) FROM drafts`,
		branch, agent).
		Scan(&inBranch, &ofAgent)
	for name, f := range map[string]store.CaseFilter{
		"agent's cases":        {Branch: branch, OwnerID: agent, Limit: 200},
		"branch cases":         {Branch: branch, Limit: 200},
		"branch, by name":      {Branch: branch, Text: "ahmed", Limit: 200},
		"branch, one state":    {Branch: branch, State: store.CaseOnboarded, Limit: 200},
		"branch, state counts": {Branch: branch},
	} {
		t.Run(name, func(t *testing.T) {
			read, ms := explain(t, func(q store.Querier) error {
				if f.Limit == 0 {
					_, err := store.CaseCounts(ctx, q, f)
					return err
				}
				_, err := store.Cases(ctx, q, f)
				return err
			})
			t.Logf("%s: %.1f ms, rows read %v (branch %.0f drafts, agent %.0f)", name, ms, read, inBranch, ofAgent)
			bound := inBranch
			if f.OwnerID != 0 {
				bound = ofAgent
			}
			if read["drafts"] > 1.05*bound+10 || read["submissions"] > 1.05*bound+10 {
				t.Errorf("read %.0f drafts and %.0f submissions for %.0f cases: not off the indexes", read["drafts"],
					read["submissions"], bound)
			}
		})
	}
}
