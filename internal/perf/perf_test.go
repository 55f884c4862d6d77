package perf

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"kycportal/internal/app"
	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/bench"
	"kycportal/internal/blobs"
	"kycportal/internal/cdp"
	"kycportal/internal/cdp/sandbox/sandboxtest"
	"kycportal/internal/documents"
	"kycportal/internal/handlers"
	"kycportal/internal/packs"
	"kycportal/internal/search"
	"kycportal/internal/seed"
	"kycportal/internal/session"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/testdb"
	"kycportal/internal/worklist"
)

// perfConfig is how big a performance run is.
type perfConfig struct {
	full              bool // make bench: its own cluster, bank scale, the whole table
	customers, events int64
	warmup            int
	rounds            map[string]int // by route
	photoPixels       [2]int         // the upload's width and height
	loadStart         int            // the load runs' first rate, which estimates the ceiling
	loadShares        []float64      // the rates after it, as shares of that estimate
	loadFor           time.Duration
	workerJobs        int
	appendWriters     []int         // concurrent writers of the audit append runs
	appendFor         time.Duration // each append run's length
}

// smokeConfig is the run of make test: tiny data and a few rounds, so the harness cannot
// rot; it checks that every lane runs, never how fast.
var smokeConfig = perfConfig{customers: 400, events: 2000, warmup: 1,
	rounds: map[string]int{routeExactID: 3, routeName: 3, routeAutosave: 3, routeAudit: 3, routeExport: 2, routeUpload: 2,
		routeScaled: 2, routePGBlob: 3, routeS3Blob: 3},
	photoPixels: [2]int{1200, 800}, loadStart: 20, loadFor: 300 * time.Millisecond, workerJobs: 5,
	appendWriters: []int{1, 4}, appendFor: 200 * time.Millisecond}

// benchConfig is the run of make bench at BENCH_SCALE="customers,events".
func benchConfig(scale string) (perfConfig, error) {
	c := perfConfig{full: true, warmup: 30,
		rounds: map[string]int{routeExactID: 2000, routeName: 2000, routeAutosave: 2000, routeAudit: 1000,
			routeExport: 8, routeUpload: 40, routeScaled: 40, routePGBlob: 200, routeS3Blob: 200},
		photoPixels: [2]int{
			4000,
			3000,
		}, loadStart: 100, loadShares: []float64{0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 1, 1.2, 1.5, 2},
		loadFor: 10 * time.Second, workerJobs: 1000, appendWriters: []int{1, 4, 16, 64}, appendFor: 5 * time.Second}
	parts := strings.Split(scale, ",")
	var err1, err2 error
	if len(parts) == 2 {
		c.customers, err1 = strconv.ParseInt(parts[0], 10, 64)
		c.events, err2 = strconv.ParseInt(parts[1], 10, 64)
	}
	if len(parts) != 2 || err1 != nil || err2 != nil || c.customers < 1000 || c.events < 1000 {
		return c, fmt.Errorf("BENCH_SCALE=%q: want customers,events, each at least 1000", scale)
	}
	return c, nil
}

// The seeded accounts' password and the audit key of a performance run.
const (
	perfPassword = "bench password of the seeded staff"
	perfAuditKey = "bench audit key: not a secret, for benchmarks only"
)

// TestPerformance measures each route beside its floors (docs/performance.md). Under make
// test it is the smoke run; BENCH_SCALE (make bench) makes it the real one, printed in full.
func TestPerformance(t *testing.T) {
	t.Parallel()
	cfg := smokeConfig
	if scale := os.Getenv("BENCH_SCALE"); scale != "" {
		var err error
		if cfg, err = benchConfig(scale); err != nil {
			t.Fatal(err)
		}
	}
	p := newPerf(t, cfg)
	p.machine()
	parts := []struct {
		name string
		run  func()
	}{{"lanes", p.lanes}, {"documents", p.documents}, {"memory", p.uploadMemory}, {"worker", p.worker}, {"load", p.load},
		{"audit", p.auditAppends}, {"jobs", p.jobs}}
	only := os.Getenv("BENCH_PARTS") // a comma-separated subset, to look at one part again
	ran := func(part string) bool { return only == "" || slices.Contains(strings.Split(only, ","), part) }
	for _, part := range parts {
		if ran(part.name) {
			part.run()
		}
	}
	p.budgets(ran)
}

// perf is a performance run: the real handler stack over loopback on a seeded database,
// signed-in users, and the report.
type perf struct {
	t      *testing.T
	cfg    perfConfig
	ctx    context.Context
	db     *store.DB
	app    *app.App         // the portal's services, for the database floors
	floors *handlers.Floors // the portal's handler with the floor routes, and the views
	base   string           // http://127.0.0.1:port
	http   *http.Client
	agents []*perfUser // of AE and MY branches: the CDP sandbox knows their ID types
	admin  *perfUser
	super  *perfUser        // a supervisor of the first agent's branch
	open   []store.DraftRow // sampled for the routes that change drafts
	out    io.Writer

	postmaster int              // the database server's, for its CPU time
	docs       *blobs.Documents // the documents store every set of services shares

	// What the budgets are judged on.
	results                  []bench.Result
	exportPeak, uploadPeak   bench.Peak
	photoSize                int
	exportRows               int64
	workerRate               float64
	workerCPU                time.Duration // the portal's own, a submission
	workerDuplicates         int64
	searchRate, autosaveRate int
	searchLoad, autosaveLoad bench.Step
	searchCeiling            float64 // requests/s the CPU would allow (bench.Ceiling)
	autosaveCeiling          float64
	loadWaits                bench.Waits // pg_stat_activity during the load runs
	appends                  []appendPair
	sealer                   *audit.Metrics // the bench portal's sealer
}

// perfUser is a signed-in user with their session cookie and CSRF token.
type perfUser struct {
	store.User
	cookie, csrf string
}

func newPerf(t *testing.T, cfg perfConfig) *perf {
	p := &perf{t: t, cfg: cfg, ctx: context.Background(), out: os.Stdout}
	if cfg.full {
		p.db = p.benchDatabase()
	} else {
		report := &strings.Builder{} // shown with -v, or when the smoke run fails; written by this goroutine only
		t.Cleanup(func() { t.Log("\n" + report.String()) })
		p.out, p.db = report, testdb.Open(t)
		p.seed()
	}
	var backend int
	if err := p.db.Pool.QueryRow(p.ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		t.Fatal(err)
	}
	var err error
	if p.postmaster, err = bench.Postmaster(backend); err != nil {
		t.Fatal(err)
	}
	p.serve()
	p.signIn()
	return p
}

// benchDatabase starts the benchmark cluster, under BENCH_DATA if set (kept, and its seed
// reused) or else under a folder removed at the end, and seeds it unless it holds the
// seed already.
func (p *perf) benchDatabase() *store.DB {
	dir := os.Getenv("BENCH_DATA")
	if dir == "" {
		dir = filepath.Join(p.t.TempDir(), "pg")
	}
	cluster, err := bench.StartCluster(p.ctx, dir)
	if err != nil {
		p.t.Fatal(err)
	}
	if os.Getenv("BENCH_DATA") == "" { // the cluster may live elsewhere than dir (pgcluster.Start)
		p.t.Cleanup(func() {
			_ = cluster.Stop(context.Background())
			_ = os.RemoveAll(cluster.Dir)
		})
	}
	if err := cluster.EnsureDatabase(p.ctx, "kyc_bench"); err != nil {
		p.t.Fatal(err)
	}
	db, err := store.Open(p.ctx, cluster.URL("kyc_bench"))
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(db.Close)
	if _, err := db.Migrate(p.ctx); err != nil {
		p.t.Fatal(err)
	}
	p.db = db
	var drafts, events int64
	_ = db.Pool.QueryRow(p.ctx, `SELECT (SELECT count(*) FROM drafts), (SELECT count(*) FROM audit_events)`).
		Scan(&drafts, &events)
	switch {
	case drafts == 0:
		p.seed()
	case drafts < p.cfg.customers || events < p.cfg.events:
		p.t.Fatalf("%s holds %d drafts and %d events, fewer than BENCH_SCALE asks: remove it", dir, drafts, events)
	default:
		fmt.Fprintf(p.out, "Reusing the seeded database under %s: %d drafts, %d audit events.\n\n", dir, drafts, events)
		p.seal() // a seed made before the audit log's tree
	}
	return db
}

func (p *perf) seed() {
	fmt.Fprintf(
		p.out,
		"Seeding %d customers and %d audit events (portal seed's code):\n\n```\n",
		p.cfg.customers,
		p.cfg.events,
	)
	_, err := seed.Run(p.ctx, p.db, seed.Options{Customers: p.cfg.customers, AuditEvents: p.cfg.events,
		Password: perfPassword, AuditKey: []byte(perfAuditKey), Log: p.out})
	if err != nil {
		p.t.Fatal(err)
	}
	fmt.Fprint(p.out, "```\n\n")
	p.seal()
}

// seal puts every waiting audit event into the tree, as portal seed does.
func (p *perf) seal() {
	start := time.Now()
	size, err := audit.SealAll(p.ctx, p.db.Pool, testdb.AuditKey(p.t), 100_000)
	if err != nil {
		p.t.Fatal(err)
	}
	fmt.Fprintf(
		p.out,
		"Audit log sealed: a tree of %d leaves, in %s.\n\n",
		size,
		time.Since(start).Round(time.Millisecond),
	)
}

// serve runs the portal as serve wires it, with a CDP sandbox that answers at once, both
// on loopback; logs are formatted as in production and dropped.
func (p *perf) serve() {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	client := sandboxtest.Client(p.t, log, 0)
	p.app = p.services(client, log, packs.Default(), nil)
	d := handlers.Deps{
		Services: p.app,
		DB:       p.db,
		CDP:      client,
		Log:      log,
		Metrics:  prometheus.NewRegistry(),
		Now:      time.Now,
		Sandbox:  true,
	}
	var err error
	if p.floors, err = handlers.NewFloors(d); err != nil {
		p.t.Fatal(err)
	}
	// The audit log's sealer, as serve starts it, runs through every measurement.
	sealing, stop := context.WithCancel(p.ctx)
	p.sealer = audit.NewMetrics(d.Metrics)
	sealer := &audit.Sealer{DB: p.db.Pool, Key: testdb.AuditKey(p.t), Log: log, Metrics: p.sealer}
	sealed := make(chan struct{})
	go func() { sealer.Run(sealing); close(sealed) }()
	p.t.Cleanup(func() { stop(); <-sealed })
	ts := httptest.NewServer(p.floors.Handler())
	p.t.Cleanup(ts.Close)
	p.base = ts.URL
	p.http = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// services are the portal's services as serve builds them, on the run's database. Every
// set of them shares one documents key, as a portal's replicas do.
func (p *perf) services(client *cdp.Client, log *slog.Logger, reg *packs.Registry, worker *app.WorkerOptions) *app.App {
	if p.docs == nil {
		p.docs = blobs.Ephemeral()
	}
	services, err := app.New(app.Options{DB: p.db, CDP: client, Log: log, Metrics: prometheus.NewRegistry(), Now: time.Now,
		Hasher: auth.NewHasher(2), Packs: reg, Blobs: p.docs, Scanner: documents.NoScanner{},
		AuditKey: []byte(
			perfAuditKey,
		), AuditLog: testdb.AuditKey(p.t), LookupLimit: search.Limit{Lookups: 1 << 30, Window: time.Minute},
		Rules: submission.DefaultRules, Watch: worklist.DefaultRules, SessionIdle: 30 * time.Minute, SessionAbsolute: 12 * time.Hour, Worker: worker})
	if err != nil {
		p.t.Fatal(err)
	}
	return services
}

// signIn signs in two agents of each of twelve AE and MY
// branches, an admin, and a supervisor.
func (p *perf) signIn() {
	rows, err := p.db.Pool.Query(p.ctx, `SELECT username FROM users
		WHERE username ~ '^seed-agent-(dxb|auh|kul|pen)-0[1-3]-0[12]$' ORDER BY username`)
	if err != nil {
		p.t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(names) == 0 {
		p.t.Fatalf("no seeded agents (%v)", err)
	}
	for _, name := range names {
		p.agents = append(p.agents, p.login(name))
	}
	p.admin = p.login("seed-admin-1")
	p.super = p.login("seed-supervisor-" + strings.ToLower(p.agents[0].Branch) + "-01")
}

// login signs username in through the login form, as a browser does.
func (p *perf) login(username string) *perfUser {
	cookies := map[string]*http.Cookie{}
	csrf := p.formToken(cookies, "/login")
	form := url.Values{"_csrf": {csrf}, "username": {username}, "password": {perfPassword}}
	resp := p.browse(cookies, http.MethodPost, "/login", form)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		p.t.Fatalf("login as %s: status %d, location %q", username, resp.StatusCode, resp.Header.Get("Location"))
	}
	u, err := store.UserByUsername(p.ctx, p.db.Pool, username)
	if err != nil {
		p.t.Fatal(err)
	}
	csrf = p.formToken(cookies, "/")
	return &perfUser{User: u, cookie: cookies[session.CookieName].Value, csrf: csrf}
}

// browse sends a request with cookies, as a browser holds them, and keeps those it sets.
func (p *perf) browse(cookies map[string]*http.Cookie, method, path string, form url.Values) *http.Response {
	req, err := http.NewRequestWithContext(p.ctx, method, p.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		p.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	for _, c := range resp.Cookies() {
		cookies[c.Name] = c
	}
	return resp
}

// formToken is the CSRF token of the first form of the page at path.
func (p *perf) formToken(cookies map[string]*http.Cookie, path string) string {
	resp := p.browse(cookies, http.MethodGet, path, nil)
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	token, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value")
	if !ok {
		p.t.Fatalf("GET %s: status %d, no CSRF token", path, resp.StatusCode)
	}
	return token
}

// machine writes what the figures were measured on.
func (p *perf) machine() {
	var pg string
	_ = p.db.Pool.QueryRow(p.ctx, `SELECT version()`).Scan(&pg)
	fmt.Fprintf(p.out, "Machine: %s; %s; %s; load average at the start %s.\n",
		bench.Machine(), strings.SplitN(pg, ",", 2)[0], runtime.Version(), bench.LoadAverage())
	fmt.Fprintf(
		p.out,
		"PostgreSQL settings of the run: fsync, synchronous_commit and full_page_writes off (durability off), %s.\n\n",
		strings.Join(bench.Settings, ", "),
	)
}

// cpu is the CPU time used so far by this process and the database server.
func (p *perf) cpu() bench.CPU {
	c, err := bench.CPUMeter{Postmaster: p.postmaster}.Read()
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}
