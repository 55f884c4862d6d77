package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// TestSearchesUseTheirIndexes explains each search as the portal runs it: the store
// function's own statement and values, planned with those values. Each must read its
// index, never the whole drafts table. The searches by pattern must also stay out of the
// prepared-statement cache, where a generic plan, blind to the pattern, reads the table.
func TestSearchesUseTheirIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, last := testdb.TracedOn(t, plansDB(t))
	pool := db.Pool
	var name, surname, phone, number string
	err := pool.QueryRow(ctx, `SELECT draft_search_name(values), name_fold(values->>'last_name'),
		draft_search_phone(values), id_number
		FROM drafts ORDER BY id OFFSET 1234 LIMIT 1`).
		Scan(&name, &surname, &phone, &number)
	if err != nil {
		t.Fatal(err)
	}
	agent := store.RecordScope{Branch: "B7", Countries: []string{"AE"}}
	tests := []struct {
		name, index string
		search      func() error
	}{
		// Either index of the name parts (00082): by branch and part, or by part and then
		// the branch checked, when the prefix is rare enough.
		{"name prefix", "draft_name_parts_", func() error { // an agent's: within their branch
			_, err := store.RecordsByName(ctx, pool, agent, name[:4], store.NameCursor{}, 21)
			return err
		}},
		{"surname prefix, every branch", "draft_name_parts_", func() error { // an admin's
			_, err := store.RecordsByName(ctx, pool, store.RecordScope{AnyCountry: true}, surname[:3], store.NameCursor{}, 21)
			return err
		}},
		{"phone digits", "drafts_phone_trgm", func() error {
			_, err := store.RecordsByPhone(ctx, pool, agent, phone[4:12], 0, 21)
			return err
		}},
		{"partial ID number", "drafts_id_number_trgm", func() error {
			_, err := store.RecordsByIDNumber(ctx, pool, agent, number[5:13], 0, 21)
			return err
		}},
		{"exact ID number", "drafts_identity_key", func() error {
			_, err := store.DraftsWithIDNumber(ctx, pool, "AE", "4", number, 0)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 7 { // more than the 5 runs after which a cached statement may go generic
				if err := tt.search(); err != nil {
					t.Fatal(err)
				}
			}
			var plan []byte
			args := append([]any{pgx.QueryExecModeExec}, last.Args...)
			if err := pool.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+last.SQL, args...).Scan(&plan); err != nil {
				t.Fatal(err)
			}
			var indexes []string
			for _, n := range testdb.PlanNodes(t, plan) {
				if index, ok := n["Index Name"].(string); ok {
					indexes = append(indexes, index)
				}
				if n["Node Type"] == "Seq Scan" && n["Relation Name"] == "drafts" {
					t.Errorf("plan reads the drafts table whole:\n%s", plan)
				}
			}
			if !slices.ContainsFunc(indexes, func(index string) bool { return strings.HasPrefix(index, tt.index) }) {
				t.Errorf("plan reads indexes %v, want %s:\n%s", indexes, tt.index, plan)
			}
		})
	}
	var cached int
	err = pool.QueryRow(ctx, `SELECT count(*) FROM pg_prepared_statements WHERE strpos(statement, $1) > 0`,
		"draft_search_name(d.values)").Scan(&cached)
	if err != nil || cached != 0 {
		t.Errorf("%d searches of our own records were prepared and cached (%v)", cached, err)
	}
}

// TestACommonNameReadsOnlyItsPage: a name part that every branch's drafts share (a common
// name) is listed newest first straight off its index, which stops at the page. Two plans
// read every draft of the name in the branch and sorted them instead, 20 to 110 ms a search
// at a million customers: with one part's drafts in ascending order in the index, and with
// the branch asked of the draft as well as of the name part, which the planner took for
// independent filters and so expected a handful of rows.
func TestACommonNameReadsOnlyItsPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, last := testdb.TracedOn(t, testdb.New(t))
	_, err := db.Pool.Exec(ctx, `INSERT INTO users (username, display_name, role, branch, countries, password_hash)
		VALUES ('agent-pen', 'Agent', 'agent', 'PEN-01', '{MY}', 'x')`)
	if err != nil {
		t.Fatal(err)
	}
	// 400 Chans in each of 12 branches, three in each of four countries; PEN-01 is in Malaysia.
	_, err = db.Pool.Exec(ctx, `INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country,
			branch, status, values, created_by, updated_by, created_at, updated_at)
		SELECT c, 1, '1', lpad(i::text, 12, '0'), c, CASE WHEN i % 12 = 1 THEN 'PEN-01' ELSE 'B' || i % 12 END, 'open',
			jsonb_build_object('first_name', 'Mei', 'middle_name', 'L' || i, 'last_name', 'Chan'), u.id, u.id, now(), now()
		FROM generate_series(1, 4800) i, users u, LATERAL (SELECT (ARRAY['AE', 'MY', 'IN', 'PH'])[i % 4 + 1] AS c) country`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `ANALYZE drafts, draft_name_parts`); err != nil {
		t.Fatal(err)
	}
	const page = 21
	scope := store.RecordScope{Branch: "PEN-01", Countries: []string{"MY"}}
	found, err := store.RecordsByName(ctx, db.Pool, scope, "chan", store.NameCursor{}, page)
	if err != nil || len(found) != page || found[0].ID < found[page-1].ID {
		t.Fatalf("%d drafts found, want a page of %d, newest first (%v)", len(found), page, err)
	}
	var plan []byte
	args := append([]any{pgx.QueryExecModeExec}, last.Args...)
	if err := db.Pool.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+last.SQL, args...).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	for _, n := range testdb.PlanNodes(t, plan) {
		if rows, _ := n["Actual Rows"].(float64); n["Relation Name"] == "draft_name_parts" && rows > 2*page {
			t.Errorf("the search read %.0f name parts for a page of %d:\n%s", rows, page, plan)
		}
	}
}

// TestAStaleNamePartShowsNoOtherBranch: the name search scopes the branch by the name
// part's copy of it; a part whose branch were ever stale still shows no other branch's
// draft, since each draft's own branch is checked as it is read.
func TestAStaleNamePartShowsNoOtherBranch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	_, err := db.Pool.Exec(ctx, `WITH u AS (INSERT INTO users (username, display_name, role, branch, countries,
			password_hash) VALUES ('agent-dxb', 'Agent', 'agent', 'DXB-01', '{AE}', 'x') RETURNING id)
		INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country, branch, status, values,
			created_by, updated_by, created_at, updated_at)
		SELECT 'AE', 1, '4', '784199012345676', 'AE', 'DXB-01', 'open', '{"first_name": "Omar"}', u.id, u.id,
			now(), now()
		FROM u`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Pool.Exec(ctx, `INSERT INTO draft_name_parts (draft_id, branch, part)
		SELECT id, 'PEN-01', 'omar stale' FROM drafts`)
	if err != nil {
		t.Fatal(err)
	}
	penang := store.RecordScope{Branch: "PEN-01", Countries: []string{"AE", "MY"}}
	found, err := store.RecordsByName(ctx, db.Pool, penang, "omar", store.NameCursor{}, 21)
	if err != nil || len(found) != 0 {
		t.Errorf("a Penang agent's name search found %d drafts of another branch (%v)", len(found), err)
	}
}
