package submission

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestCorrectionOfAnOnboardedCustomerIsAnUpdate: the corrected draft goes out as an update
// under the customer's ECRN, not as a second onboard.
func TestCorrectionOfAnOnboardedCustomerIsAnUpdate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	e.svc.Rules.MaxAttempts = 3
	ctx := context.Background()
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	number := emiratesID(800)
	id := e.draft(number)
	if err := e.svc.Submit(ctx, e.agent, id); err != nil {
		t.Fatal(err)
	}
	e.startWorker(cdpSrv.client)
	e.settled([]int64{id})
	ecrn := e.submission(id).ECRN
	var forbidden *ForbiddenError
	if err := e.svc.Correct(ctx, e.agent, id); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Correct(ctx, e.agent, id); !errors.As(err, &forbidden) {
		t.Fatalf("a second correction = %v, want a ForbiddenError draft → draft", err)
	}
	if _, err := e.svc.Drafts.Save(ctx, e.agent, id, 100, map[string]string{"email_id": "fatima.h@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Submit(ctx, e.agent, id); err != nil {
		t.Fatal(err)
	}
	e.settled([]int64{id})
	if s := e.submission(id); s.State != Onboarded || s.ECRN != ecrn {
		t.Errorf("after the correction: %s %q, want onboarded under %q", s.State, s.ECRN, ecrn)
	}
	if got := cdpSrv.client.Lookup(ctx, "4", number); got.Customer.EmailID != "fatima.h@example.com" {
		t.Errorf("the CDP has e-mail %q, want the corrected one", got.Customer.EmailID)
	}
	if cdpSrv.duplicates[number] != 0 || !slices.Contains(e.actions(id), "submission.resubmitted") {
		t.Errorf("%d duplicate onboards; timeline %v", cdpSrv.duplicates[number], e.actions(id))
	}
}
