package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"kycportal/internal/app"
	"kycportal/internal/cdp"
	"kycportal/internal/documents/corpus"
	"kycportal/internal/drafts/drafttest"
	"kycportal/internal/store"
)

// validEmiratesID is a valid Emirates ID number, distinct for each n below ten million.
func validEmiratesID(n int64) string { return drafttest.EmiratesID(n) }

// completeDraft fills every required field and document of a new AE draft through the forms.
func (c *client) completeDraft(number string) int64 {
	c.e.t.Helper()
	return c.completeDraftWith(number, nil)
}

// completeDraftWith is completeDraft with some values of its own.
func (c *client) completeDraftWith(number string, own map[string]string) int64 {
	c.e.t.Helper()
	id := c.createDraft("AE", "4", number)
	c.page(fmt.Sprintf("/drafts/%d", id))
	values := url.Values{"version": {"1"}}
	for k, v := range drafttest.CompleteAE() {
		values.Set(k, v)
	}
	for k, v := range own {
		values.Set(k, v)
	}
	readBody(c.e.t, c.post(fmt.Sprintf("/drafts/%d", id), values))
	for kind, file := range map[string]string{"id_front": "id-front.jpg", "id_back": "id-back.jpg", "face": "face.jpg"} {
		if resp := c.upload(id, kind, file, corpus.File(c.e.t, file), false); resp.StatusCode != http.StatusSeeOther {
			c.e.t.Fatalf("upload %s: %d %s", kind, resp.StatusCode, readBody(c.e.t, resp))
		}
	}
	_, doc := c.page(fmt.Sprintf("/drafts/%d?step=review", id))
	if doc.Find(`[data-testid="submit"]`).Length() != 1 {
		c.e.t.Fatalf("no submit button on a complete draft's review:\n%s", doc.Find(`[data-testid="review-issue"]`).Text())
	}
	return id
}

// TestDoubleSubmitMakesOneSubmission: two tabs post the submit at once, then a retried POST.
func TestDoubleSubmitMakesOneSubmission(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.completeDraft("784-1985-0000001-7")
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			resp := c.post(fmt.Sprintf("/drafts/%d/submit", id), nil)
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("submit: %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	var subs, jobs, events int
	ctx := context.Background()
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM submissions WHERE draft_id = $1`, id).Scan(&subs)
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job`).Scan(&jobs)
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'submission.submitted'`).Scan(&events)
	if subs != 1 || events != 1 {
		t.Errorf("%d submissions, %d submit events; want 1 and 1", subs, events)
	}
	if jobs != 0 { // AE asks for a checker: nothing is queued before the approval
		t.Errorf("%d jobs before approval, want 0", jobs)
	}
	_, doc := c.page(fmt.Sprintf("/drafts/%d", id))
	if got := doc.Find(`[data-testid="submission-state"]`).Text(); got != "awaiting approval" {
		t.Errorf("state shown %q, want awaiting approval", got)
	}
	// Submitted, the draft is read-only: a save of any field is refused.
	resp := c.post(fmt.Sprintf("/drafts/%d", id), url.Values{"version": {"99"}, "first_name": {"Changed"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("save after submit: %d, want 409", resp.StatusCode)
	}
}

// underInvestigation stores a submitted draft that the CDP holds under investigation.
func (e *env) underInvestigation(ecrn string) int64 {
	e.t.Helper()
	ctx := context.Background()
	u, err := store.CreateUser(ctx, e.db.Pool, store.User{Username: "maker-" + ecrn, DisplayName: "Maker",
		Role: store.RoleAgent, Branch: "DXB-01", Countries: []string{"AE"}, PasswordHash: "unused"})
	if err != nil {
		e.t.Fatal(err)
	}
	id, err := store.CreateDraft(ctx, e.db.Pool, store.DraftRow{Country: "AE", PackVersion: 1, IDType: "4",
		IDNumber: "784198500000017", IssuedCountry: "AE", Branch: "DXB-01", CreatedBy: u.ID, CreatedAt: e.clock.Now()})
	if err != nil {
		e.t.Fatal(err)
	}
	sub := store.Submission{DraftID: id, State: "under_investigation", Country: "AE", Branch: "DXB-01", MakerID: u.ID,
		Round: 1, ECRN: ecrn, SubmittedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}
	if err := store.CreateSubmission(ctx, e.db.Pool, sub); err != nil {
		e.t.Fatal(err)
	}
	if err := store.SaveSubmission(ctx, e.db.Pool, sub); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// TestUnsignedCallbacksAreAggregated: 200 unsigned callbacks from one address leave one audit
// event and one log line; past the window's limit they get 429 unread; all are counted in the
// metric; the address's first refusal of the next window is recorded with the count of those
// that were not.
func TestUnsignedCallbacksAreAggregated(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(_ *app.Options, d *Deps) { d.CallbackSecret = "callback-secret" })
	send := func() int {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+cdp.CallbackPath, strings.NewReader(`{"alert_id":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
		return resp.StatusCode
	}
	statuses := map[int]int{}
	for range 200 {
		statuses[send()]++
	}
	if statuses[http.StatusUnauthorized] != refusalLimit || statuses[http.StatusTooManyRequests] != 200-refusalLimit {
		t.Errorf("answers %v, want %d × 401 then 429", statuses, refusalLimit)
	}
	countRefused := func() int {
		return strings.Count(strings.Join(e.auditActions(), " "), "cdp.callback_refused")
	}
	if n := countRefused(); n != 1 {
		t.Errorf("%d cdp.callback_refused events for 200 unsigned calls, want 1", n)
	}
	if n := strings.Count(e.logs.String(), "AML alert closure refused"); n != 1 {
		t.Errorf("%d log lines, want 1", n)
	}
	unsigned, limited := e.counter(
		"portal_cdp_callback_refusals_total",
		"status",
		"401",
	), e.counter(
		"portal_cdp_callback_refusals_total",
		"status",
		"429",
	)
	if unsigned != refusalLimit || limited != 200-refusalLimit {
		t.Errorf("refusals counted: %v × 401, %v × 429", unsigned, limited)
	}
	e.clock.Advance(refusalWindow)
	if got := send(); got != http.StatusUnauthorized {
		t.Errorf("the next window: %d, want 401", got)
	}
	if _, _, after := e.lastEvent("cdp.callback_refused"); countRefused() != 2 ||
		!strings.Contains(after, `"earlier_refusals_not_recorded": 199`) {
		t.Errorf("the next window's event: %s", after)
	}
}

func TestAMLAlertClosureCallback(t *testing.T) {
	t.Parallel()
	const secret = "callback-secret"
	e := newEnv(t, func(_ *app.Options, d *Deps) { d.CallbackSecret = secret })
	const ecrn = "7841004455667788"
	id := e.underInvestigation(ecrn)
	other := e.underInvestigation("7841004455660001")
	// closure is the evidenced shape; with an alert id, it also carries alert_id and closed_at.
	closure := func(alert, ecrn string) []byte {
		c := cdp.AlertClosure{ECRN: ecrn, AMLScanStatus: "Accepted", CustomerStatus: "ACTIVE"}
		if alert != "" {
			at := e.clock.Now()
			c.AlertID, c.ClosedAt = alert, &at
		}
		b, _ := json.Marshal(c)
		return b
	}
	send := func(body []byte, sign string, at time.Time) int {
		ts, sig := cdp.SignCallback(sign, at, body)
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+cdp.CallbackPath, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(cdp.HeaderCallbackTimestamp, ts)
		req.Header.Set(cdp.HeaderCallbackSignature, sig)
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
		return resp.StatusCode
	}
	cases := []struct {
		name   string
		body   []byte
		secret string
		at     time.Time
		want   int
	}{
		{"bad signature", closure("", ecrn), "another secret", e.clock.Now(), http.StatusUnauthorized},
		{"stale timestamp", closure("", ecrn), secret, e.clock.Now().Add(-6 * time.Minute), http.StatusUnauthorized},
		{"unknown ECRN", closure("", "7841000000000000"), secret, e.clock.Now(), http.StatusNotFound},
		{"no statuses", []byte(`{"ecrn":"` + ecrn + `"}`), secret, e.clock.Now(), http.StatusBadRequest},
		{"valid, the evidenced shape", closure("", ecrn), secret, e.clock.Now(), http.StatusOK},
		{"the same delivery replayed", closure("", ecrn), secret, e.clock.Now(), http.StatusConflict},
		{"valid, with alert id and closing time", closure("AML-1", "7841004455660001"), secret, e.clock.Now(), http.StatusOK},
		{
			"that alert id again, newly signed",
			closure("AML-1", "7841004455660001"),
			secret,
			e.clock.Now().Add(time.Second),
			http.StatusConflict,
		},
		{
			"a new delivery, no longer under investigation",
			closure("", ecrn),
			secret,
			e.clock.Now().Add(2 * time.Second),
			http.StatusConflict,
		},
	}
	for _, c := range cases {
		if got := send(c.body, c.secret, c.at); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
	for _, draft := range []int64{id, other} {
		var state string
		_ = e.db.Pool.QueryRow(context.Background(), `SELECT state FROM submissions WHERE draft_id = $1`, draft).Scan(&state)
		if state != "onboarded" {
			t.Errorf("state %q after the closure, want onboarded", state)
		}
	}
	actions := strings.Join(e.auditActions(), " ")
	// The two unsigned refusals came from one address in one window: the first is recorded.
	if strings.Count(actions, "cdp.callback_refused") != 6 || strings.Count(actions, "cdp.callback ") != 2 {
		t.Errorf("audit %s: want 6 refusals and two callbacks", actions)
	}
	if !strings.Contains(e.logs.String(), "AML alert closure refused") {
		t.Error("refusals are not logged")
	}
}

// TestPreflightAtReview: a complete draft whose nationality the CDP would refuse shows the
// refusal on the review step and on the field, in words, offers no submit, and a submit
// posted anyway is refused before any checker sees the case.
func TestPreflightAtReview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.completeDraft("784-1985-0000001-7")
	if status, body := c.autosave(id, 2, "nationality", "AQ"); status != http.StatusOK {
		t.Fatalf("autosave: %d %s", status, body)
	}
	_, doc := c.page(fmt.Sprintf("/drafts/%d?step=review", id))
	issue := doc.Find(`[data-testid="review-issue"]`).Text()
	if !strings.Contains(issue, "Nationality") || !strings.Contains(issue, "the CDP would refuse this") ||
		!strings.Contains(issue, "uninhabited territory") || doc.Find(`[data-testid="submit"]`).Length() != 0 {
		t.Errorf("review: %q, submit offered: %d", issue, doc.Find(`[data-testid="submit"]`).Length())
	}
	_, doc = c.page(fmt.Sprintf("/drafts/%d?step=personal", id))
	if msg := doc.Find(`[data-testid="error-nationality"]`).Text(); !strings.Contains(msg, "The CDP would refuse this") {
		t.Errorf("the nationality field says %q", msg)
	}
	resp := c.post(fmt.Sprintf("/drafts/%d/submit", id), nil)
	if body := readBody(t, resp); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "review step") {
		t.Errorf("submit: %d", resp.StatusCode)
	}
	if _, err := store.SubmissionByDraft(context.Background(), e.db.Pool, id, false); err == nil {
		t.Error("a submission exists")
	}
}
