package submission

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"kycportal/internal/audit"
	"kycportal/internal/cdp"
	"kycportal/internal/cdp/sandbox"
)

// TestCheckResolvesLostCallback: the CDP closes an investigation but its callback never
// comes; the checks find the customer active and onboard the case, telling its agent.
func TestCheckResolvesLostCallback(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	e.svc.Now = time.Now // checks are scheduled on river's real clock
	e.svc.Rules.CheckFirst, e.svc.Rules.CheckMax = 100*time.Millisecond, 200*time.Millisecond
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	id := e.draft("784200167890126") // the sandbox creates it under investigation
	if err := e.svc.Submit(context.Background(), e.agent, id); err != nil {
		t.Fatal(err)
	}
	e.startWorker(cdpSrv.client)
	if s := e.settled([]int64{id})[id]; s != UnderInvestigation {
		t.Fatalf("state %s, want under investigation", s)
	}
	e.waitFor(id, "two checks that find it still open", func(reasons []string) bool {
		return count(reasons, "still under compliance investigation") >= 2
	})
	closeAtSandbox(t, cdpSrv, e.submission(id).ECRN)
	reasons := e.waitFor(id, "a check that finds it closed", func(reasons []string) bool {
		return count(reasons, "the investigation closed and the customer is active") == 1
	})
	if s := e.submission(id); s.State != Onboarded {
		t.Errorf("state %s after the closing check, want onboarded", s.State)
	}
	if !strings.Contains(strings.Join(reasons, "\n"), "next check ") {
		t.Errorf("no check names when the next one comes:\n%s", strings.Join(reasons, "\n"))
	}
	inbox, err := e.svc.Inbox(context.Background(), e.agent)
	if err != nil || len(inbox) != 1 || inbox[0].Kind != NoticeInvestigationClosed || inbox[0].DraftID != id {
		t.Errorf("inbox %+v (%v), want one investigation_closed notice of case %d", inbox, err, id)
	}
	time.Sleep(500 * time.Millisecond) // more than two check periods
	if n := len(e.checkReasons(id)); n != len(reasons) {
		t.Errorf("%d checks after the case resolved, want none", n-len(reasons))
	}
}

// TestCallbackEndsChecks: the closure callback resolves the case; the check already
// scheduled then ends the checks without calling the CDP or recording anything. The check is
// scheduled an hour on and made due once the callback has landed: scheduled 300 ms on, it
// came before the callback on a busy machine.
func TestCallbackEndsChecks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	e.svc.Now = time.Now
	e.svc.Rules.CheckFirst, e.svc.Rules.CheckMax = time.Hour, time.Hour
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	id := e.draft("784200167890126")
	if err := e.svc.Submit(context.Background(), e.agent, id); err != nil {
		t.Fatal(err)
	}
	queue := e.startWorker(cdpSrv.client)
	e.settled([]int64{id})
	ecrn := e.submission(id).ECRN
	err := e.svc.CloseAlert(context.Background(), cdp.AlertClosure{ECRN: ecrn, AMLScanStatus: "Accepted",
		CustomerStatus: "ACTIVE"}, cdp.ReplayKey("1", []byte(ecrn)))
	if err != nil {
		t.Fatal(err)
	}
	lookups := cdpSrv.count(cdp.LookupPath)
	// The check scheduled before the callback comes and goes; none follows it.
	var scheduled int64
	err = e.db.Pool.QueryRow(context.Background(), `SELECT id FROM river_job
		WHERE kind = 'submission_check' AND state = 'scheduled'`).Scan(&scheduled)
	if err != nil {
		t.Fatalf("the check scheduled before the callback: %v", err)
	}
	if _, err := queue.JobRetry(context.Background(), scheduled); err != nil {
		t.Fatal(err)
	}
	var done int
	for deadline := time.Now().Add(30 * time.Second); done == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		err = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job
			WHERE kind = 'submission_check' AND state = 'completed'`).Scan(&done)
		if err != nil {
			t.Fatal(err)
		}
	}
	var pending int
	err = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job
		WHERE kind = 'submission_check' AND state <> 'completed'`).Scan(&pending)
	if err != nil || done != 1 || pending != 0 {
		t.Errorf("%d checks run, %d more scheduled (%v); want 1 and 0", done, pending, err)
	}
	if n := len(e.checkReasons(id)); n != 0 {
		t.Errorf("%d checks recorded after the callback, want 0", n)
	}
	if n := cdpSrv.count(cdp.LookupPath); n != lookups {
		t.Errorf("%d lookups after the callback, want 0", n-lookups)
	}
}

// TestCheckDelays is the backoff: four times longer each time, up to the most.
func TestCheckDelays(t *testing.T) {
	r := Rules{}
	want := []time.Duration{15 * time.Minute, time.Hour, 4 * time.Hour, 16 * time.Hour, 24 * time.Hour, 24 * time.Hour}
	for i, w := range want {
		if got := r.checkDelay(i + 1); got != w {
			t.Errorf("check %d waits %s, want %s", i+1, got, w)
		}
	}
}

func closeAtSandbox(t *testing.T, c *cdpServer, ecrn string) {
	t.Helper()
	body := `{"ecrn":"` + ecrn + `","aml_scan_status":"Accepted","customer_status":"ACTIVE","callback":false}`
	resp, err := http.Post(c.srv.URL+sandbox.AlertClosePath, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sandbox close: %d", resp.StatusCode)
	}
}

// checkReasons are the plain words of a case's checks, oldest first.
func (e *env) checkReasons(id int64) []string {
	e.t.Helper()
	var out []string
	for _, en := range e.timeline(id) {
		if en.Action == audit.CDPCheck {
			out = append(out, en.Reason)
		}
	}
	return out
}

// waitFor waits up to 30 s until the case's checks satisfy ok, and returns them.
func (e *env) waitFor(id int64, what string, ok func([]string) bool) []string {
	e.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if r := e.checkReasons(id); ok(r) {
			return r
		}
	}
	e.t.Fatalf("no %s within 30 s: %q", what, e.checkReasons(id))
	return nil
}

func count(list []string, part string) int {
	n := 0
	for _, s := range list {
		if strings.Contains(s, part) {
			n++
		}
	}
	return n
}
