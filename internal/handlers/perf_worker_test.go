package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"time"

	"kycportal/internal/app"
	"kycportal/internal/auth"
	"kycportal/internal/bench"
	"kycportal/internal/cdp"
	"kycportal/internal/cdp/sandbox"
	"kycportal/internal/idnumber"
	"kycportal/internal/packs"
	"kycportal/internal/store"
	"kycportal/internal/submission"
)

// countingCDP is the sandbox, counting the onboard calls that reach it: more than one for
// a customer is a duplicate.
type countingCDP struct {
	http.Handler
	onboards atomic.Int64
}

func (c *countingCDP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == cdp.OnboardPath {
		c.onboards.Add(1)
	}
	c.Handler.ServeHTTP(w, r)
}

// worker measures the submission worker: cfg.workerJobs complete submissions queued at
// once, worked as serve works them against a sandbox that answers at once.
func (p *perf) worker() {
	sb, err := sandbox.New(sandbox.DefaultConfig())
	if err != nil {
		p.t.Fatal(err)
	}
	counted := &countingCDP{Handler: sb}
	cdpSrv := httptest.NewServer(counted)
	defer cdpSrv.Close()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	client, err := cdp.New(cdp.Config{BaseURL: cdpSrv.URL, Scope: cdp.DefaultScope}.WithSandboxDefaults(), cdp.Options{Logger: log})
	if err != nil {
		p.t.Fatal(err)
	}
	services := p.services(client, log, p.noCheckerPacks(), &app.WorkerOptions{Concurrency: submission.ServeConcurrency,
		Cooldown: submission.ServeCooldown, JobTimeout: time.Minute, RescueAfter: 5 * time.Minute})
	c, u := p.workerAgent(services.Accounts)
	ids := p.queueSubmissions(services.Submissions, c, u)
	q := services.Queue
	ctx, stop := context.WithCancel(p.ctx)
	defer func() { stop(); <-q.Stopped() }()
	start, before := time.Now(), p.cpu()
	if err := q.Start(ctx); err != nil {
		p.t.Fatal(err)
	}
	p.waitOnboarded(ids)
	took, cpu := time.Since(start), p.cpu().Sub(before)
	var onboarded, ecrns int64
	err = p.db.Pool.QueryRow(p.ctx, `SELECT count(*) FILTER (WHERE state = 'onboarded'), count(DISTINCT ecrn)
		FROM submissions WHERE draft_id = ANY($1)`, ids).Scan(&onboarded, &ecrns)
	jobs := int64(len(ids))
	if err != nil || onboarded != jobs {
		p.t.Errorf("%d of %d submissions onboarded (%v)", onboarded, jobs, err)
	}
	// A customer sent twice is a second onboard call, or an ECRN two submissions share.
	p.workerRate, p.workerDuplicates = float64(jobs)/took.Seconds(), max(counted.onboards.Load()-jobs, 0)+jobs-ecrns
	fmt.Fprintf(p.out, "Submission worker as serve runs it, %d sends at once, sandbox without latency: %d submissions onboarded in %s, "+
		"%.0f a second; %d onboard calls reached the CDP, %d distinct ECRNs: %d duplicates. CPU a submission: %s "+
		"(this process, worker and sandbox: %s; Postgres: %s).\n\n",
		submission.ServeConcurrency, jobs, took.Round(time.Millisecond), p.workerRate, counted.onboards.Load(), ecrns, p.workerDuplicates,
		bench.Millis(cpu.Total()/time.Duration(jobs)), bench.Millis(cpu.Self/time.Duration(jobs)), bench.Millis(cpu.Server/time.Duration(jobs)))
}

// noCheckerPacks are the packs built in, except that the AE pack asks for no checker, so
// that a submit queues at once.
func (p *perf) noCheckerPacks() *packs.Registry {
	reg, err := packs.Load(os.DirFS("../packs"), "data")
	if err != nil {
		p.t.Fatal(err)
	}
	ae, _ := reg.Latest("AE")
	ae.MakerChecker = false
	return reg
}

// workerAgent is a new AE agent, signed in.
func (p *perf) workerAgent(accounts *auth.Accounts) (*client, store.User) {
	name := fmt.Sprintf("bench-worker-%d", time.Now().UnixNano())
	const password = "bench worker agent's password"
	u, err := accounts.CreateUser(p.ctx, auth.NewUser{Username: name, Role: store.RoleAgent, Branch: "DXB-01",
		Countries: []string{"AE"}}, password, "performance run")
	if err != nil {
		p.t.Fatal(err)
	}
	c := (&env{t: p.t, db: p.db, srv: &httptest.Server{URL: p.base}}).client()
	c.login(name, password)
	return c, u
}

// queueSubmissions makes a complete draft through the forms as u, copies it, documents
// and all, once per job, and submits every copy.
func (p *perf) queueSubmissions(svc *submission.Service, c *client, u store.User) []int64 {
	base := time.Now().UnixNano() % 1_000_000
	template := c.completeDraft(validEmiratesID(base * 100))
	var ids []int64
	for i := range int64(p.cfg.workerJobs) {
		var id int64
		err := p.db.Pool.QueryRow(p.ctx, `WITH copy AS (
				INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country, branch, values,
					field_versions, version, created_by, updated_by, created_at, updated_at)
				SELECT country, pack_version, id_type, $2, issued_country, branch, values, field_versions, version,
					created_by, updated_by, created_at, updated_at FROM drafts WHERE id = $1 RETURNING id),
			docs AS (INSERT INTO draft_documents (draft_id, kind, content_type, blob_key, thumb_key, size_bytes, width,
					height, sha256, warnings, uploaded_by, uploaded_at)
				SELECT copy.id, kind, content_type, blob_key, thumb_key, size_bytes, width, height, sha256, warnings,
					uploaded_by, uploaded_at FROM draft_documents, copy WHERE draft_id = $1 AND removed_at IS NULL)
			SELECT id FROM copy`, template, validEmiratesID(base*100+1+i)).Scan(&id)
		if err == nil {
			err = svc.Submit(p.ctx, u, id)
		}
		if err != nil {
			p.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// validEmiratesID is a valid Emirates ID number, distinct for each n below ten million.
func validEmiratesID(n int64) string {
	body := fmt.Sprintf("7841999%07d", n%10_000_000)
	for d := '0'; d <= '9'; d++ {
		if v, err := idnumber.Normalise(idnumber.EmiratesID, body+string(d)); err == nil {
			return v
		}
	}
	panic("no check digit for " + body)
}

// waitOnboarded waits, up to five minutes, until every submission of ids is onboarded.
func (p *perf) waitOnboarded(ids []int64) {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var done int
		err := p.db.Pool.QueryRow(p.ctx, `SELECT count(*) FROM submissions WHERE draft_id = ANY($1)
			AND state NOT IN ('queued', 'sending')`, ids).Scan(&done)
		switch {
		case err != nil:
			p.t.Fatal(err)
		case done == len(ids):
			return
		case time.Now().After(deadline):
			p.t.Fatalf("%d of %d submissions still queued or sending after five minutes", len(ids)-done, len(ids))
		}
		time.Sleep(5 * time.Millisecond)
	}
}
