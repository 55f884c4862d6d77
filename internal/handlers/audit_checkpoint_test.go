package handlers

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"kycportal/internal/audit"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// TestAuditCheckpointServesTheSignedNote: GET /audit/checkpoint answers 404 before anything
// is sealed, then the latest checkpoint as a signed note that opens under the log's public
// key alone, as an auditor keeping copies reads it; a reading is recorded.
func TestAuditCheckpointServesTheSignedNote(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup := e.reviewer(store.RoleSupervisor, "A")
	resp := sup.do(http.MethodGet, "/audit/checkpoint", nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("before anything is sealed: %d, want 404", resp.StatusCode)
	}
	e.record(3, "amira", "A", audit.DraftUpdated, nil)
	testdb.SealAudit(t, e.db.Pool)
	resp = sup.do(http.MethodGet, "/audit/checkpoint", nil)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /audit/checkpoint: %d %s (%v)", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	served, err := audit.OpenCheckpoint(body, testdb.AuditKey(t).Verifier())
	if err != nil {
		t.Fatalf("the served checkpoint does not open under the public key: %v\n%s", err, body)
	}
	latest, err := audit.LatestCheckpoint(context.Background(), e.db.Pool)
	if err != nil || served.Size != latest.Size || served.Root != latest.Root {
		t.Errorf("served a tree of %d, the latest is of %d (%v)", served.Size, latest.Size, err)
	}
	var viewed int
	err = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events
		WHERE action = 'audit.viewed' AND entity_type = 'audit_checkpoint'`).Scan(&viewed)
	if err != nil || viewed != 1 {
		t.Errorf("checkpoint readings recorded: %d (%v), want 1", viewed, err)
	}
}
