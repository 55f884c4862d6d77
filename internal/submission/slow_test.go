package submission

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"kycportal/internal/cdp"
)

// late answers the first slow API calls only after the client has given up: the CDP did the
// work, the answer arrives past our timeout, as a CDP under load does. Tokens come at once
// (a failing token endpoint is the CDP client's own test).
type late struct {
	next  http.Handler
	slow  atomic.Int32 // requests still to answer late
	delay time.Duration
}

func (l *late) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == cdp.TokenPath || l.slow.Add(-1) < 0 {
		l.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	l.next.ServeHTTP(rec, r.WithContext(context.WithoutCancel(r.Context()))) // carried out in full
	time.Sleep(l.delay)                                                      // the answer's way back is slow
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// TestSlowCDPBeyondTheTimeout: the CDP answers its first calls after our timeout, having
// created the customers meanwhile. Every submission waits, retries, and ends onboarded,
// each customer created once: reconciliation looks them up rather than sending again.
func TestSlowCDPBeyondTheTimeout(t *testing.T) {
	t.Parallel()
	const n = 10
	e := newEnv(t, false)
	e.svc.Rules.MaxAttempts = 25
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	gate := &late{next: cdpSrv.recorder, delay: 300 * time.Millisecond}
	gate.slow.Store(2 * n)
	cdpSrv.srv.Config.Handler = gate
	cfg := cdp.Config{
		BaseURL: cdpSrv.srv.URL,
		Scope:   cdp.DefaultScope,
		Timeout: 150 * time.Millisecond,
	}.WithSandboxDefaults()
	client, err := cdp.New(cfg, cdp.Options{Logger: slog.New(slog.DiscardHandler), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var ids []int64
	numbers := map[int64]string{}
	for i := range n {
		id := e.draft(emiratesID(300 + i))
		if err := e.svc.Submit(ctx, e.agent, id); err != nil {
			t.Fatal(err)
		}
		ids, numbers[id] = append(ids, id), emiratesID(300+i)
	}
	e.startWorker(client)
	states := e.settled(ids)
	onboarded, attempts := 0, 0
	for _, id := range ids {
		if states[id] == Onboarded && e.submission(id).ECRN != "" {
			onboarded++
		}
		attempts += countOf(e.actions(id), "cdp.attempt")
	}
	t.Logf("submitted=%d onboarded=%d created_in_cdp=%d duplicates=%d attempts=%d answered_late=%d",
		n, onboarded, sum(cdpSrv.created), sum(cdpSrv.duplicates), attempts, 2*n-max(gate.slow.Load(), 0))
	if onboarded != n || sum(cdpSrv.created) != n || sum(cdpSrv.duplicates) != 0 {
		t.Errorf("want %d onboarded and created once each, no duplicates", n)
	}
	if attempts <= n {
		t.Errorf("%d attempts for %d submissions: no call met the timeout, the test proves nothing", attempts, n)
	}
}
