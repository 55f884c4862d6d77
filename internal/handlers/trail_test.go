package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// trailRows is every audit row as the JSON PostgreSQL makes of it.
func (e *env) trailRows() []string {
	e.t.Helper()
	rows, err := e.db.Pool.Query(context.Background(), `SELECT row_to_json(a)::text FROM audit_events a ORDER BY id`)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestTrailHoldsNoFullIDNumber: a journey through every screen that handles an ID number
// (search, new draft, tampered save, upload, submit, approval, records search) leaves
// the numbers in the trail only as last 4 and keyed hash, each findable by that hash.
func TestTrailHoldsNoFullIDNumber(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, nil)
	const number, tried = "784198500000025", "784199554586091"
	agent := se.agent("amal", "DXB-01", "AE")
	agent.page("/search")
	readBody(
		t,
		agent.post("/search", url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {"784-1990-1234567-6"}}),
	)
	id := agent.completeDraft("784-1985-0000002-5")
	readBody(t, agent.post(fmt.Sprintf("/drafts/%d", id), url.Values{"version": {"2"}, "id_number": {tried}}))
	readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
	readBody(t, agent.post("/search/records", url.Values{"q": {"0000002"}}))
	name, pw := se.user(store.RoleSupervisor)
	sup := se.client()
	sup.signIn(name)
	sup.page(fmt.Sprintf("/approvals/%d", id))
	readBody(t, sup.post(fmt.Sprintf("/approvals/%d/claim", id), nil))
	if resp := sup.post(fmt.Sprintf("/approvals/%d/approve", id), url.Values{"password": {pw}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", resp.StatusCode, readBody(t, resp))
	}
	rows := se.trailRows()
	for _, full := range []string{number, tried, "784199012345676", "1985-0000002", "1990-1234567"} {
		for _, r := range rows {
			if strings.Contains(r, full) {
				t.Errorf("the trail holds %s in full: %s", full, r)
			}
		}
	}
	for _, n := range []string{number, tried, "784199012345676"} {
		if !anyContains(rows, audit.NewIDRef(testAuditKey, n).HMAC) {
			t.Errorf("no event names %s by its keyed hash", n)
		}
	}
	t.Logf("%d audit rows checked", len(rows))
}

func anyContains(rows []string, sub string) bool {
	for _, r := range rows {
		if strings.Contains(r, sub) {
			return true
		}
	}
	return false
}

// TestSubmittedIDNumberCannotBeChanged: a crafted save of a submitted draft's ID number is
// refused, changes nothing, and is audited as a tamper attempt.
func TestSubmittedIDNumberCannotBeChanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.completeDraft("784-1985-0000001-7")
	readBody(t, c.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
	resp := c.post(fmt.Sprintf("/drafts/%d", id), url.Values{"version": {"99"}, "id_number": {"784199554586091"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("crafted save of a submitted draft: %d, want 409", resp.StatusCode)
	}
	d, err := store.DraftByID(context.Background(), e.db.Pool, id, false)
	if err != nil || d.IDNumber != "784198500000017" {
		t.Errorf("ID number now %q (%v), want it unchanged", d.IDNumber, err)
	}
	var reason, last4 string
	err = e.db.Pool.QueryRow(context.Background(), `SELECT reason, after->>'id_last4' FROM audit_events
		WHERE action = 'draft.tamper_attempt' AND entity_id = $1`, fmt.Sprint(id)).Scan(&reason, &last4)
	if err != nil || last4 != "6091" {
		t.Errorf("tamper event: %v, last 4 %q; want one naming the number tried by 6091", err, last4)
	}
}
