package submission

import (
	"context"
	"errors"
	"testing"

	"kycportal/internal/branches/branchtest"
	"kycportal/internal/cdp/contract"
	"kycportal/internal/drafts"
)

// TestPreflightAndTheSandboxShareTheRules: the pre-flight check of a draft and the CDP
// sandbox, sent the very payload the worker would send, find the same fault in the same
// words, because both run internal/cdp/contract.
func TestPreflightAndTheSandboxShareTheRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	ctx := context.Background()
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	id := e.draft(emiratesID(700))
	e.setValues(id, map[string]string{"nationality": "AQ"})
	d, findings := e.preflight(id)
	if len(findings) != 1 || findings[0].Field != "nationality" || findings[0].Path != "nationality" {
		t.Fatalf("pre-flight findings %+v; want one, on the nationality field", findings)
	}
	body, err := e.svc.Payload(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	res := cdpSrv.client.Onboard(ctx, body)
	if res.Code != contract.CodeMasterData || len(res.Details) != 1 || res.Details["nationality"] != findings[0].Reason {
		t.Fatalf("the sandbox answered %d %v; the pre-flight said %q", res.Code, res.Details, findings[0].Reason)
	}
	var refused *PreflightError
	if err := e.svc.Submit(ctx, e.agent, id); !errors.As(err, &refused) {
		t.Fatalf("submit = %v; want a PreflightError", err)
	}
}

// A branch without its CDP location is a supervisor's task, not the agent's field.
func TestPreflightNamesTheBranchsMissingLocation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	ctx := context.Background()
	branchtest.Ensure(t, e.db.Pool, "DXB-01")
	if _, err := e.db.Pool.Exec(ctx, `UPDATE branches SET cdp_location_id = '' WHERE code = 'DXB-01'`); err != nil {
		t.Fatal(err)
	}
	_, findings := e.preflight(e.draft(emiratesID(701)))
	if len(findings) != 1 || findings[0].Field != "" || findings[0].Path != "agent_location_id" {
		t.Fatalf("findings %+v; want one supervisor's task on agent_location_id", findings)
	}
}

// preflight is the draft id and its pre-flight findings.
func (e *env) preflight(id int64) (drafts.Draft, []Finding) {
	e.t.Helper()
	d, err := e.svc.Drafts.View(context.Background(), e.agent, id)
	if err != nil {
		e.t.Fatal(err)
	}
	findings, err := e.svc.Preflight(context.Background(), d)
	if err != nil {
		e.t.Fatal(err)
	}
	return d, findings
}
