package e2e

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/pquerna/otp"

	"kycportal/internal/audit"
	"kycportal/internal/testdb"
)

// chromiumPath is Debian's headless shell of Chromium (scripts/install-e2e-tools.sh).
const chromiumPath = "/usr/lib/chromium/chromium-headless-shell"

// chromiumArgs keep Chromium, run as root, quiet on a machine without a network.
var chromiumArgs = []string{
	"--no-sandbox", "--disable-gpu", "--disable-background-networking",
	"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
}

// repoRoot is the module root: the nearest folder holding go.mod above the working
// directory, which go test sets to the journey package's folder.
var repoRoot = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			return wd
		}
	}
}()

// Expect asserts on pages and locators, retrying until its timeout (milliseconds).
var Expect = playwright.NewPlaywrightAssertions(10_000)

// suite holds what the test binary sets up once, on first use, and Main tears down.
var suite struct {
	once    sync.Once
	err     error
	binary  string
	pw      *playwright.Playwright
	browser playwright.Browser

	mu     sync.Mutex
	shared map[string]*shared // the package's portals, by their settings
}

// Main runs a journey package's tests (its TestMain calls it), then stops the portals the
// journeys shared and scans their logs (a leak fails the package), and closes the browser.
func Main(m *testing.M) {
	code := m.Run()
	for _, s := range suite.shared {
		if problems := s.end(); len(problems) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: the portal the journeys shared (%s):\n  %s\n", s.portal.Out, strings.Join(problems, "\n  "))
			code = 1
		}
	}
	if suite.browser != nil {
		_ = suite.browser.Close()
	}
	if suite.pw != nil {
		_ = suite.pw.Stop()
	}
	os.Exit(code)
}

// setup builds the portal and launches Chromium, once per test binary.
func setup(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end journey: skipped with -short")
	}
	var missing []string
	driver := os.Getenv("PLAYWRIGHT_DRIVER_PATH")
	if driver == "" {
		missing = append(missing, "PLAYWRIGHT_DRIVER_PATH is not set")
	} else if _, err := os.Stat(filepath.Join(driver, "package", "cli.js")); err != nil { // #nosec G703 -- the test tools' folder, as the tester names it
		missing = append(missing, "no Playwright driver: "+err.Error())
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		missing = append(missing, err.Error())
	}
	if missing != nil {
		t.Fatalf("end-to-end tools missing (%s): run `make test`, or scripts/install-e2e-tools.sh "+
			"and export the PLAYWRIGHT_DRIVER_PATH it prints", strings.Join(missing, "; "))
	}
	suite.once.Do(func() { suite.err = startSuite(driver) })
	if suite.err != nil {
		t.Fatal(suite.err)
	}
	takeSlot(t)
}

// slots bounds the journeys under way in one test binary. make test runs the four journey
// packages at once beside the other packages' tests; on two cores, more journeys at once
// than this only make each one slower, until one bound by a timeout fails.
var slots = struct {
	sync.Mutex
	free    chan struct{}
	holders map[*testing.T]bool
}{free: make(chan struct{}, 2), holders: map[*testing.T]bool{}}

// takeSlot waits for a slot for t's journey, held until t ends; a journey holds one at most.
func takeSlot(t *testing.T) {
	slots.Lock()
	held := slots.holders[t]
	slots.holders[t] = true
	slots.Unlock()
	if held {
		return
	}
	slots.free <- struct{}{}
	t.Cleanup(func() {
		<-slots.free
		slots.Lock()
		delete(slots.holders, t)
		slots.Unlock()
	})
}

func startSuite(driver string) error {
	var err error
	if suite.binary, err = buildPortal(); err != nil {
		return err
	}
	// Run only checks the driver's version: it never downloads (that is Install, never called).
	suite.pw, err = playwright.Run(&playwright.RunOptions{
		DriverDirectory:     driver,
		SkipInstallBrowsers: true,
	})
	if err != nil {
		return fmt.Errorf("start the Playwright driver in %s (rerun scripts/install-e2e-tools.sh): %w", driver, err)
	}
	suite.browser, err = suite.pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(chromiumPath),
		Headless:       playwright.Bool(true),
		Args:           chromiumArgs,
	})
	if err != nil {
		return fmt.Errorf("launch %s: %w", chromiumPath, err)
	}
	return nil
}

// buildPortal builds the portal binary into a folder of this checkout's that outlives the
// test binary, and returns its path. go build leaves a binary that is up to date as it is,
// so the journey packages after the first, and later runs, do not link it again; a lock
// keeps two packages from building it at once.
func buildPortal() (string, error) {
	sum := sha256.Sum256([]byte(repoRoot))
	dir := filepath.Join(os.TempDir(), "kycportal-e2e-"+hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600) // #nosec G304 -- the folder just made
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil { // #nosec G115 -- a file descriptor
		return "", err
	}
	binary := filepath.Join(dir, "portal")
	build := exec.Command("go", "build", "-o", binary, "./cmd/portal") // #nosec G204 -- into the folder just made
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/portal: %v\n%s", err, out)
	}
	return binary, nil
}

// AuditKey is the portals' audit HMAC key: tests hash ID numbers with it to find their events.
const AuditKey = "the e2e portals' audit key, 32 characters or more"

// SigningKey signs the portals' audit checkpoints, made for this run.
var SigningKey = func() string {
	private, err := audit.NewKey()
	if err != nil {
		panic(err)
	}
	return private
}()

// secretsKey encrypts the portals' second-factor secrets (PORTAL_SECRETS_KEY).
const secretsKey = "the e2e portals' secrets key, 32 characters or more" // #nosec G101 -- a throwaway test portal's key

// Portal is a running portal server with its own fresh database, as one test sees it.
type Portal struct {
	URL string // base URL, without a trailing slash
	DSN string // its database
	Out string // the test's output folder: screenshots and axe.jsonl (portal.log beside them, or in the shared portal's)

	t       *testing.T
	branch  string // of the users NewUser adds
	*counts        // shared by every view of the portal (InBranch)
}

// counts are what the views of one portal share, guarded by mu: parallel tests add
// users, branches and screenshots at once.
type counts struct {
	mu       sync.Mutex
	users    int
	branches int
	shots    int
	secrets  []string // passwords and cookies of the journeys: the log must hold none (checkLeaks)
}

// InBranch is p as the test t sees it, with a new branch of its own (code, in AE): the
// users NewUser adds belong to it, so that parallel tests on one portal never meet in
// a branch's lists (a supervisor's approvals hold every case of the branch).
func (p *Portal) InBranch(t *testing.T, code string) *Portal {
	t.Helper()
	view := *p
	view.t, view.branch = t, code
	view.command("", "branch", "add", "--code", code, "--name", "Branch "+code, "--country", "AE",
		"--time-zone", "Asia/Dubai", "--cdp-location-id", "784101")
	return &view
}

// Branch is the code of the branch the users NewUser adds belong to.
func (p *Portal) Branch() string { return p.branch }

// AddSecret adds a value the portal's log must never hold, such as a second factor's key.
func (p *Portal) AddSecret(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.secrets = append(p.secrets, s)
}

// User is an account created through `portal user add`.
type User struct {
	Username    string
	DisplayName string
	Password    string
	Role        string
}

// Start serves a portal of t's own on a free loopback port and a fresh database until t
// ends; env adds settings such as "PORTAL_SESSION_IDLE=10s". A "PORTAL_ADDR=" among them
// (from FreeAddr) chooses the address, for a journey that must name it to another server
// first. Journeys that need no settings of their own share one portal instead (Shared).
func Start(t *testing.T, env ...string) *Portal {
	t.Helper()
	setup(t)
	p := &Portal{DSN: testdb.New(t), Out: outputDir(t, t.Name()), t: t, branch: "DXB", counts: &counts{}}
	stop, err := p.serve(env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, problem := range stop() {
			t.Error(problem)
		}
	})
	p.command("", "branch", "add", "--code", "DXB", "--name", "Deira", "--country", "AE", "--time-zone", "Asia/Dubai",
		"--cdp-location-id", "784101")
	return p
}

// Shared is the package's portal with the settings env, started by the first journey that
// asks and stopped by Main once every journey has ended, as t sees it: in a branch of its
// own (InBranch), so that its users and cases meet no other journey's. A portal's start is
// a database, a process and its migrations; journeys that can share one save that, and
// its log is scanned for leaks once, with every journey's secrets.
func Shared(t *testing.T, env ...string) *Portal {
	t.Helper()
	setup(t)
	key := strings.Join(env, " ")
	suite.mu.Lock()
	if suite.shared == nil {
		suite.shared = map[string]*shared{}
	}
	s, ok := suite.shared[key]
	if !ok {
		s = &shared{name: fmt.Sprintf("%s-portal-%d", filepath.Base(mustGetwd()), len(suite.shared)+1)}
		suite.shared[key] = s
	}
	suite.mu.Unlock()
	s.once.Do(func() { s.err = s.start(env) })
	if s.err != nil {
		t.Fatal(s.err)
	}
	s.portal.mu.Lock()
	s.portal.branches++
	code := fmt.Sprintf("T%03d", s.portal.branches)
	s.portal.mu.Unlock()
	view := s.portal.InBranch(t, code)
	view.Out = outputDir(t, t.Name())
	return view
}

// shared is a portal that lives as long as the package's journeys.
type shared struct {
	name   string
	once   sync.Once
	err    error
	portal *Portal
	life   *packageLife
	stop   func() []string
}

func (s *shared) start(env []string) (err error) {
	s.life = &packageLife{}
	defer func() { // testdb.New ends with Fatalf on an error: packageLife panics with it
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	dsn := testdb.New(s.life)
	p := &Portal{DSN: dsn, Out: outputDir(nil, s.name), counts: &counts{}}
	if s.stop, err = p.serve(env); err != nil {
		return err
	}
	s.portal = p
	return nil
}

// end stops the portal, scans its log and drops its database, and returns what went wrong.
func (s *shared) end() []string {
	if s.portal == nil {
		return nil
	}
	problems := s.stop()
	for _, f := range slices.Backward(s.life.cleanups) {
		f()
	}
	return append(problems, s.life.problems...)
}

// packageLife is the testing.TB that testdb.New gets for a shared portal's database: its
// cleanups run when Main ends the package's journeys, after the portal has stopped, and
// what goes wrong is kept for Main to report. testdb calls only the methods below.
type packageLife struct {
	testing.TB
	cleanups []func()
	problems []string
}

func (l *packageLife) Helper()          {}
func (l *packageLife) Cleanup(f func()) { l.cleanups = append(l.cleanups, f) }
func (l *packageLife) Errorf(f string, a ...any) {
	l.problems = append(l.problems, fmt.Sprintf(f, a...))
}
func (l *packageLife) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }

// serve starts `portal serve` on p's database, at a free loopback address unless env names
// one, and waits until it is healthy. stop ends it and returns what went wrong: an
// unclean exit, or a secret or ID number in its log or audit trail (checkLeaks).
func (p *Portal) serve(env []string) (stop func() []string, err error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	for _, kv := range env {
		if a, ok := strings.CutPrefix(kv, "PORTAL_ADDR="); ok {
			addr = a
		}
	}
	p.URL = "http://" + addr
	logPath := filepath.Join(p.Out, "portal.log")
	log, err := os.Create(logPath) // #nosec G304 -- the journey's own output folder
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(suite.binary, "serve") // #nosec G204 -- the binary this test run built
	cmd.Env = append(os.Environ(), "DATABASE_URL="+p.DSN, "PORTAL_ADDR="+addr, "CDP_BASE_URL=sandbox",
		"PORTAL_AUDIT_HMAC_KEY="+AuditKey, "PORTAL_AUDIT_SIGNING_KEY="+SigningKey, "PORTAL_SECRETS_KEY="+secretsKey,
		"PORTAL_DOCUMENTS_KEY="+strings.Repeat("d", 64))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return nil, err
	}
	// exited is closed once the process has ended, with its result in exitErr; a closed
	// channel answers every reader, so waitHealthy and stop can both watch it.
	exited := make(chan struct{})
	var exitErr error
	go func() { exitErr = cmd.Wait(); close(exited) }()
	stop = func() []string {
		defer log.Close()
		var problems []string
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
			if exitErr != nil {
				problems = append(problems, fmt.Sprintf("portal serve exited with %v after SIGTERM; see %s", exitErr, logPath))
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			problems = append(problems, fmt.Sprintf("portal serve still running 15s after SIGTERM, killed; see %s", logPath))
		}
		return append(problems, p.checkLeaks(logPath)...)
	}
	if err := waitHealthy(p.URL+"/healthz", exited, logPath); err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

func waitHealthy(url string, exited <-chan struct{}, logPath string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("portal serve exited before it was healthy; see %s", logPath)
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := http.Get(url) // #nosec G107 -- the loopback address of the portal just started
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("GET %s not 200 within 30s; see %s", url, logPath)
}

// NewUser adds an active user of the given role (agent, supervisor or admin) through the
// CLI, with a random password, onboarding for AE and MY, and returns it.
func (p *Portal) NewUser(role string) User {
	p.t.Helper()
	return p.NewUserFor(role, "AE,MY")
}

// NewUserFor is NewUser onboarding for the given countries ("AE,MY,IN,PH").
func (p *Portal) NewUserFor(role, countries string) User {
	p.t.Helper()
	p.mu.Lock()
	p.users++
	u := User{
		Username:    fmt.Sprintf("%s%d", role, p.users),
		DisplayName: fmt.Sprintf("Test %s %d", role, p.users),
		Password:    rand.Text(),
		Role:        role,
	}
	p.secrets = append(p.secrets, u.Password)
	p.mu.Unlock()
	p.command(u.Password+"\n", "user", "add", "--username", u.Username, "--display-name", u.DisplayName,
		"--role", role, "--branch", p.branch, "--countries", countries)
	return u
}

// EnrolTOTP gives u a second factor through `portal user totp` and returns its secret.
func (p *Portal) EnrolTOTP(u User) string {
	p.t.Helper()
	out := p.command("", "user", "totp", u.Username)
	lines := strings.Fields(out)
	key, err := otp.NewKeyFromURL(lines[len(lines)-1])
	if err != nil {
		p.t.Fatalf("portal user totp %s printed no otpauth URL: %v\n%s", u.Username, err, out)
	}
	return key.Secret()
}

// command runs the portal binary on the portal's database with stdin, and returns its output.
func (p *Portal) command(stdin string, args ...string) string {
	p.t.Helper()
	cmd := exec.Command(suite.binary, args...) // #nosec G204 -- the binary this test run built
	cmd.Env = append(os.Environ(), "DATABASE_URL="+p.DSN, "PORTAL_AUDIT_SIGNING_KEY="+SigningKey, "PORTAL_SECRETS_KEY="+secretsKey)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		p.t.Fatalf("portal %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Page opens a page in a new browser context (its own cookies) on the portal, closed when
// t ends, after a screenshot named "failed" if t failed.
func (p *Portal) Page(t *testing.T) playwright.Page {
	t.Helper()
	return p.PageIn(t, "en-US") // the date fields take month, day, year
}

// PageIn is Page with the browser in locale: its language and Accept-Language.
func (p *Portal) PageIn(t *testing.T, locale string) playwright.Page {
	t.Helper()
	ctx, err := suite.browser.NewContext(playwright.BrowserNewContextOptions{
		BaseURL:  playwright.String(p.URL),
		Viewport: &ScreenSizes[0],
		Locale:   playwright.String(locale),
	})
	if err != nil {
		t.Fatal(err)
	}
	page, err := ctx.NewPage()
	if err != nil {
		t.Fatal(err)
	}
	watchCSP(t, page)
	t.Cleanup(func() {
		if t.Failed() {
			p.screenshot(page, "failed")
		}
		p.noteCookies(ctx)
		_ = ctx.Close()
	})
	return page
}

// outputDir empties and returns the output folder called name: a test's (t), or a shared
// portal's (nil t).
func outputDir(t *testing.T, name string) string {
	base := os.Getenv("E2E_OUT")
	if base == "" {
		base = filepath.Join(repoRoot, ".data", "e2e-output")
	}
	dir := filepath.Join(base, name)
	if err := errors.Join(os.RemoveAll(dir), os.MkdirAll(dir, 0o750)); err != nil { // #nosec G703 -- the output folder the tester names
		if t == nil {
			panic(err)
		}
		t.Fatal(err)
	}
	return dir
}

func mustGetwd() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return wd
}

// FreeAddr is a loopback address no server listens on now.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
