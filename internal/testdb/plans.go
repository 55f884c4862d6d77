package testdb

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"kycportal/internal/store"
)

// Captured is a pgx tracer that keeps the last statement a pool sent, with its arguments,
// so a test can explain a query exactly as the code ran it.
type Captured struct {
	SQL  string
	Args []any
}

// TraceQueryStart keeps the statement.
func (c *Captured) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	c.SQL, c.Args = d.SQL, d.Args
	return ctx
}

// TraceQueryEnd does nothing.
func (c *Captured) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// PlanNodes lists every node of an EXPLAIN (FORMAT JSON) plan.
func PlanNodes(t *testing.T, plan []byte) []map[string]any {
	t.Helper()
	var doc []struct{ Plan map[string]any }
	if err := json.Unmarshal(plan, &doc); err != nil || len(doc) != 1 {
		t.Fatalf("plan: %v\n%s", err, plan)
	}
	var out []map[string]any
	var walk func(node map[string]any)
	walk = func(node map[string]any) {
		out = append(out, node)
		children, _ := node["Plans"].([]any)
		for _, c := range children {
			if m, ok := c.(map[string]any); ok {
				walk(m)
			}
		}
	}
	walk(doc[0].Plan)
	return out
}

// Traced is a new database behind a pool of one connection whose statements last keeps, so
// that a plan test can explain a query exactly as the code ran it (the one connection's
// prepared statements are the pool's). The pool closes when the test ends.
func Traced(t *testing.T) (db *store.DB, last *Captured) {
	t.Helper()
	return TracedOn(t, New(t))
}

// TracedOn is Traced on the database at url, a Seeded one, say.
func TracedOn(t *testing.T, url string) (db *store.DB, last *Captured) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	last = &Captured{}
	cfg.ConnConfig.Tracer = last
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return &store.DB{Pool: pool}, last
}
