package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"kycportal/internal/app"
	"kycportal/internal/cdp/sandbox/sandboxtest"
	"kycportal/internal/submission"
)

// withOptions keeps, in o, the options the env's services are built from.
func withOptions(o *app.Options) envOption {
	return func(opts *app.Options, _ *Deps) { *o = *opts }
}

// startCaseWorker works the CDP queue of the env's database against a sandbox over
// loopback HTTP until the test ends, as serve does beside its handlers: services built from
// o (the env's, its documents store included), with a worker.
func (e *env) startCaseWorker(o app.Options) {
	e.t.Helper()
	log := slog.New(slog.NewJSONHandler(e.logs, nil))
	o.CDP = sandboxtest.Client(e.t, log, 5*time.Second)
	o.Log = log
	o.Now = time.Now
	o.Metrics = prometheus.NewRegistry()
	o.Worker = &app.WorkerOptions{
		Concurrency: 8,
		Cooldown:    10 * time.Millisecond,
		JobTimeout:  time.Minute,
		RescueAfter: 5 * time.Minute,
	}
	services, err := app.New(o)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := services.Queue.Start(ctx); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { cancel(); <-services.Queue.Stopped() })
}

// settledCase is true once the case has left the checker and the CDP queue.
func (e *env) settledCase(id int64) bool {
	e.t.Helper()
	var state string
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT state FROM submissions WHERE draft_id = $1`, id).Scan(&state); err != nil {
		e.t.Error(err)
		return true
	}
	return state == string(submission.Returned) || state == string(submission.Onboarded)
}

// cdpWillRefuse gives draft id, once approved, a nationality the CDP refuses. The portal's
// pre-flight holds the CDP's own rules, so a refused value only reaches the CDP when it
// changed after the check (as the CDP's master data may): here, under the portal.
func (e *env) cdpWillRefuse(id int64) {
	e.t.Helper()
	for _, stmt := range []string{ // the value, and what the submission records it sent
		`UPDATE drafts SET values = jsonb_set(values, '{nationality}', '"AQ"') WHERE id = $1`,
		`UPDATE submissions SET sent = jsonb_set(sent, '{nationality}', '"AQ"') WHERE draft_id = $1`,
	} {
		if _, err := e.db.Pool.Exec(context.Background(), stmt, id); err != nil {
			e.t.Fatal(err)
		}
	}
}

// TestWorkerRacesTheCase: while the worker refuses some cases (the CDP returns their
// nationality) and accepts others, their checker approves the others, two more sessions read
// their pages and thumbnails, and another supervisor keeps trying to claim them, all at
// once. No request deadlocks or answers a 5xx, the worker never retries, and every
// approval, CDP call and outcome is recorded exactly once.
func TestWorkerRacesTheCase(t *testing.T) {
	t.Parallel()
	var o app.Options
	e := newEnv(t, withOptions(&o))
	agent := e.agent("amal", "DXB-01", "AE")
	const checkerPassword = "correct horse checker staple"
	checker := e.checkerOf("sara", "DXB-01")
	refused := map[int64]bool{}
	var ids []int64
	for i := range 4 {
		id := agent.completeDraft(validEmiratesID(int64(4200 + i)))
		readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
		readBody(t, checker.post(fmt.Sprintf("/approvals/%d/claim", id), nil))
		refused[id], ids = i%2 == 0, append(ids, id)
		if refused[id] { // approved before the worker starts, so that the CDP gets the changed value
			readBody(t, checker.post(fmt.Sprintf("/approvals/%d/approve", id), url.Values{"password": {checkerPassword}}))
			e.cdpWillRefuse(id)
		}
	}
	e.startCaseWorker(o)

	// Each goroutine has a session of its own, as each tab of a browser shares one but
	// these clients do not lock their cookie.
	session := func(name string) *client {
		c := e.client()
		c.login(name, checkerPassword)
		return c
	}
	e.checkerOf("lina", "DXB-01")
	e.checkerOf("omar", "DXB-01")
	var mu sync.Mutex
	statuses := map[string]int{}
	note := func(what string, resp *http.Response) {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			mu.Lock()
			statuses[fmt.Sprintf("%s: %d", what, resp.StatusCode)]++
			mu.Unlock()
		}
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		approver := session("sara")
		readers := []*client{session("sara"), session("lina")}
		rival := session("omar")
		wg.Go(func() {
			note("approve", approver.post(fmt.Sprintf("/approvals/%d/approve", id), url.Values{"password": {checkerPassword}}))
		})
		for _, r := range readers {
			wg.Go(func() {
				for !e.settledCase(id) {
					for _, kind := range []string{"id_front", "id_back", "face"} {
						note("thumbnail", r.do(http.MethodGet, fmt.Sprintf("/approvals/%d/documents/%s?size=thumb", id, kind), nil))
					}
					note("case page", r.do(http.MethodGet, fmt.Sprintf("/approvals/%d", id), nil))
				}
			})
		}
		wg.Go(func() {
			for !e.settledCase(id) {
				note("rival claim", rival.post(fmt.Sprintf("/approvals/%d/claim", id), nil))
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the cases did not settle within 2 minutes: a lock waits for ever")
	}

	if len(statuses) > 0 {
		t.Errorf("server errors: %v", statuses)
	}
	if strings.Contains(e.logs.String(), "40P01") {
		t.Error("the log reports a deadlock")
	}
	for _, id := range ids {
		want := submission.Onboarded
		if refused[id] {
			want = submission.Returned
		}
		var state string
		var approved, attempts, outcomes, jobErrors int
		err := e.db.Pool.QueryRow(context.Background(), `SELECT s.state,
			(SELECT count(*) FROM audit_events WHERE entity_id = $2 AND action = 'submission.approved'),
			(SELECT count(*) FROM audit_events WHERE entity_id = $2 AND action = 'cdp.attempt'),
			(SELECT count(*) FROM audit_events WHERE entity_id = $2 AND action = 'cdp.outcome'),
			(SELECT coalesce(sum(cardinality(errors)), 0) FROM river_job WHERE (args->>'draft_id')::bigint = $1)
			FROM submissions s WHERE s.draft_id = $1`, id, fmt.Sprint(id)).Scan(&state, &approved, &attempts, &outcomes, &jobErrors)
		if err != nil {
			t.Fatal(err)
		}
		if want == submission.Onboarded {
			_, doc := agent.page(fmt.Sprintf("/drafts/%d", id))
			ecrn, next := doc.Find(`[data-testid="submission-ecrn"]`).Text(), doc.Find(`[data-testid="submission-next"]`).Text()
			if len(ecrn) != 16 || !strings.HasPrefix(next, "Done: the CDP registered the customer") {
				t.Errorf("case %d onboarded, its agent reads ECRN %q and %q", id, ecrn, next)
			}
		}
		if state != string(want) || approved != 1 || attempts != 1 || outcomes != 1 || jobErrors != 0 {
			t.Errorf("case %d: %s, %d approvals, %d CDP calls, %d outcomes, %d job errors; want %s and one of each, no error",
				id, state, approved, attempts, outcomes, jobErrors, want)
		}
	}
	if t.Failed() {
		for _, line := range strings.Split(e.logs.String(), "\n") {
			if strings.Contains(line, `"level":"ERROR"`) {
				t.Log(line)
			}
		}
	}
}
