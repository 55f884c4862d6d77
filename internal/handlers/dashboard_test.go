package handlers

import (
	"context"
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

func TestSupervisorDashboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agentA, _ := e.user(store.RoleAgent) // branch DXB-01
	// Each draft starts an hour before its submission: 2 h and 6 h from draft to onboarded.
	e.submission(agentA, "DXB-01", "onboarded", 2*time.Hour, time.Hour, "")
	e.submission(agentA, "DXB-01", "onboarded", 3*24*time.Hour, 3*24*time.Hour-5*time.Hour, "")
	e.submission(agentA, "DXB-01", "awaiting_approval", 26*time.Hour, 26*time.Hour, "")
	e.submission(agentA, "DXB-01", "returned", 20*24*time.Hour, 19*24*time.Hour, "face photo blurred")
	e.submission(agentA, "AUH-02", "rejected", time.Hour, time.Hour, "other branch")
	ctx := context.Background()
	for i, outcome := range []string{audit.Success, audit.Success, audit.Failure, audit.Success} {
		err := audit.RecordAlone(ctx, e.db.Pool, audit.Event{OccurredAt: e.clock.Now().Add(-time.Duration(i) * time.Minute),
			Action: audit.CDPAttempt, EntityType: "submission", EntityID: "1", Outcome: outcome,
			After: map[string]any{"latency_ms": 100 * (i + 1)}})
		if err != nil {
			t.Fatal(err)
		}
	}

	sup := e.reviewer(store.RoleSupervisor, "DXB-01")
	_, doc := sup.page("/")
	text := func(sel string) string { return strings.Join(strings.Fields(doc.Find(sel).Text()), " ") }
	if got := text(`[data-testid="queue-length"]`); got != "1" {
		t.Errorf("queue length %q", got)
	}
	if got := text(`[data-testid="queue-oldest"]`); got != "26 h 0 min" {
		t.Errorf("oldest in queue %q", got)
	}
	if got := text(`[data-testid="dash-median"]`); !strings.Contains(got, "4 h 0 min") || !strings.Contains(got, "2 onboarded") {
		t.Errorf("median %q, want 4 h 0 min over 2", got)
	}
	states := doc.Find(`[data-testid="state-row"]`).Map(func(_ int, s *goquery.Selection) string {
		return strings.Join(s.Children().Map(func(_ int, cell *goquery.Selection) string { return cell.Text() }), " ")
	})
	want := []string{"awaiting_approval 0 1 1", "onboarded 1 2 2", "returned 0 0 1"}
	if strings.Join(states, "|") != strings.Join(want, "|") {
		t.Errorf("states %q, want %q (branch AUH-02's rejection is not theirs)", states, want)
	}
	if title := doc.Find(`[data-testid="chart-states"] svg title`).Text(); title != "Submissions by state, last 30 days: awaiting_approval 1, onboarded 2, returned 1" {
		t.Errorf("chart text alternative %q", title)
	}
	if doc.Find(`[data-testid="chart-states"] rect`).Length() != 3 || doc.Find("script").Length() != 2 {
		t.Error("the chart is not three SVG bars, or the page gained a script beside htmx and portal.js")
	}
	if got := text(`[data-testid="dash-reasons"]`); !strings.Contains(got, "face photo blurred") || strings.Contains(got, "other branch") {
		t.Errorf("reasons %q", got)
	}
	if got := text(`[data-testid="dash-cdp"]`); !strings.Contains(got, "4 calls, 25.0% failed") || !strings.Contains(got, "degraded") {
		t.Errorf("CDP health %q", got)
	}

	admin := e.reviewer(store.RoleAdmin, "HQ")
	_, doc = admin.page("/")
	if !strings.Contains(doc.Find(`[data-testid="dash-states"]`).Text(), "rejected") {
		t.Error("the admin's dashboard leaves out a branch")
	}
}
