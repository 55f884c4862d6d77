//go:build soak

package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/cdp/sandbox"
	"kycportal/internal/documents/corpus"
	"kycportal/internal/pgcluster"
)

// TestSoak is `make soak` (scripts/soak.sh), not part of make test: SOAK_DURATION (default
// 10m) of agents searching, autosaving, uploading and submitting, supervisors approving, and
// the worker sending to a CDP sandbox that answers 502, drops connections and loses answers
// after acting; PostgreSQL is restarted once and the portal killed with SIGKILL once on the
// way. It prints requests, 5xx (0 outside the two restart windows), deadlocks in the
// PostgreSQL log (0), drafts, documents and submissions lost or duplicated (0), and p99 per
// route, and fails when a must-be-0 column is not.
func TestSoak(t *testing.T) {
	duration := soakDuration(t)
	ctx := context.Background()
	dir := filepath.Join(os.TempDir(), "kycportal-soak")
	_ = os.RemoveAll(dir)
	pg := pgcluster.Options{Fast: true, Port: 5438, Settings: []string{"deadlock_timeout=200ms", "log_lock_waits=on"}}
	cluster, err := pgcluster.Start(ctx, dir, pg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop(context.Background()) })
	if err := cluster.EnsureDatabase(ctx, "portal"); err != nil {
		t.Fatal(err)
	}
	stub := startFaultyCDP(t)
	addr := freeAddr(t)
	env := append(stub.portalEnv(cluster.URL("portal")), "PORTAL_ADDR="+addr, "PORTAL_CDP_LOOKUP_LIMIT=1000000",
		"PORTAL_LOG_LEVEL=warn")
	portal := serveUntilHealthy(t, env, addr)
	base := "http://" + addr
	s := &soak{
		t:          t,
		base:       base,
		stub:       stub,
		dsn:        cluster.URL("portal"),
		start:      time.Now(),
		deadline:   time.Now().Add(duration),
		latencies:  map[string][]time.Duration{},
		acked:      map[upload]int{},
		unanswered: map[upload]int{},
	}
	agents, supervisors := soakStaff(t, env, base, 4, 2)

	var wg sync.WaitGroup
	for _, a := range agents {
		wg.Go(func() { s.agent(a) })
	}
	for _, sup := range supervisors {
		wg.Go(func() { s.checker(sup) })
	}
	time.Sleep(time.Until(s.start.Add(duration * 35 / 100)))
	s.restartDatabase(ctx, cluster, dir, pg)
	time.Sleep(time.Until(s.start.Add(duration * 65 / 100)))
	portal = s.killPortal(portal, env, addr)
	wg.Wait()
	s.drain()

	report := s.report(cluster.Dir)
	fmt.Println(report)
	if path := os.Getenv("SOAK_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(report+"\n"), 0o600); err != nil {
			t.Error(err)
		}
	}
	if s.mustBeZero() != 0 {
		t.Errorf("a must-be-0 column is not 0")
	}
	stopPortal(portal)
}

func soakDuration(t *testing.T) time.Duration {
	v := os.Getenv("SOAK_DURATION")
	if v == "" {
		return 10 * time.Minute
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 30*time.Second {
		t.Fatalf("SOAK_DURATION=%q: want a duration of at least 30s", v)
	}
	return d
}

// faultRate is the share of CDP API calls answered 502 and of those dropped unanswered;
// one onboard in lostEvery has its answer lost after the CDP acted.
const (
	faultRate = 0.08
	lostEvery = 12
)

// startFaultyCDP is the sandbox over loopback with its fault knobs on, losing the answer of
// one onboard in lostEvery after carrying it out.
func startFaultyCDP(t *testing.T) *cdpStub {
	t.Helper()
	cfg := sandbox.DefaultConfig()
	cfg.Seed = 7
	cfg.Latency = 30 * time.Millisecond
	cfg.FailRate = faultRate
	cfg.DropRate = faultRate
	var onboards atomic.Int64
	return startCDPWith(t, cfg, func() bool { return onboards.Add(1)%lostEvery == 0 })
}

// soakStaff adds agents and supervisors of branch DXB-01 and signs each in.
func soakStaff(t *testing.T, env []string, base string, agents, supervisors int) (a, s []*browser) {
	t.Helper()
	add := func(role string, i int) *browser {
		name := fmt.Sprintf("soak-%s-%d", role, i)
		if out, code := portal(t, env, soakPassword+"\n", "user", "add", "--username", name, "--role", role,
			"--branch", "DXB-01", "--countries", "AE"); code != 0 {
			t.Fatal(out)
		}
		b := &browser{t: t}
		b.login(base, name, soakPassword)
		return b
	}
	for i := range agents {
		a = append(a, add("agent", i))
	}
	for i := range supervisors {
		s = append(s, add("supervisor", i))
	}
	return a, s
}

const soakPassword = "a soak test pass phrase"

// soak is one run's load and what it saw.
type soak struct {
	t               *testing.T
	base, dsn       string
	stub            *cdpStub
	start, deadline time.Time
	nextNumber      atomic.Int64

	mu          sync.Mutex
	latencies   map[string][]time.Duration
	requests    int
	unansweredN int
	fiveXX      []fiveXX
	windows     [][2]time.Time // the restart windows: 5xx inside them are expected
	drafts      map[int64]string
	submitted   []int64
	approved    map[int64]bool
	acked       map[upload]int
	unanswered  map[upload]int
	settled     bool
	last        results
}

type fiveXX struct {
	at    time.Time
	route string
	code  int
}

// record notes one request's answer (0: none) under route.
func (s *soak) record(route string, status int, took time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	switch {
	case status == 0:
		s.unansweredN++
	case status >= 500:
		s.fiveXX = append(s.fiveXX, fiveXX{time.Now(), route, status})
	default:
		s.latencies[route] = append(s.latencies[route], took)
	}
}

// timed sends one request through b and records it. A user whose page failed waits a
// moment before the next click, as people do, rather than retrying at full speed.
func (s *soak) timed(route string, send func() int) int {
	began := time.Now()
	status := send()
	s.record(route, status, time.Since(began))
	if status == 0 || status >= 500 {
		time.Sleep(250 * time.Millisecond)
	}
	return status
}

func (s *soak) post(b *browser, route, target string, form url.Values) (int, string) {
	var status int
	var location string
	s.timed(route, func() int {
		status, location = b.post(target, form)
		return status
	})
	return status, location
}

func (s *soak) get(b *browser, route, target string) (int, string) {
	var page string
	status := s.timed(route, func() int {
		resp, body, err := b.send(http.MethodGet, target, nil)
		if err != nil {
			return 0
		}
		page = body
		return resp.StatusCode
	})
	return status, page
}

// agent searches, starts drafts, autosaves them, uploads their documents and submits them,
// until the deadline.
func (s *soak) agent(b *browser) {
	files := map[string][]byte{}
	for kind, name := range fleetDocuments {
		files[kind] = corpus.File(s.t, name)
	}
	var draft int64
	version, saves := 1, 0
	for i := 0; time.Now().Before(s.deadline); i++ {
		s.post(b, "POST /search", s.base+"/search", url.Values{"country": {"AE"}, "id_type": {"4"},
			"id_number": {cdptest.EmiratesID(int(s.nextNumber.Load()%50) + 1)}})
		if draft == 0 {
			draft = s.newDraft(b)
			version = 1
			saves = 0
			continue
		}
		form := url.Values{"version": {strconv.Itoa(version)}}
		for k, v := range cdptest.AEDraftValues() {
			form.Set(k, v)
		}
		form.Set("current_city", fmt.Sprintf("Dubai %d", i))
		switch status, _ := s.post(b, "POST /drafts/:id (autosave)", fmt.Sprintf("%s/drafts/%d", s.base, draft), form); status {
		case http.StatusSeeOther, http.StatusOK:
			version++
			saves++
		case http.StatusConflict:
			version = s.version(b, draft)
		}
		kind := []string{"id_front", "id_back", "face"}[i%3]
		s.upload(b, draft, kind, files[kind])
		if saves >= 3 && i%3 == 2 {
			if status, _ := s.post(b, "POST /drafts/:id/submit", fmt.Sprintf("%s/drafts/%d/submit", s.base, draft), nil); status == http.StatusSeeOther {
				s.mu.Lock()
				s.submitted = append(s.submitted, draft)
				s.mu.Unlock()
				draft = 0
			}
		}
	}
}

var versionField = regexp.MustCompile(`id="draft-version" value="(\d+)"`)

// version reads a draft's version from its page, after a conflict.
func (s *soak) version(b *browser, draft int64) int {
	_, page := s.get(b, "GET /drafts/:id", fmt.Sprintf("%s/drafts/%d", s.base, draft))
	if m := versionField.FindStringSubmatch(page); m != nil {
		v, _ := strconv.Atoi(m[1])
		return v
	}
	return 1
}

func (s *soak) newDraft(b *browser) int64 {
	number := cdptest.EmiratesID(int(1000 + s.nextNumber.Add(1)))
	status, loc := s.post(
		b,
		"POST /drafts",
		s.base+"/drafts",
		url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {number}},
	)
	m := draftLocation.FindStringSubmatch(loc)
	if status != http.StatusSeeOther || m == nil {
		return 0
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	s.mu.Lock()
	if s.drafts == nil {
		s.drafts = map[int64]string{}
	}
	s.drafts[id] = number
	s.mu.Unlock()
	return id
}

func (s *soak) upload(b *browser, draft int64, kind string, data []byte) {
	up := upload{draft, kind}
	status := s.timed("POST /drafts/:id/documents/:kind", func() int { return b.upload(s.base, draft, kind, data) })
	s.mu.Lock()
	defer s.mu.Unlock()
	switch status {
	case http.StatusSeeOther:
		s.acked[up]++
	case 0:
		s.unanswered[up]++
	}
}

var caseLink = regexp.MustCompile(`href="/approvals/(\d+)"`)

// checker claims and approves the branch's cases as they come, until the deadline.
func (s *soak) checker(b *browser) {
	for time.Now().Before(s.deadline) {
		_, page := s.get(b, "GET /approvals", s.base+"/approvals")
		ids := caseLink.FindAllStringSubmatch(page, -1)
		if len(ids) == 0 {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		for _, m := range ids {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			if status, _ := s.post(b, "POST /approvals/:id/claim", fmt.Sprintf("%s/approvals/%s/claim", s.base, m[1]), nil); status != http.StatusSeeOther {
				continue
			}
			status, _ := s.post(b, "POST /approvals/:id/approve", fmt.Sprintf("%s/approvals/%s/approve", s.base, m[1]),
				url.Values{"password": {soakPassword}})
			if status == http.StatusSeeOther {
				s.mu.Lock()
				if s.approved == nil {
					s.approved = map[int64]bool{}
				}
				s.approved[id] = true
				s.mu.Unlock()
			}
		}
	}
}

// restartDatabase stops PostgreSQL, waits, and starts it again; the window lasts until the
// portal is ready again, and a little after (pools reconnecting).
func (s *soak) restartDatabase(ctx context.Context, cluster *pgcluster.Cluster, dir string, pg pgcluster.Options) {
	began := time.Now()
	if err := cluster.Stop(ctx); err != nil {
		s.t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	if _, err := pgcluster.Start(ctx, dir, pg); err != nil {
		s.t.Fatal(err)
	}
	s.waitReady()
	s.mu.Lock()
	s.windows = append(s.windows, [2]time.Time{began, time.Now().Add(5 * time.Second)})
	s.mu.Unlock()
}

// killPortal SIGKILLs the portal and starts it again on the same address and database.
func (s *soak) killPortal(p *server, env []string, addr string) *server {
	began := time.Now()
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	p = serveUntilHealthy(s.t, env, addr)
	s.waitReady()
	s.mu.Lock()
	s.windows = append(s.windows, [2]time.Time{began, time.Now().Add(5 * time.Second)})
	s.mu.Unlock()
	return p
}

func (s *soak) waitReady() {
	deadline := time.Now().Add(60 * time.Second)
	for status(s.base+"/readyz") != http.StatusOK && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
}

// drain waits, at most five minutes, for every approved case to be settled: onboarded, or
// set aside as needing attention. A worker killed mid-send is rescued after its job timeout.
func (s *soak) drain() {
	conn := connect(s.t, s.dsn)
	ids := s.approvedIDs()
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		if count(s.t, conn, `SELECT count(*) FROM submissions WHERE draft_id = ANY($1)
			AND state IN ('onboarded', 'needs_attention')`, ids) == len(ids) {
			s.settled = true
			return
		}
		time.Sleep(time.Second)
	}
}

func (s *soak) approvedIDs() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int64
	for id := range s.approved {
		ids = append(ids, id)
	}
	return ids
}

// results are the run's figures, computed once for the report and the verdict.
type results struct {
	fiveXXInside, fiveXXOutside, deadlocks                 int
	lostDrafts, dupDrafts, lostDocs, dupDocs               int
	lostSubmissions, dupSubmissions, attention, notSettled int
}

func (s *soak) results(clusterDir string) results {
	conn := connect(s.t, s.dsn)
	var r results
	for _, f := range s.fiveXX {
		if s.inWindow(f.at) {
			r.fiveXXInside++
		} else {
			r.fiveXXOutside++
		}
	}
	log, _ := os.ReadFile(filepath.Join(clusterDir, "postgres.log"))
	r.deadlocks = strings.Count(string(log), "deadlock detected")
	if r.deadlocks > 0 {
		s.t.Logf("PostgreSQL's log of the deadlocks:\n%s", deadlockLines(string(log)))
	}
	var ids []int64
	var numbers []string
	for id, number := range s.drafts {
		ids, numbers = append(ids, id), append(numbers, number)
	}
	r.lostDrafts = len(ids) - count(s.t, conn, `SELECT count(*) FROM drafts WHERE id = ANY($1)`, ids)
	r.dupDrafts = count(s.t, conn, `SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM drafts
		WHERE id_number = ANY($1) GROUP BY id_number) d`, numbers)
	for up, n := range s.acked {
		rows := count(s.t, conn, `SELECT count(*) FROM draft_documents WHERE draft_id = $1 AND kind = $2`, up.draft, up.kind)
		r.lostDocs += max(0, n-rows)
		r.dupDocs += max(0, rows-n-s.unanswered[up])
	}
	submitted := count(s.t, conn, `SELECT count(*) FROM submissions WHERE draft_id = ANY($1)`, s.submitted)
	r.lostSubmissions = len(s.submitted) - submitted
	var approved []int64
	for id := range s.approved {
		approved = append(approved, id)
	}
	var approvedNumbers []string
	for _, id := range approved {
		approvedNumbers = append(approvedNumbers, s.drafts[id])
	}
	r.attention = count(
		s.t,
		conn,
		`SELECT count(*) FROM submissions WHERE draft_id = ANY($1) AND state = 'needs_attention'`,
		approved,
	)
	onboardedOnce := 0
	for _, number := range approvedNumbers {
		_, created, _ := s.stub.counts([]string{number})
		switch {
		case created > 1:
			r.dupSubmissions++
		case created == 1:
			onboardedOnce++
		}
	}
	r.lostSubmissions += max(0, onboarded(s.t, conn, approved)-onboardedOnce)
	r.notSettled = len(approved) - onboarded(s.t, conn, approved) - r.attention
	return r
}

func (s *soak) inWindow(at time.Time) bool {
	return slices.ContainsFunc(s.windows, func(w [2]time.Time) bool { return !at.Before(w[0]) && !at.After(w[1]) })
}

func (s *soak) mustBeZero() int {
	r := s.last
	return r.fiveXXOutside + r.deadlocks + r.lostDrafts + r.dupDrafts + r.lostDocs + r.dupDocs + r.lostSubmissions + r.dupSubmissions
}

// report is the run's table, in Markdown.
func (s *soak) report(clusterDir string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.results(clusterDir)
	s.last = r
	var b strings.Builder
	fmt.Fprintf(
		&b,
		"soak: %s of load from %s, PostgreSQL restarted once, the portal SIGKILLed once; CDP sandbox: %.0f%% 502, %.0f%% "+
			"dropped connections, 1 in %d onboard answers lost after acting\n\n",
		s.deadline.Sub(s.start).
			Round(time.Second),
		s.start.UTC().Format(time.RFC3339),
		faultRate*100,
		faultRate*100,
		lostEvery,
	)
	fmt.Fprintf(
		&b,
		"| requests | unanswered (portal down) | 5xx in the restart windows | 5xx outside (must be 0) | deadlocks in the "+
			"PostgreSQL log (must be 0) |\n|---|---|---|---|---|\n",
	)
	fmt.Fprintf(
		&b,
		"| %d | %d | %d | %d | %d |\n\n",
		s.requests,
		s.unansweredN,
		r.fiveXXInside,
		r.fiveXXOutside,
		r.deadlocks,
	)
	fmt.Fprintf(&b, "| | created / acknowledged | lost (must be 0) | duplicated (must be 0) |\n|---|---|---|---|\n")
	acked := 0
	for _, n := range s.acked {
		acked += n
	}
	fmt.Fprintf(&b, "| drafts | %d | %d | %d |\n", len(s.drafts), r.lostDrafts, r.dupDrafts)
	fmt.Fprintf(&b, "| documents | %d | %d | %d |\n", acked, r.lostDocs, r.dupDocs)
	fmt.Fprintf(
		&b,
		"| submissions | %d submitted, %d approved, %d needing attention, %d not settled after the drain | %d | %d |\n\n",
		len(s.submitted),
		len(s.approved),
		r.attention,
		r.notSettled,
		r.lostSubmissions,
		r.dupSubmissions,
	)
	fmt.Fprintf(&b, "| route (answers below 500) | requests | p50 | p99 |\n|---|---|---|---|\n")
	routes := make([]string, 0, len(s.latencies))
	for route := range s.latencies {
		routes = append(routes, route)
	}
	sort.Strings(routes)
	for _, route := range routes {
		l := s.latencies[route]
		slices.Sort(l)
		fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", route, len(l), percentile(l, 0.50), percentile(l, 0.99))
	}
	for _, w := range s.windows {
		fmt.Fprintf(
			&b,
			"\nrestart window: +%s to +%s",
			w[0].Sub(s.start).Round(time.Millisecond),
			w[1].Sub(s.start).Round(time.Millisecond),
		)
	}
	for _, f := range s.fiveXX {
		if !s.inWindow(f.at) {
			fmt.Fprintf(
				&b,
				"\n5xx %d on %s at +%s, outside the restart windows",
				f.code,
				f.route,
				f.at.Sub(s.start).Round(time.Millisecond),
			)
		}
	}
	return b.String()
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))].Round(100 * time.Microsecond)
}

func stopPortal(p *server) {
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
	}
}

// deadlockLines are the lines of a PostgreSQL log that tell a deadlock: its ERROR, the
// processes' DETAIL and the STATEMENT that lost.
func deadlockLines(log string) string {
	var out []string
	lines := strings.Split(log, "\n")
	for i, l := range lines {
		if strings.Contains(l, "deadlock detected") {
			out = append(out, lines[i:min(i+8, len(lines))]...)
		}
	}
	return strings.Join(out, "\n")
}
