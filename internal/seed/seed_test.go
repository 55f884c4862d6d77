package seed_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"kycportal/internal/audit"
	"kycportal/internal/idnumber"
	"kycportal/internal/seed"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

var small = seed.Options{Customers: 400, AuditEvents: 3000, Password: "seeded accounts' password",
	AuditKey: []byte("test key"), Log: io.Discard}

// fingerprint is what must come out the same from two seeds: every draft, every
// submission and every audit event.
func fingerprint(t *testing.T, db *store.DB) string {
	t.Helper()
	var drafts, subs, last string
	err := db.Pool.QueryRow(context.Background(), `SELECT
		(SELECT md5(string_agg(d::text, ',' ORDER BY id)) FROM drafts d),
		(SELECT md5(string_agg(s::text, ',' ORDER BY draft_id)) FROM submissions s),
		(SELECT md5(string_agg(a::text, ',' ORDER BY id)) FROM audit_events a)`).Scan(&drafts, &subs, &last)
	if err != nil {
		t.Fatal(err)
	}
	return drafts + subs + last
}

func indexDefinitions(t *testing.T, db *store.DB) string {
	t.Helper()
	var defs string
	err := db.Pool.QueryRow(context.Background(), `SELECT string_agg(indexdef, E'\n' ORDER BY indexname)
		FROM pg_indexes WHERE tablename IN ('drafts', 'draft_name_parts', 'submissions', 'audit_events')`).Scan(&defs)
	if err != nil {
		t.Fatal(err)
	}
	return defs
}

// TestSeedIsDeterministicAndVerifies: two seeds of fresh databases are alike row for
// row; the trail's chain verifies; every index the migrations made is back; the name
// parts are those the trigger would have written, and the trigger is on again; the ID
// numbers are valid; a second seed of one database is refused.
func TestSeedIsDeterministicAndVerifies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := testdb.Open(t), testdb.Open(t)
	indexes := indexDefinitions(t, a)
	for _, db := range []*store.DB{a, b} {
		if _, err := seed.Run(ctx, db, small); err != nil {
			t.Fatal(err)
		}
	}
	if fa, fb := fingerprint(t, a), fingerprint(t, b); fa != fb {
		t.Errorf("two seeds differ: %s and %s", fa, fb)
	}
	if got := indexDefinitions(t, a); got != indexes {
		t.Errorf("indexes after the seed:\n%s\nwant:\n%s", got, indexes)
	}
	checkNameParts(t, a)
	testdb.SealAudit(t, a.Pool)
	res, err := audit.Verify(ctx, a.Pool, "", testdb.AuditKey(t).Verifier())
	if err != nil || !res.OK() || res.Verified != small.AuditEvents {
		t.Errorf("chain: %+v %v, want %d verified", res, err, small.AuditEvents)
	}
	checkIDNumbers(t, a)
	if _, err := seed.Run(ctx, a, small); !errors.Is(err, seed.ErrSeeded) {
		t.Errorf("second seed: %v, want ErrSeeded", err)
	}
}

func checkNameParts(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	var missing, extra, parts int
	err := db.Pool.QueryRow(ctx, `WITH want AS (
			SELECT DISTINCT d.id AS draft_id, d.branch, p AS part FROM drafts d, unnest(draft_name_parts(d.values)) AS p WHERE p <> '')
		SELECT (SELECT count(*) FROM (SELECT * FROM want EXCEPT SELECT * FROM draft_name_parts) m),
			(SELECT count(*) FROM (SELECT * FROM draft_name_parts EXCEPT SELECT * FROM want) e),
			(SELECT count(*) FROM draft_name_parts)`).Scan(&missing, &extra, &parts)
	if err != nil || missing != 0 || extra != 0 || parts < int(small.Customers) {
		t.Errorf("name parts: %d missing, %d extra, %d in all (%v)", missing, extra, parts, err)
	}
	var enabled string
	err = db.Pool.QueryRow(ctx, `SELECT tgenabled FROM pg_trigger WHERE tgname = 'drafts_name_parts'`).Scan(&enabled)
	if err != nil || enabled != "O" {
		t.Errorf("the name-parts trigger after the seed: %q (%v), want O (on)", enabled, err)
	}
}

func checkIDNumbers(t *testing.T, db *store.DB) {
	t.Helper()
	kinds := map[string]string{
		"4":  idnumber.EmiratesID,
		"28": idnumber.MyKad,
		"30": idnumber.Aadhaar,
		"40": idnumber.PhilSys,
	}
	rows, err := db.Pool.Query(context.Background(), `SELECT id_type, id_number FROM drafts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var idType, number string
		if err := rows.Scan(&idType, &number); err != nil {
			t.Fatal(err)
		}
		if _, err := idnumber.Normalise(kinds[idType], number); err != nil {
			t.Errorf("type %s number %s: %v", idType, number, err)
		}
	}
}
