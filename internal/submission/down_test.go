package submission

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// unreachable closes every connection unanswered while down is set, as a CDP that is down.
type unreachable struct {
	next http.Handler
	down atomic.Bool
}

func (u *unreachable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if u.down.Load() {
		panic(http.ErrAbortHandler)
	}
	u.next.ServeHTTP(w, r)
}

// TestCDPDownForTheWholeRun: nothing is lost and every submission shows where it stands;
// a supervisor's retry once the CDP is back onboards each exactly once.
func TestCDPDownForTheWholeRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	e.svc.Rules.MaxAttempts = 3
	ctx := context.Background()
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	gate := &unreachable{next: cdpSrv.recorder}
	gate.down.Store(true)
	cdpSrv.srv.Config.Handler = gate
	var ids []int64
	for i := range 5 {
		id := e.draft(emiratesID(500 + i))
		if err := e.svc.Submit(ctx, e.agent, id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	e.startWorker(cdpSrv.client)
	for id, s := range e.settled(ids) {
		if s != NeedsAttention {
			t.Errorf("draft %d: %s, want needs_attention", id, s)
		}
		if got := countOf(e.actions(id), "cdp.attempt"); got != 3 {
			t.Errorf("draft %d: %d attempts on its timeline, want 3", id, got)
		}
	}
	gate.down.Store(false)
	e.clock.Advance(time.Minute) // past the client's cool-down after its failed token requests
	queue, err := e.svc.Approvals(ctx, e.supervisors[0])
	if err != nil || len(queue) != len(ids) {
		t.Fatalf("supervisor sees %d cases (%v), want %d", len(queue), err, len(ids))
	}
	for _, id := range ids {
		if err := e.svc.Retry(ctx, e.supervisors[0], id); err != nil {
			t.Fatal(err)
		}
	}
	for id, s := range e.settled(ids) {
		if s != Onboarded {
			t.Errorf("draft %d: %s after the retry, want onboarded", id, s)
		}
	}
	if got := sum(cdpSrv.created); got != len(ids) || sum(cdpSrv.duplicates) != 0 {
		t.Errorf("CDP created %d customers with %d duplicate onboards, want %d and 0", got, sum(cdpSrv.duplicates), len(ids))
	}
}
