package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kycportal/internal/auth"
	"kycportal/internal/branches/branchtest"
	"kycportal/internal/store"
)

// checkerOf signs in a supervisor of branch who checks AE cases.
func (e *env) checkerOf(name, branch string) *client {
	e.t.Helper()
	const password = "correct horse checker staple"
	branchtest.Ensure(e.t, e.db.Pool, branch)
	_, err := e.app.Accounts.CreateUser(context.Background(),
		auth.NewUser{Username: name, Role: store.RoleSupervisor, Branch: branch, Countries: []string{"AE"}}, password, "test")
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
		!strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "sandbox") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("face for its checker: %d %v, %d bytes", resp.StatusCode, resp.Header, len(body))
	}
	resp, viewer := checker.page(face + "/view")
	if src, _ := viewer.Find(`[data-testid="viewer-image"]`).Attr("src"); resp.StatusCode != http.StatusOK || src != face ||
		viewer.Find(`#zoom-2`).Length() != 1 || viewer.Find(`#rot-90`).Length() != 1 || viewer.Find(`a[download]`).Length() != 0 {
		t.Errorf("viewer for the checker: %d, image %q; want 200, the case's face, zoom and rotate, no download", resp.StatusCode, src)
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
