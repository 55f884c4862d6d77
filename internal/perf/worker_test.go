package perf

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"kycportal/internal/app"
	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/bench"
	"kycportal/internal/branches/branchtest"
	"kycportal/internal/cdp"
	"kycportal/internal/cdp/sandbox"
	"kycportal/internal/documents/corpus"
	"kycportal/internal/drafts"
	"kycportal/internal/drafts/drafttest"
	"kycportal/internal/packs"
	"kycportal/internal/store"
	"kycportal/internal/submission"
)

// worker measures the submission worker: cfg.workerJobs complete submissions queued at
// once, worked as serve works them against a sandbox in its own process (portal
// cdp-sandbox) that answers at once, so that this process's CPU time is the portal's alone.
func (p *perf) worker() {
	sandboxURL, sandboxPID := p.sandboxProcess()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	client, err := cdp.New(
		cdp.Config{BaseURL: sandboxURL, Scope: cdp.DefaultScope}.WithSandboxDefaults(),
		cdp.Options{Logger: log},
	)
	if err != nil {
		p.t.Fatal(err)
	}
	services := p.services(client, log, p.noCheckerPacks(), &app.WorkerOptions{Concurrency: submission.ServeConcurrency,
		Cooldown: submission.ServeCooldown, JobTimeout: time.Minute, RescueAfter: 5 * time.Minute})
	u := p.workerAgent(services.Accounts)
	ids := p.queueSubmissions(services, u)
	q := services.Queue
	ctx, stop := context.WithCancel(p.ctx)
	defer func() { stop(); <-q.Stopped() }()
	start := time.Now()
	before := p.cpu()
	sandboxBefore := p.processCPU(sandboxPID)
	if err := q.Start(ctx); err != nil {
		p.t.Fatal(err)
	}
	p.waitOnboarded(ids)
	took := time.Since(start)
	cpu := p.cpu().Sub(before)
	sandboxCPU := p.processCPU(sandboxPID) - sandboxBefore
	var onboarded, ecrns int64
	err = p.db.Pool.QueryRow(p.ctx, `SELECT count(*) FILTER (WHERE state = 'onboarded'), count(DISTINCT ecrn)
		FROM submissions WHERE draft_id = ANY($1)`, ids).Scan(&onboarded, &ecrns)
	jobs := int64(len(ids))
	if err != nil || onboarded != jobs {
		p.t.Errorf("%d of %d submissions onboarded (%v)", onboarded, jobs, err)
	}
	// A customer sent twice is a second onboard call, or an ECRN two submissions share.
	onboards := p.sandboxOnboards(sandboxURL)
	p.workerRate, p.workerDuplicates = float64(jobs)/took.Seconds(), max(onboards-jobs, 0)+jobs-ecrns
	p.workerCPU = cpu.Self / time.Duration(jobs)
	fmt.Fprintf(
		p.out,
		"Submission worker as serve runs it, %d sends at once, sandbox in its own process without latency: "+
			"%d submissions onboarded in %s, %.0f a second; %d onboard calls reached the CDP, %d distinct ECRNs: %d duplicates. "+
			"CPU a submission: portal %s, Postgres %s, and the sandbox, not counted as the portal's, %s.\n\n",
		submission.ServeConcurrency,
		jobs,
		took.Round(time.Millisecond),
		p.workerRate,
		onboards,
		ecrns,
		p.workerDuplicates,
		bench.Millis(p.workerCPU),
		bench.Millis(cpu.Server/time.Duration(jobs)),
		bench.Millis(sandboxCPU/time.Duration(jobs)),
	)
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

// workerAgent is a new AE agent.
func (p *perf) workerAgent(accounts *auth.Accounts) store.User {
	name := fmt.Sprintf("bench-worker-%d", time.Now().UnixNano())
	const password = "bench worker agent's password"
	// A branch of its own with a CDP location: the seed registers its branches without one.
	branchtest.Ensure(p.t, p.db.Pool, "BENCH-01")
	u, err := accounts.CreateUser(p.ctx, auth.NewUser{Username: name, Role: store.RoleAgent, Branch: "BENCH-01",
		Countries: []string{"AE"}}, password, "performance run")
	if err != nil {
		p.t.Fatal(err)
	}
	return u
}

// completeDraft is a new AE draft of u with every required field and document.
func (p *perf) completeDraft(services *app.App, u store.User, number string) int64 {
	ctx := audit.WithActor(p.ctx, audit.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, Branch: u.Branch})
	id, err := services.Drafts.Create(ctx, u, drafts.NewDraft{Country: "AE", IDType: "4", IDNumber: number})
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := services.Drafts.Save(ctx, u, id, 1, drafttest.CompleteAE()); err != nil {
		p.t.Fatal(err)
	}
	for kind, file := range map[string]string{"id_front": "id-front.jpg", "id_back": "id-back.jpg", "face": "face.jpg"} {
		if _, err := services.Drafts.Upload(ctx, u, id, kind, bytes.NewReader(corpus.File(p.t, file))); err != nil {
			p.t.Fatalf("upload %s: %v", kind, err)
		}
	}
	return id
}

// queueSubmissions makes a complete draft as u, copies it, documents and all, once per
// job, and submits every copy.
func (p *perf) queueSubmissions(services *app.App, u store.User) []int64 {
	svc := services.Submissions
	base := time.Now().UnixNano() % 1_000_000
	template := p.completeDraft(services, u, drafttest.EmiratesID(base*100))
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
			SELECT id FROM copy`, template, drafttest.EmiratesID(base*100+1+i)).Scan(&id)
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
		// This process's CPU time counts as the portal's: a poll of the count every 5 ms
		// was 0.27 ms of it a submission. Every 25 ms is 0.5 % of a five-second run.
		time.Sleep(25 * time.Millisecond)
	}
}

// sandboxProcess runs the CDP sandbox as `portal cdp-sandbox` in a process of its own, until
// the test ends, and returns its address and process id.
func (p *perf) sandboxProcess() (string, int) {
	dir := p.t.TempDir()
	bin := filepath.Join(dir, "portal")
	if out, err := exec.Command("go", "build", "-o", bin, "kycportal/cmd/portal").CombinedOutput(); err != nil {
		p.t.Fatalf("go build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		p.t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	cmd := exec.Command(bin, "cdp-sandbox", "--addr", addr) // #nosec G204 -- the binary this test just built
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url + sandbox.StatsPath); err == nil {
			_ = resp.Body.Close()
			return url, cmd.Process.Pid
		}
	}
	p.t.Fatal("portal cdp-sandbox did not answer within 30 s")
	return "", 0
}

// processCPU is the CPU time process pid has used so far.
func (p *perf) processCPU(pid int) time.Duration {
	d, err := bench.Process(pid)
	if err != nil {
		p.t.Fatal(err)
	}
	return d
}

// sandboxOnboards is how many onboard calls reached the sandbox.
func (p *perf) sandboxOnboards(url string) int64 {
	resp, err := http.Get(url + sandbox.StatsPath)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var st sandbox.Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		p.t.Fatal(err)
	}
	return st.OnboardCalls
}
