package submission

import (
	"context"
	"slices"
	"testing"

	"kycportal/internal/audit"
	"kycportal/internal/cdp"
)

// TestBatchUnderFaults: 50 customers submitted while the CDP answers 502 to a third of the
// calls, drops connections, and loses the answers of some onboards it carried out. Every
// submission ends onboarded, each customer was created exactly once, and no onboard ever
// reached the CDP for a customer it already had: reconciliation looked them up first.
func TestBatchUnderFaults(t *testing.T) {
	t.Parallel()
	const n = 50
	e := newEnv(t, false)
	e.svc.Rules.MaxAttempts = 25
	cdpSrv := e.startSandbox(sandboxConfig(1.0/3, 0.1), 0.2)
	ctx := context.Background()
	var ids []int64
	numbers := map[int64]string{}
	for i := range n {
		id := e.draft(emiratesID(i))
		ids, numbers[id] = append(ids, id), emiratesID(i)
	}
	for _, id := range ids {
		for range 2 { // a double click: the second submit changes nothing
			if err := e.svc.Submit(ctx, e.agent, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.startWorker(cdpSrv.client)
	states := e.settled(ids)

	onboarded := 0
	attempts := 0
	ecrns := map[string]int64{}
	busiest := ids[0]
	for _, id := range ids {
		s := e.submission(id)
		if states[id] == Onboarded && s.ECRN != "" {
			onboarded++
		}
		if other, seen := ecrns[s.ECRN]; seen {
			t.Errorf("drafts %d and %d share ECRN %s", other, id, s.ECRN)
		}
		ecrns[s.ECRN] = id
		a := countOf(e.actions(id), string(audit.CDPAttempt))
		attempts += a
		if a > countOf(e.actions(busiest), string(audit.CDPAttempt)) {
			busiest = id
		}
		if got := cdpSrv.created[numbers[id]]; got != 1 {
			t.Errorf("draft %d: the CDP created the customer %d times, want 1", id, got)
		}
	}
	duplicates := sum(cdpSrv.duplicates)
	t.Logf("submitted=%d onboarded=%d duplicates=%d attempts=%d created_in_cdp=%d lost_answers=%d "+
		"onboard_requests=%d lookup_requests=%d", n, onboarded, duplicates, attempts, sum(cdpSrv.created),
		cdpSrv.lost, cdpSrv.count(cdp.OnboardPath), cdpSrv.count(cdp.LookupPath))
	if onboarded != n || duplicates != 0 || sum(cdpSrv.created) != n {
		t.Errorf(
			"want %d onboarded, 0 duplicates, %d created; got %d, %d, %d",
			n,
			n,
			onboarded,
			duplicates,
			sum(cdpSrv.created),
		)
	}
	if cdpSrv.lost == 0 || attempts <= n {
		t.Errorf("the faults did not happen (lost %d, attempts %d): the test proves nothing", cdpSrv.lost, attempts)
	}
	checkTimelineHasEveryAttempt(t, e, busiest, cdpSrv.requestIDs[numbers[busiest]])
}

// checkTimelineHasEveryAttempt: the request ids of the timeline's attempts are exactly those
// the CDP received for the customer.
func checkTimelineHasEveryAttempt(t *testing.T, e *env, id int64, received []string) {
	t.Helper()
	entries, err := e.svc.Timeline(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, en := range entries {
		if en.Action == audit.CDPAttempt {
			shown = append(shown, en.After["request_id"].(string))
			for _, k := range []string{"call", "status", "code", "latency_ms", "outcome"} {
				if _, ok := en.After[k]; !ok {
					t.Errorf("timeline attempt lacks %s: %v", k, en.After)
				}
			}
		}
	}
	received = slices.Compact(slices.Sorted(slices.Values(received))) // the client retries a lookup under one id
	slices.Sort(shown)
	t.Logf("timeline of draft %d: %d attempts, request ids %v", id, len(shown), shown)
	if !slices.Equal(shown, received) {
		t.Errorf("timeline attempts %v, want those the CDP received %v", shown, received)
	}
}

func countOf(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}
