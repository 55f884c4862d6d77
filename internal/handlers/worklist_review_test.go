package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kycportal/internal/branches/branchtest"
	"kycportal/internal/store"
)

// TestReviewNoChangeThroughThePages: on a periodic review's page the agent confirms that
// nothing changed; the checker sees the customer's record, what the agent confirmed and the
// next due date an approval sets, approves with a password (a wrong one stays on the page
// with its message, 403), and the item leaves the branch's worklist; the agent is told.
func TestReviewNoChangeThroughThePages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	amal, sara := e.agent("amal", "DXB-01", "AE"), e.checkerOf("sara", "DXB-01")
	draft := e.submission("amal", "DXB-01", "onboarded", 0, 0, "")
	ctx := context.Background()
	_, err := e.db.Pool.Exec(ctx, `UPDATE drafts SET values = '{"first_name": "Noor", "last_name": "Haddad",
		"employer_name": "Emirates Steel"}' WHERE id = $1`, draft)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	err = e.db.Pool.QueryRow(ctx, `INSERT INTO worklist_items (branch, draft_id, ecrn, kind, due_on, risk, found_on)
		VALUES ('DXB-01', $1, '7841000000000021', 'review', '2026-03-20', 'high', '2026-03-02') RETURNING id::text`, draft).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	item := "/worklist/" + id
	_, doc := amal.page(item)
	if !strings.Contains(doc.Find(`[data-testid="work-item-record"]`).Text(), "Emirates Steel") ||
		doc.Find(`[data-testid="confirm-form"]`).Length() != 1 {
		t.Fatal("the agent sees neither the record nor the confirmation form")
	}
	if resp := amal.post(item+"/confirm", url.Values{"note": {"no"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a short note: %d, want 422", resp.StatusCode)
	}
	if resp := amal.post(item+"/confirm", url.Values{"note": {"Met at the branch: nothing changed."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", resp.StatusCode)
	}
	if _, doc := sara.page("/worklist"); doc.Find(`[data-testid="review-awaiting"]`).Length() != 1 {
		t.Error("the worklist does not say that the review awaits approval")
	}
	_, doc = sara.page(item)
	if got := doc.Find(`[data-testid="review-next-due"]`).Text(); !strings.Contains(got, "2027-03-02") {
		t.Errorf("next due %q, want 2027-03-02 (high risk: a year)", got)
	}
	if !strings.Contains(doc.Find(`[data-testid="review-history"]`).Text(), "Met at the branch: nothing changed.") {
		t.Error("the checker does not see what the agent confirmed")
	}
	resp := sara.post(item+"/approve", url.Values{"password": {"not the password"}})
	if body := readBody(t, resp); resp.StatusCode != http.StatusForbidden ||
		!strings.Contains(body, `data-testid="step-up-error"`) {
		t.Errorf("a wrong password: %d, want 403 with the message on the page", resp.StatusCode)
	}
	if resp := sara.post(item+"/approve", url.Values{"password": {"correct horse checker staple"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	if _, doc := amal.page("/worklist"); len(workItems(doc)) != 0 {
		t.Errorf("the approved review stays on the worklist: %q", workItems(doc))
	}
	if _, doc := amal.page("/notifications"); !strings.Contains(
		doc.Find(`[data-testid="notice"]`).First().Text(),
		"was approved",
	) {
		t.Error("the agent is not told of the approval")
	}
	if resp := sara.post(item+"/return", url.Values{"comment": {"too late"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("a return after the approval: %d, want 409", resp.StatusCode)
	}
}

// TestClaimReleasedIsNotified: a checker releases the claim they hold: the case's agent is
// told and the case waits for any checker again; a claim that lapses and is taken by
// another checker tells the checker who held it.
func TestClaimReleasedIsNotified(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	amal := e.agent("amal", "DXB-01", "AE")
	sara, huda := e.checkerOf("sara", "DXB-01"), e.checkerOf("huda", "DXB-01")
	id := amal.completeDraft("784-1985-0000005-8")
	path := "/approvals/" + strconv.FormatInt(id, 10)
	if resp := amal.post("/drafts/"+strconv.FormatInt(id, 10)+"/submit", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	if resp := sara.post(path+"/release", nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("release without a claim: %d, want 409", resp.StatusCode)
	}
	for _, step := range []string{"/claim", "/release", "/claim"} {
		if resp := sara.post(path+step, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", step, resp.StatusCode)
		}
	}
	if _, doc := amal.page("/notifications"); !strings.Contains(
		doc.Find(`[data-testid="notice"]`).First().Text(),
		"sara released it",
	) {
		t.Error("the agent is not told of the release")
	}
	e.clock.Advance(16 * time.Minute) // past the 15-minute claim
	if resp := huda.post(path+"/claim", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim after the lapse: %d", resp.StatusCode)
	}
	if _, doc := sara.page("/notifications"); !strings.Contains(
		doc.Find(`[data-testid="notice"]`).First().Text(),
		"your claim lapsed",
	) {
		t.Error("the checker whose claim lapsed is not told")
	}
	if n := strings.Count(strings.Join(e.auditActions(), " "), "submission.claim_released"); n != 2 {
		t.Errorf("%d claim_released events, want 2", n)
	}
}

// TestNotificationsStayInTheirBranch: a notification carries the branch it was written in;
// a user moved to another branch no longer sees it, nor counts it, and sees it again if
// moved back.
func TestNotificationsStayInTheirBranch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	amal := e.agent("amal", "DXB-01", "AE")
	branchtest.Ensure(t, e.db.Pool, "AUH-01")
	u := e.userNamed("amal")
	ctx := context.Background()
	err := store.AddNotification(ctx, e.db.Pool, store.Notification{UserID: u.ID, Branch: "DXB-01", Kind: "returned",
		Message: "Case #7 (Noor Haddad) was returned by the checker.", CreatedAt: e.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	visible := func() (notices, badges int) {
		_, inbox := amal.page("/notifications")
		_, count := amal.page("/notifications/count")
		return inbox.Find(`[data-testid="notice"]`).Length(), count.Find(`[data-testid="unread-count"]`).Length()
	}
	for _, step := range []struct {
		branch string
		want   int
	}{{"DXB-01", 1}, {"AUH-01", 0}, {"DXB-01", 1}} {
		if _, err := e.db.Pool.Exec(ctx, `UPDATE users SET branch = $2 WHERE id = $1`, u.ID, step.branch); err != nil {
			t.Fatal(err)
		}
		if notices, count := visible(); notices != step.want || count != step.want {
			t.Errorf("in %s: %d notices, %d counts; want %d", step.branch, notices, count, step.want)
		}
	}
}
