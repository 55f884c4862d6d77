package audit_test

import (
	"context"
	"io"
	"testing"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/seed"
	"kycportal/internal/testdb"
)

// TestAuditFiltersReadFewRows runs the reviewers' filters that name a customer or an ID
// number, alone and within a branch, and a branch's refusals, on a seeded trail of 100,000
// events, as the portal runs them (seven times, so a cached statement may go generic), then
// explains each with its own values and counts the rows its scans read. Each must read its
// few events off their indexes: the customer filter once read the branch's whole trail, the
// ID-number filter all of it, the refusals the whole branch (docs/performance.md).
func TestAuditFiltersReadFewRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, last := testdb.Traced(t)
	_, err := seed.Run(ctx, db, seed.Options{Customers: 2000, AuditEvents: 100_000, Password: "seeded staff",
		AuditKey: []byte("key"), Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	var draft, branch, number string
	err = db.Pool.QueryRow(ctx, `SELECT id::text, branch, id_number FROM drafts ORDER BY id OFFSET 77 LIMIT 1`).
		Scan(&draft, &branch, &number)
	if err != nil {
		t.Fatal(err)
	}
	ref := audit.NewIDRef([]byte("key"), number)
	for name, f := range map[string]audit.Filter{
		"customer":                  {Customer: draft},
		"customer's drafts, branch": {Customer: draft, Branch: branch, Prefixes: []string{"draft."}},
		"ID number":                 {IDNumber: number, IDHMAC: ref.HMAC},
		"ID number, branch":         {IDNumber: number, IDHMAC: ref.HMAC, Branch: branch},
		"refusals, branch":          {Outcome: audit.Denied, Branch: branch},
	} {
		t.Run(name, func(t *testing.T) {
			f.Limit = 50
			for range 7 {
				if _, err := audit.List(ctx, db.Pool, f); err != nil {
					t.Fatal(err)
				}
			}
			var plan []byte
			args := append([]any{pgx.QueryExecModeExec}, last.Args...)
			if err := db.Pool.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+last.SQL, args...).Scan(&plan); err != nil {
				t.Fatal(err)
			}
			read := 0.0
			for _, n := range testdb.PlanNodes(t, plan) {
				if n["Relation Name"] == "audit_events" {
					removed, _ := n["Rows Removed by Filter"].(float64)
					rows, _ := n["Actual Rows"].(float64)
					read += removed + rows
				}
			}
			if read > 1000 {
				t.Errorf("the filter read %.0f events of the trail:\n%s", read, plan)
			}
		})
	}
}
