package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kycportal/internal/auth"
	"kycportal/internal/branches/branchtest"
	"kycportal/internal/store"
)

// checkerPassword is the password of every checker checkerOf signs in.
const checkerPassword = "correct horse checker staple"

// claimedCase is a case agent submits with the Emirates ID of number, claimed by checker.
func claimedCase(agent, checker *client, number int64) int64 {
	id := agent.completeDraft(validEmiratesID(number))
	readBody(agent.e.t, agent.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
	readBody(checker.e.t, checker.post(fmt.Sprintf("/approvals/%d/claim", id), nil))
	return id
}

// checkerOf signs in a supervisor of branch who checks AE cases.
func (e *env) checkerOf(name, branch string) *client {
	e.t.Helper()
	branchtest.Ensure(e.t, e.db.Pool, branch)
	_, err := e.app.Accounts.CreateUser(
		context.Background(),
		auth.NewUser{
			Username:  name,
			Role:      store.RoleSupervisor,
			Branch:    branch,
			Countries: []string{"AE"},
		},
		checkerPassword,
		"test",
	)
	if err != nil {
		e.t.Fatal(err)
	}
	c := e.client()
	c.signIn(name)
	return c
}

// TestCheckerViewsTheCaseDocuments: a supervisor of the case's branch opens its documents
// from the case page, in the viewer and as bytes, each view audited under their name; a
// draft not yet submitted, or a case of another branch, is not found.
func TestCheckerViewsTheCaseDocuments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.agent("amal", "DXB-01", "AE")
	checker, stranger := e.checkerOf("sara", "DXB-01"), e.checkerOf("omar", "AUH-01")
	id := agent.completeDraft("784-1985-0000004-1")
	face := fmt.Sprintf("/approvals/%d/documents/face", id)
	if resp := checker.do(http.MethodGet, face, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a draft not submitted: %d, want 404", resp.StatusCode)
	}
	readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", id), nil))

	_, casePage := checker.page(fmt.Sprintf("/approvals/%d", id))
	for _, kind := range []string{"id_front", "id_back", "face"} {
		if href, _ := casePage.Find(`[data-testid="case-view-` + kind + `"]`).Attr("href"); href != face[:len(face)-4]+kind+"/view" {
			t.Errorf("case page link to %s: %q", kind, href)
		}
	}
	resp := checker.do(http.MethodGet, face, nil)
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" || len(body) == 0 ||
		!strings.HasPrefix(
			resp.Header.Get("Content-Security-Policy"),
			"sandbox",
		) || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("face for its checker: %d %v, %d bytes", resp.StatusCode, resp.Header, len(body))
	}
	resp, viewer := checker.page(face + "/view")
	if src, _ := viewer.Find(`[data-testid="viewer-image"]`).Attr("src"); resp.StatusCode != http.StatusOK ||
		src != face ||
		viewer.Find(`#zoom-2`).Length() != 1 ||
		viewer.Find(`#rot-90`).Length() != 1 ||
		viewer.Find(`a[download]`).Length() != 0 {
		t.Errorf(
			"viewer for the checker: %d, image %q; want 200, the case's face, zoom and rotate, no download",
			resp.StatusCode,
			src,
		)
	}
	if back, _ := viewer.Find(`[data-testid="viewer-back"]`).Attr("href"); back != fmt.Sprintf("/approvals/%d", id) {
		t.Errorf("viewer's way back: %q", back)
	}
	if resp := checker.do(http.MethodGet, fmt.Sprintf("/approvals/%d/documents/ekyc_report/view", id), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a document the case lacks: %d, want 404", resp.StatusCode)
	}
	for _, path := range []string{face, face + "?size=thumb", face + "/view"} {
		if resp := stranger.do(http.MethodGet, path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s for a supervisor of another branch: %d, want 404", path, resp.StatusCode)
		}
	}

	var views int
	err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'document.viewed'
		AND entity_id = $1 AND actor_username = 'sara' AND outcome = 'success' AND after->>'kind' = 'face'`, fmt.Sprint(id)).Scan(&views)
	if err != nil || views != 1 {
		t.Errorf("document.viewed events of the checker: %d (%v), want 1", views, err)
	}
}

// TestMistypedApprovalPasswordStaysInTheCase: a wrong password refuses the approval and
// shows the case again, the message under the password input, the claim still held.
func TestMistypedApprovalPasswordStaysInTheCase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.agent("amal", "DXB-01", "AE")
	checker := e.checkerOf("sara", "DXB-01")
	id := claimedCase(agent, checker, 4400)
	resp, doc := postDoc(t, checker, fmt.Sprintf("/approvals/%d/approve", id),
		url.Values{"password": {"not my password at all"}})
	input := doc.Find(`[data-testid="step-up"]`)
	described, _ := input.Attr("aria-describedby")
	if resp.StatusCode != http.StatusForbidden || doc.Find(`[data-testid="approval"]`).Length() != 1 ||
		doc.Find(`#`+described).Text() == "" || doc.Find(`[data-testid="step-up-error"]`).Length() != 1 {
		t.Errorf(
			"wrong password: %d, case shown %d, input described by %q; want 403 on the case, the message under the input",
			resp.StatusCode,
			doc.Find(`[data-testid="approval"]`).Length(),
			described,
		)
	}
	if state := doc.Find(`[data-testid="approval-state"]`).Text(); state != "awaiting approval" ||
		doc.Find(`[data-testid="claimed"]`).Length() != 1 {
		t.Errorf(
			"after the wrong password: %q, claimed shown %d; want still awaiting and mine",
			state,
			doc.Find(`[data-testid="claimed"]`).Length(),
		)
	}
}

// TestCheckerReadsAnswersNotCodes: the case shows each list's label, a country's name, a
// date with its month in words, and Yes or No for every question, never a blank for No.
func TestCheckerReadsAnswersNotCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.agent("amal", "DXB-01", "AE")
	checker := e.checkerOf("sara", "DXB-01")
	id := agent.completeDraftWith(validEmiratesID(4402), map[string]string{"salutation": "MRS", "dnfbp": "yes"})
	readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
	readBody(t, checker.post(fmt.Sprintf("/approvals/%d/claim", id), nil))
	_, doc := checker.page(fmt.Sprintf("/approvals/%d", id))
	for name, want := range map[string]string{"salutation": "Mrs", "nationality": "India", "resident_type_id": "Citizen or national",
		"occupation_id": "Self-employed", "reason_for_acc": "Savings", "date_of_birth": "17 May 1990", "dnfbp": "Yes",
		"political_exposed_person": "No", "dpms": "No"} {
		got := strings.TrimSpace(doc.Find(`[data-testid="value-` + name + `"]`).Text())
		if got == "" || (want != "" && !strings.EqualFold(got, want)) ||
			strings.ContainsAny(got, "0123456789") && name != "date_of_birth" {
			t.Errorf("%s shown as %q, want %q (a label, not a code)", name, got, want)
		}
	}
}

// TestIDNumberMaskedUntilRevealed: the draft and the case show the ID number masked; the
// reveal shows it whole and the trail records who saw it.
func TestIDNumberMaskedUntilRevealed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.agent("amal", "DXB-01", "AE")
	checker := e.checkerOf("sara", "DXB-01")
	number := validEmiratesID(4403)
	id := agent.completeDraft(number)
	readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
	for _, c := range []struct {
		who    *client
		page   string
		testid string
	}{{agent, fmt.Sprintf("/drafts/%d?step=personal", id), "draft-id"}, {checker, fmt.Sprintf("/approvals/%d", id), "approval-id"}} {
		_, doc := c.who.page(c.page)
		shown := doc.Find(`[data-testid="` + c.testid + `"]`).Text()
		href, _ := doc.Find(`[data-testid="reveal-id"]`).Attr("href")
		if shown != "•••• "+number[len(number)-4:] || strings.Contains(doc.Text(), number) {
			t.Errorf("%s shows the ID number as %q, want it masked everywhere on the page", c.page, shown)
		}
		_, doc = c.who.page(href)
		if shown := doc.Find(`[data-testid="` + c.testid + `"]`).Text(); shown != grouped(number) ||
			!strings.HasSuffix(shown, " "+number[len(number)-4:]) {
			t.Errorf("%s revealed: %q", href, shown)
		}
	}
	var reveals int
	err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'customer.id_revealed'
		AND entity_type = 'draft' AND entity_id = $1`, fmt.Sprint(id)).
		Scan(&reveals)
	if err != nil || reveals != 2 {
		t.Errorf("reveals recorded: %d (%v), want 2", reveals, err)
	}
}

// TestEveryApprovalAsksItsOwnStepUp: a step-up proves the checker for the one approval it
// goes with; approving the next case straight after, in the same session, still asks for
// the password (docs/submission.md, "Step-up").
func TestEveryApprovalAsksItsOwnStepUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.agent("amal", "DXB-01", "AE")
	checker := e.checkerOf("sara", "DXB-01")
	first := claimedCase(agent, checker, 4410)
	next := claimedCase(agent, checker, 4411)
	resp := checker.post(fmt.Sprintf("/approvals/%d/approve", first), url.Values{"password": {checkerPassword}})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approval with the password: %d, want 303", resp.StatusCode)
	}
	resp = checker.post(fmt.Sprintf("/approvals/%d/approve", next), nil)
	readBody(t, resp)
	_, doc := checker.page(fmt.Sprintf("/approvals/%d", next))
	if state := doc.Find(`[data-testid="approval-state"]`).Text(); resp.StatusCode != http.StatusForbidden ||
		state != "awaiting approval" {
		t.Errorf("the next approval without a password: %d, then %q; want 403 and still awaiting", resp.StatusCode, state)
	}
}
