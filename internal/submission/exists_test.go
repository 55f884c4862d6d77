package submission

import (
	"context"
	"strings"
	"testing"

	"kycportal/internal/cdp"
)

const zafarECRN = "7841003233051516" // the sandbox's found demo customer, Emirates ID 784199012345676

// TestAlreadyExistsSamePersonBecomesAnUpdate: the agent onboards Zafar Bashir, whom the CDP
// already holds. The portal fetches him, finds the same name and date of birth, and the case
// goes back to the checker as an update of his ECRN; once approved, the agent's data is sent
// with that ECRN and the customer is onboarded.
func TestAlreadyExistsSamePersonBecomesAnUpdate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	ctx := context.Background()
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	id := e.draft("784199012345676")
	e.setValues(id, map[string]string{"first_name": "Zafar Bashir", "middle_name": "", "last_name": "Bashir Masih",
		"date_of_birth": "1985-04-12", "email_id": "zafar.new@example.com"})
	if err := e.svc.Submit(ctx, e.agent, id); err != nil {
		t.Fatal(err)
	}
	e.approve(id)
	e.startWorker(cdpSrv.client)
	waitFor(t, e, id, AwaitingApproval)
	if s := e.submission(id); s.ECRN != zafarECRN {
		t.Fatalf("ECRN %q after already exists, want %s", s.ECRN, zafarECRN)
	}
	if got := cdpSrv.count(cdp.CustomerPath + zafarECRN); got != 1 {
		t.Errorf("%d reads of the existing customer, want 1: %v", got, e.actions(id))
	}
	e.approve(id)
	waitFor(t, e, id, Onboarded)
	if updates := cdpSrv.updates(); len(updates) != 1 || updates[0] != zafarECRN {
		t.Fatalf("updates sent %v, want one under %s", updates, zafarECRN)
	}
	got := cdpSrv.client.GetCustomer(ctx, zafarECRN)
	if got.Customer.EmailID != "zafar.new@example.com" {
		t.Errorf("the CDP holds %q: the agent's data was not sent", got.Customer.EmailID)
	}
}

// TestAlreadyExistsDifferentPersonWaitsForASupervisor: Fatima Hassan with Zafar's Emirates ID
// is never linked to his ECRN: the case needs a supervisor, with both records in the trail.
func TestAlreadyExistsDifferentPersonWaitsForASupervisor(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	id := e.draft("784199012345676")
	if err := e.svc.Submit(context.Background(), e.agent, id); err != nil {
		t.Fatal(err)
	}
	e.startWorker(cdpSrv.client)
	waitFor(t, e, id, NeedsAttention)
	if s := e.submission(id); s.ECRN != "" {
		t.Fatalf("linked to ECRN %q", s.ECRN)
	}
	entries, err := e.svc.Timeline(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	existing, _ := last.After["existing_customer"].(map[string]any)
	draft, _ := last.After["this_draft"].(map[string]any)
	if existing["name"] != "ZAFAR BASHIR BASHIR MASIH" || draft["name"] != "FATIMA ALI HASSAN" ||
		existing["date_of_birth"] != "1985-04-12" || !strings.Contains(last.Reason, "supervisor compares") {
		t.Errorf("the supervisor's comparison: %v / %v, %q", existing, draft, last.Reason)
	}
	if updates := cdpSrv.updates(); len(updates) != 0 {
		t.Errorf("updates sent: %v", updates)
	}
}

func waitFor(t *testing.T, e *env, id int64, want State) {
	t.Helper()
	if got := e.settled([]int64{id})[id]; got != want {
		t.Fatalf("state %s, want %s (%v)", got, want, e.actions(id))
	}
}

// setValues saves values into draft id as the agent.
func (e *env) setValues(id int64, values map[string]string) {
	e.t.Helper()
	d, err := e.svc.Drafts.View(context.Background(), e.agent, id)
	if err != nil {
		e.t.Fatal(err)
	}
	if saved, err := e.svc.Drafts.Save(context.Background(), e.agent, id, d.Version, values); err != nil ||
		len(saved.Refused) > 0 {
		e.t.Fatalf("save: %v %v", err, saved.Refused)
	}
}

// approve claims and approves id as the first supervisor.
func (e *env) approve(id int64) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.svc.Claim(ctx, e.supervisors[0], id); err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.Approve(ctx, e.supervisors[0], id, password); err != nil {
		e.t.Fatal(err)
	}
}
