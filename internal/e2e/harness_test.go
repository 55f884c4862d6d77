package e2e

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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

const chromiumPath = "/usr/bin/chromium"

// chromiumArgs keep Chromium, run as root, quiet on a machine without a network.
var chromiumArgs = []string{
	"--no-sandbox", "--disable-gpu", "--disable-background-networking",
	"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
}

// repoRoot is the module root, seen from this package's folder (go test's working directory).
var repoRoot, _ = filepath.Abs(filepath.Join("..", ".."))

// expect asserts on pages and locators, retrying until its timeout (milliseconds).
var expect = playwright.NewPlaywrightAssertions(10_000)

// suite holds what the test binary sets up once, on first use, and TestMain tears down.
var suite struct {
	once    sync.Once
	err     error
	tmp     string
	binary  string
	pw      *playwright.Playwright
	browser playwright.Browser
}

func TestMain(m *testing.M) {
	code := m.Run()
	if suite.browser != nil {
		_ = suite.browser.Close()
	}
	if suite.pw != nil {
		_ = suite.pw.Stop()
	}
	if suite.tmp != "" {
		_ = os.RemoveAll(suite.tmp)
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
	} else if _, err := os.Stat(filepath.Join(driver, "package", "cli.js")); err != nil {
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
}

func startSuite(driver string) error {
	var err error
	if suite.tmp, err = os.MkdirTemp("", "kycportal-e2e-"); err != nil {
		return err
	}
	suite.binary = filepath.Join(suite.tmp, "portal")
	build := exec.Command("go", "build", "-o", suite.binary, "./cmd/portal")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/portal: %v\n%s", err, out)
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
const secretsKey = "the e2e portals' secrets key, 32 characters or more"

// Portal is a running portal server with its own fresh database, as one test sees it.
type Portal struct {
	URL string // base URL, without a trailing slash
	DSN string // its database
	Out string // the test's output folder: screenshots and portal.log

	t       *testing.T
	branch  string // of the users NewUser adds
	*counts        // shared by every view of the portal (InBranch)
}

// counts are what the views of one portal share, guarded by mu: parallel subtests add
// users and screenshots at once.
type counts struct {
	mu      sync.Mutex
	users   int
	shots   int
	secrets []string // passwords and cookies of the journey: its log must hold none (checkLeaks)
}

// InBranch is p as the subtest t sees it, with a new branch of its own (code, in AE): the
// users NewUser adds belong to it, so that parallel subtests on one portal never meet in
// a branch's lists (a supervisor's approvals hold every case of the branch).
func (p *Portal) InBranch(t *testing.T, code string) *Portal {
	t.Helper()
	view := *p
	view.t, view.branch = t, code
	view.command("", "branch", "add", "--code", code, "--name", "Branch "+code, "--country", "AE",
		"--time-zone", "Asia/Dubai", "--cdp-location-id", "784101")
	return &view
}

// User is an account created through `portal user add`.
type User struct {
	Username    string
	DisplayName string
	Password    string
	Role        string
}

// Start serves the portal on a free loopback port and a fresh database until t ends; env
// adds settings such as "PORTAL_SESSION_IDLE=10s". A "PORTAL_ADDR=" among them (from
// FreeAddr) chooses the address, for a journey that must name it to another server first.
func Start(t *testing.T, env ...string) *Portal {
	t.Helper()
	setup(t)
	p := &Portal{DSN: testdb.New(t), Out: outputDir(t), t: t, branch: "DXB", counts: &counts{}}
	addr := freeAddr(t)
	for _, kv := range env {
		if a, ok := strings.CutPrefix(kv, "PORTAL_ADDR="); ok {
			addr = a
		}
	}
	p.URL = "http://" + addr

	logPath := filepath.Join(p.Out, "portal.log")
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(suite.binary, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+p.DSN, "PORTAL_ADDR="+addr, "CDP_BASE_URL=sandbox",
		"PORTAL_AUDIT_HMAC_KEY="+AuditKey, "PORTAL_AUDIT_SIGNING_KEY="+SigningKey, "PORTAL_SECRETS_KEY="+secretsKey,
		"PORTAL_DOCUMENTS_KEY="+strings.Repeat("d", 64))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// exited is closed once the process has ended, with its result in exitErr; a closed
	// channel answers every reader, so waitHealthy and the cleanup can both watch it.
	exited := make(chan struct{})
	var exitErr error
	go func() { exitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		defer log.Close()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
			if exitErr != nil {
				t.Errorf("portal serve exited with %v after SIGTERM; see %s", exitErr, logPath)
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("portal serve still running 15s after SIGTERM, killed; see %s", logPath)
		}
		p.checkLeaks(logPath)
	})
	waitHealthy(t, p.URL+"/healthz", exited, logPath)
	p.command("", "branch", "add", "--code", "DXB", "--name", "Deira", "--country", "AE", "--time-zone", "Asia/Dubai",
		"--cdp-location-id", "784101")
	return p
}

func waitHealthy(t *testing.T, url string, exited <-chan struct{}, logPath string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			t.Fatalf("portal serve exited before it was healthy; see %s", logPath)
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("GET %s not 200 within 30s; see %s", url, logPath)
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
	cmd := exec.Command(suite.binary, args...)
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
		Viewport: &screenSizes[0],
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

// screenSizes are the sizes every page is captured at: a 1366×768 laptop and a 768-wide tablet.
var screenSizes = []playwright.Size{{Width: 1366, Height: 768}, {Width: 768, Height: 1024}}

// Capture checks page with axe-core (see checkAccessibility) and writes full-page
// screenshots of it at both screen sizes, as NN-name-1366.png and NN-name-768.png.
func (p *Portal) Capture(page playwright.Page, name string) {
	p.t.Helper()
	p.checkAccessibility(page, name)
	p.mu.Lock()
	p.shots++
	shot := p.shots
	p.mu.Unlock()
	for _, size := range screenSizes {
		check(p.t, page.SetViewportSize(size.Width, size.Height))
		p.screenshot(page, fmt.Sprintf("%02d-%s-%d", shot, name, size.Width))
	}
	check(p.t, page.SetViewportSize(screenSizes[0].Width, screenSizes[0].Height))
}

// screenshot writes a full-page screenshot of page to the output folder as name.png.
func (p *Portal) screenshot(page playwright.Page, name string) {
	p.t.Helper()
	path := filepath.Join(p.Out, name+".png")
	// The caret stays as it is: hiding it leaves style="" on every input, which htmx's settle
	// then copies onto the swapped-in inputs, an inline style the CSP refuses.
	opts := playwright.PageScreenshotOptions{Path: &path, FullPage: playwright.Bool(true), Caret: playwright.ScreenshotCaretInitial}
	if _, err := page.Screenshot(opts); err != nil {
		p.t.Errorf("screenshot %s: %v", name, err)
	}
}

// outputDir empties and returns the test's output folder.
func outputDir(t *testing.T) string {
	base := os.Getenv("E2E_OUT")
	if base == "" {
		base = filepath.Join(repoRoot, ".data", "e2e-output")
	}
	dir := filepath.Join(base, t.Name())
	if err := errors.Join(os.RemoveAll(dir), os.MkdirAll(dir, 0o755)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
