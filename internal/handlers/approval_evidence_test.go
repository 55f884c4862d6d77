package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kycportal/internal/audit"
	"kycportal/internal/testdb"
)

// TestCheckerDownloadsTheEvidencePack: the case page links to the evidence pack; the pack
// verifies offline with the log's public key, carries the case's three documents and its
// events; a supervisor of another branch gets 404; the download is audited.
func TestCheckerDownloadsTheEvidencePack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.agent("amal", "DXB-01", "AE")
	checker, stranger := e.checkerOf("sara", "DXB-01"), e.checkerOf("omar", "AUH-01")
	id := agent.completeDraft("784-1985-0000004-1")
	readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
	testdb.SealAudit(t, e.db.Pool)

	_, casePage := checker.page(fmt.Sprintf("/approvals/%d", id))
	href, _ := casePage.Find(`[data-testid="case-evidence"]`).Attr("href")
	if href != fmt.Sprintf("/approvals/%d/evidence", id) {
		t.Fatalf("case page's evidence link: %q", href)
	}
	resp := checker.do(http.MethodGet, href, nil)
	pack := readBody(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("evidence pack: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	public, err := audit.PublicVerifier(testdb.AuditKey(t).Public())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.VerifyPack(strings.NewReader(pack), int64(len(pack)), public)
	if err != nil || rep.Documents != 3 || rep.Events < 5 {
		t.Fatalf("the pack offline: %+v %v, want 3 documents and the case's events", rep, err)
	}
	if resp := stranger.do(http.MethodGet, href, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a supervisor of another branch: %d, want 404", resp.StatusCode)
	}
	var exported int
	err = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1
		AND entity_id = $2 AND actor_username = 'sara'`, string(audit.EvidenceExported), fmt.Sprint(id)).Scan(&exported)
	if err != nil || exported != 1 {
		t.Errorf("evidence_exported events: %d (%v), want 1", exported, err)
	}
}
