package handlers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// submission inserts a draft of maker in branch and its submission in state, submitted
// ago before the env's clock and last changed changedAgo before it, and returns the draft id.
func (e *env) submission(maker, branch, state string, ago, changedAgo time.Duration, note string) int64 {
	e.t.Helper()
	ctx := context.Background()
	now := e.clock.Now()
	u := e.userNamed(maker)
	var draftID int64
	err := e.db.Pool.QueryRow(ctx, `INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country,
		branch, status, created_by, updated_by, created_at, updated_at)
		VALUES ('AE', 1, '4', '784' || (floor(random() * 1e12))::bigint, 'AE', $1, 'submitted', $2, $2, $3, $3) RETURNING id`,
		branch, u.ID, now.Add(-ago-time.Hour)).Scan(&draftID)
	if err != nil {
		e.t.Fatal(err)
	}
	var returnNote any
	if note != "" {
		returnNote = `{"by": "checker", "comment": "` + note + `"}`
	}
	_, err = e.db.Pool.Exec(ctx, `INSERT INTO submissions (draft_id, state, country, branch, maker_id, return_note,
		submitted_at, updated_at) VALUES ($1, $2, 'AE', $3, $4, $5, $6, $7)`,
		draftID, state, branch, u.ID, returnNote, now.Add(-ago), now.Add(-changedAgo))
	if err != nil {
		e.t.Fatal(err)
	}
	return draftID
}

// submissionWithEvents is submission, with the trail's events of its entering awaiting
// approval when submitted and its state when last changed.
func (e *env) submissionWithEvents(maker, branch, state string, ago, changedAgo time.Duration, note string) int64 {
	e.t.Helper()
	id := e.submission(maker, branch, state, ago, changedAgo, note)
	e.stateEvent(id, branch, audit.SubmissionSubmitted, "awaiting_approval", ago, "")
	if state != "awaiting_approval" {
		e.stateEvent(id, branch, audit.CDPOutcome, state, changedAgo, note)
	}
	return id
}

// stateEvent records that the submission of draftID, of branch, entered state ago before
// the env's clock, as the submission service records it.
func (e *env) stateEvent(
	draftID int64, branch string, action audit.Action, state string, ago time.Duration, reason string,
) {
	e.t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "cdp-worker", Role: "system", Branch: branch})
	err := audit.RecordAlone(ctx, e.db.Pool, audit.Event{OccurredAt: e.clock.Now().Add(-ago), Action: action,
		EntityType: "submission", EntityID: fmt.Sprint(draftID), After: map[string]any{"state": state}, Reason: reason})
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestSupervisorDashboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agentA, _ := e.user(store.RoleAgent) // branch DXB-01
	// Each draft starts an hour before its submission: 2 h and 6 h from draft to onboarded.
	e.submissionWithEvents(agentA, "DXB-01", "onboarded", 2*time.Hour, time.Hour, "")
	e.submissionWithEvents(agentA, "DXB-01", "onboarded", 3*24*time.Hour, 3*24*time.Hour-5*time.Hour, "")
	e.submissionWithEvents(agentA, "DXB-01", "awaiting_approval", 26*time.Hour, 26*time.Hour, "")
	e.submissionWithEvents(agentA, "DXB-01", "returned", 20*24*time.Hour, 19*24*time.Hour, "face photo blurred")
	e.submissionWithEvents(agentA, "AUH-02", "rejected", time.Hour, time.Hour, "other branch")
	// Returned by the CDP three times, then onboarded: three returns of the month, none now.
	thrice := e.submissionWithEvents(agentA, "DXB-01", "onboarded", 10*24*time.Hour, 5*24*time.Hour, "")
	for _, days := range []time.Duration{9, 8, 6} {
		e.stateEvent(thrice, "DXB-01", audit.CDPOutcome, "returned", days*24*time.Hour, "")
	}
	ctx := context.Background()
	if _, err := e.db.Pool.Exec(ctx, `UPDATE submissions SET return_note = '{"by": "cdp", "comment": "Invalid master data"}'
		WHERE draft_id = $1`, thrice); err != nil {
		t.Fatal(err)
	}
	for i, outcome := range []string{audit.Success, audit.Success, audit.Failure, audit.Success} {
		err := audit.RecordAlone(ctx, e.db.Pool, audit.Event{OccurredAt: e.clock.Now().Add(-time.Duration(i) * time.Minute),
			Action: audit.CDPAttempt, EntityType: "submission", EntityID: "1", Outcome: outcome,
			After: map[string]any{"latency_ms": 100 * (i + 1)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Two agents' lookups: one the CDP answered, one it could not.
	for _, outcome := range []string{audit.Success, audit.Failure} {
		err := audit.RecordAlone(ctx, e.db.Pool, audit.Event{OccurredAt: e.clock.Now().Add(-10 * time.Minute),
			Action: audit.CustomerSearched, EntityType: "customer", Outcome: outcome, After: map[string]any{"result": "any"}})
		if err != nil {
			t.Fatal(err)
		}
	}

	sup := e.reviewer(store.RoleSupervisor, "DXB-01")
	_, doc := sup.page("/")
	text := func(sel string) string { return strings.Join(strings.Fields(doc.Find(sel).Text()), " ") }
	if got := text(`[data-testid="queue-length"]`); got != "1" ||
		doc.Find(`a[data-testid="queue-length"]`).AttrOr("href", "") != "/approvals" {
		t.Errorf("queue length %q, or not a link to the approvals", got)
	}
	if got := text(`[data-testid="queue-oldest"]`); got != "26 h 0 min" {
		t.Errorf("oldest in queue %q", got)
	}
	if got := text(`[data-testid="dash-median"]`); !strings.Contains(got, "6 h 0 min") ||
		!strings.Contains(got, "3 onboarded") {
		t.Errorf("median %q, want 6 h 0 min over 3", got)
	}
	states := doc.Find(`[data-testid="state-row"]`).Map(func(_ int, s *goquery.Selection) string {
		return strings.Join(s.Children().Map(func(_ int, cell *goquery.Selection) string { return cell.Text() }), " ")
	})
	want := []string{"awaiting approval 1 3 5", "onboarded 1 3 3", "returned 0 1 4"}
	if strings.Join(states, "|") != strings.Join(want, "|") {
		t.Errorf("entries into each state %q, want %q (branch AUH-02's rejection is not theirs)", states, want)
	}
	if title := doc.Find(`[data-testid="chart-states"] svg title`).Text(); title != "Entries into each state, last 30 days: awaiting approval 5, onboarded 3, returned 4" {
		t.Errorf("chart text alternative %q", title)
	}
	if doc.Find(`[data-testid="chart-states"] rect`).Length() != 3 ||
		doc.Find(`script:not([type="application/json"])`).Length() != 2 {
		t.Error("the chart is not three SVG bars, or the page gained a script beside htmx and portal.js")
	}
	if got := text(`[data-testid="dash-reasons"]`); !strings.Contains(got, "face photo blurred") ||
		strings.Contains(got, "other branch") ||
		strings.Count(got, "Invalid master data") != 3 {
		t.Errorf("reasons %q, want the checker's return and the CDP's three", got)
	}
	if got := text(`[data-testid="dash-cdp"]`); !strings.Contains(got, "6 calls, 33.3% failed") ||
		!strings.Contains(got, "degraded") {
		t.Errorf("CDP health %q", got)
	}

	admin := e.reviewer(store.RoleAdmin, "HQ")
	_, doc = admin.page("/")
	if !strings.Contains(doc.Find(`[data-testid="dash-states"]`).Text(), "rejected") {
		t.Error("the admin's dashboard leaves out a branch")
	}
}
