package submission

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"kycportal/internal/cdp"
	"kycportal/internal/store"
)

// The helper process of TestWorkerKilledAfterCDPAccepted reads its database and CDP here.
const (
	workerDSNEnv = "SUBMISSION_TEST_WORKER_DSN"
	workerCDPEnv = "SUBMISSION_TEST_WORKER_CDP"
	killedCode   = 7
)

// exitAfterOnboard is a transport that ends the process the moment the CDP has accepted an
// onboard, before the worker can commit what it heard.
type exitAfterOnboard struct{}

func (exitAfterOnboard) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && r.URL.Path == cdp.OnboardPath && resp.StatusCode == http.StatusOK {
		os.Exit(killedCode)
	}
	return resp, err
}

// TestWorkerProcess is the worker process that gets killed; it runs only when started by
// TestWorkerKilledAfterCDPAccepted.
func TestWorkerProcess(t *testing.T) {
	t.Parallel()
	dsn, cdpURL := os.Getenv(workerDSNEnv), os.Getenv(workerCDPEnv)
	if dsn == "" {
		t.Skip("the helper process of TestWorkerKilledAfterCDPAccepted")
	}
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, queue: QueueConfig{}}
	e.svc = newEnvService(t, db, time.Now, false)
	cfg := cdp.Config{BaseURL: cdpURL, Scope: cdp.DefaultScope, Timeout: 5 * time.Second}.WithSandboxDefaults()
	client, err := cdp.New(
		cfg,
		cdp.Options{Logger: slog.New(slog.DiscardHandler), HTTPClient: &http.Client{Transport: exitAfterOnboard{}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	e.startWorker(client)
	<-time.After(30 * time.Second) // bounded: the transport exits long before
	t.Fatal("the worker never onboarded")
}

// TestWorkerKilledAfterCDPAccepted: the process dies between the CDP's acceptance and our
// commit. After a restart, reconciliation links the ECRN the CDP created: no second customer.
func TestWorkerKilledAfterCDPAccepted(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	ctx := context.Background()
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	number := emiratesID(700)
	id := e.draft(number)
	if err := e.svc.Submit(ctx, e.agent, id); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(runCtx, os.Args[0], "-test.run=^TestWorkerProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), workerDSNEnv+"="+e.dsn, workerCDPEnv+"="+cdpSrv.srv.URL)
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != killedCode {
		t.Fatalf("worker process: %v, want exit %d\n%s", err, killedCode, out)
	}
	if s := e.submission(id); s.State != Sending || cdpSrv.created[number] != 1 {
		t.Fatalf("after the kill: state %s, %d customers created; want sending and 1", s.State, cdpSrv.created[number])
	}
	// The restart comes after the dead run's rescue window and leadership lapsed: rather than
	// wait them out, move the run's start back and drop the dead leader.
	e.queue.JobTimeout, e.queue.RescueAfter = 10*time.Second, time.Minute
	if _, err := e.db.Pool.Exec(ctx, `UPDATE river_job SET attempted_at = attempted_at -
		interval '2 minutes'`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Pool.Exec(ctx, `DELETE FROM river_leader`); err != nil {
		t.Fatal(err)
	}
	e.startWorker(cdpSrv.client)
	e.settled([]int64{id})
	s := e.submission(id)
	lookup := cdpSrv.client.Lookup(ctx, "4", number)
	if s.State != Onboarded || s.ECRN == "" || s.ECRN != lookup.ECRN {
		t.Errorf("state %s ECRN %q, want onboarded with the CDP's %q", s.State, s.ECRN, lookup.ECRN)
	}
	if cdpSrv.created[number] != 1 || cdpSrv.duplicates[number] != 0 {
		t.Errorf(
			"CDP created %d and got %d duplicate onboards, want 1 and 0",
			cdpSrv.created[number],
			cdpSrv.duplicates[number],
		)
	}
	if a := e.actions(id); !slices.Contains(a, "cdp.attempt") {
		t.Errorf("timeline %v has no attempt", a)
	}
}
