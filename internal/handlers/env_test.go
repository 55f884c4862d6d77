package handlers

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"kycportal/internal/app"
	"kycportal/internal/auth"
	"kycportal/internal/blobs"
	"kycportal/internal/branches/branchtest"
	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/documents"
	"kycportal/internal/packs"
	"kycportal/internal/search"
	"kycportal/internal/session"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/testdb"
	"kycportal/internal/worklist"
)

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// await is the buffer once it holds want, or after 5 s without it. The request log is
// written after the response has gone, so a client can read its answer first.
func (b *syncBuffer) await(want string) string {
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(b.String(), want) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return b.String()
}

type env struct {
	t       *testing.T
	db      *store.DB
	clock   *cdptest.Clock
	hasher  *auth.Hasher
	app     *app.App
	echo    *echo.Echo
	srv     *httptest.Server
	logs    *syncBuffer
	waited  atomic.Int64 // nanoseconds the sign-in throttling made checks wait (on the clock)
	metrics *prometheus.Registry
}

// testSecrets encrypts the tests' second-factor secrets, as PORTAL_SECRETS_KEY does.
var testSecrets, _ = auth.NewSealer("the handler tests' secrets key, 32 characters or more")

// envOption changes the parts a test's portal is built from.
type envOption func(*app.Options, *Deps)

// newEnv serves the real handler stack over loopback on a fresh database. Without an option
// that gives it one, its CDP is an address where nothing answers.
func newEnv(t *testing.T, configure ...envOption) *env {
	t.Helper()
	db := testdb.Open(t)
	e := &env{t: t, db: db, clock: cdptest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)),
		hasher: auth.NewTestHasher(), logs: &syncBuffer{}}
	log := slog.New(slog.NewJSONHandler(e.logs, nil))
	o := app.Options{DB: db, CDP: unreachableCDP(t, log), Log: log, Metrics: prometheus.NewRegistry(), Now: e.clock.Now,
		Hasher: e.hasher, Packs: packs.Default(), Blobs: blobs.Ephemeral(), Scanner: documents.NoScanner{},
		LookupLimit: search.DefaultLimit, Rules: submission.DefaultRules, Watch: worklist.DefaultRules,
		SessionIdle: 30 * time.Minute, SessionAbsolute: 12 * time.Hour, AuditLog: testdb.AuditKey(t), Secrets: testSecrets}
	d := Deps{DB: db, Log: log, Metrics: prometheus.NewRegistry(), Now: e.clock.Now}
	for _, f := range configure {
		f(&o, &d)
	}
	services, err := app.New(o)
	if err != nil {
		t.Fatal(err)
	}
	services.Login.Sleep = e.sleep // the throttling waits on the test's clock
	e.app, e.metrics = services, d.Metrics
	d.Services, d.CDP = services, o.CDP
	if e.echo, err = New(d); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.echo)
	t.Cleanup(e.srv.Close)
	return e
}

// unreachableCDP is a CDP client for a deployment whose CDP does not answer.
func unreachableCDP(t *testing.T, log *slog.Logger) *cdp.Client {
	t.Helper()
	c, err := cdp.New(
		cdp.Config{BaseURL: "http://127.0.0.1:1", Scope: cdp.DefaultScope, Timeout: time.Second}.WithSandboxDefaults(),
		cdp.Options{Logger: log},
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sleep is the throttling's wait on the test's clock: it moves the clock instead of waiting.
func (e *env) sleep(_ context.Context, d time.Duration) error {
	e.waited.Add(int64(d))
	e.clock.Advance(d)
	return nil
}

// counter is the value of a counter of the portal's registry with one label set to value.
func (e *env) counter(name, label, value string) float64 {
	e.t.Helper()
	families, err := e.metrics.Gather()
	if err != nil {
		e.t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if f.GetName() == name && l.GetName() == label && l.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// user creates an account of role and returns its username and password.
func (e *env) user(role string) (username, password string) {
	e.t.Helper()
	name := role + "-" + strings.ToLower(strings.ReplaceAll(e.t.Name(), "/", "-"))
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune("abcdefghijklmnopqrstuvwxyz0123456789-", r) {
			return r
		}
		return '-'
	}, name)
	if len(name) > 60 {
		name = name[:60]
	}
	password = "correct horse " + role + " staple"
	branchtest.Ensure(e.t, e.db.Pool, "DXB-01")
	_, err := e.app.Accounts.CreateUser(context.Background(),
		auth.NewUser{Username: name, Role: role, Branch: "DXB-01", Countries: []string{"AE"}}, password, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return name, password
}

// client is a browser stand-in: it keeps the session cookie (Go's jar will not send a
// Secure cookie over plain HTTP) and the page's CSRF token, and never follows redirects.
type client struct {
	e           *env
	cookie      string
	loginCookie string // the sign-in form's cookie, which its token is bound to
	csrf        string
	headers     map[string]string
	transport   http.RoundTripper // nil: the server's own (roundTrip), from 127.0.0.1
}

func (e *env) client() *client { return &client{e: e, headers: map[string]string{}} }

// clientFrom is a client whose connections leave from address: any 127.x.y.z reaches the
// loopback server, which sees it as the client's address.
func (e *env) clientFrom(address string) *client {
	c := e.client()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(address)}}
	t := &http.Transport{DialContext: d.DialContext}
	e.t.Cleanup(t.CloseIdleConnections)
	c.transport = t
	return c
}

func (c *client) do(method, path string, form url.Values, extra ...string) *http.Response {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: session.CookieName, Value: c.cookie})
	}
	if c.loginCookie != "" {
		req.AddCookie(&http.Cookie{Name: loginCookieName, Value: c.loginCookie})
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	resp, err := c.roundTrip(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	c.keepCookie(resp)
	return resp
}

// roundTrip sends req through the client's transport, else its server's own: not
// http.DefaultTransport, whose idle connections every other test's server closes when it
// ends (httptest does), which broke a POST of a parallel test about to reuse one ("http:
// CloseIdleConnections called"; a POST is never retried).
func (c *client) roundTrip(req *http.Request) (*http.Response, error) {
	if c.transport != nil {
		return c.transport.RoundTrip(req)
	}
	return c.e.srv.Client().Transport.RoundTrip(req)
}

func (c *client) keepCookie(resp *http.Response) {
	for _, ck := range resp.Cookies() {
		if ck.Name == loginCookieName {
			c.loginCookie = ck.Value
		}
		if ck.Name != session.CookieName {
			continue
		}
		c.cookie = ck.Value
		if ck.MaxAge < 0 {
			c.cookie = ""
		}
	}
}

// page GETs path and returns the document, keeping its CSRF token.
func (c *client) page(path string) (*http.Response, *goquery.Document) {
	c.e.t.Helper()
	resp := c.do(http.MethodGet, path, nil)
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if tok, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value"); ok {
		c.csrf = tok
	}
	return resp, doc
}

// post sends a form with the page's CSRF token.
func (c *client) post(path string, form url.Values, extra ...string) *http.Response {
	c.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.csrf)
	}
	return c.do(http.MethodPost, path, form, extra...)
}

// login signs in and loads the home page, as a browser would.
func (c *client) login(username, password string) {
	c.e.t.Helper()
	c.page("/login")
	resp := c.post("/login", url.Values{"username": {username}, "password": {password}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		c.e.t.Fatalf("login as %s: status %d, location %q", username, resp.StatusCode, resp.Header.Get("Location"))
	}
	c.page("/")
}

// signIn starts a session for username as the login form would after checking the
// password, without the form's three requests and password hash: for tests whose subject is
// not signing in.
func (c *client) signIn(username string) {
	c.e.t.Helper()
	ctx := context.Background()
	u, err := c.e.app.Accounts.ByUsername(ctx, username)
	if err != nil {
		c.e.t.Fatal(err)
	}
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/login", nil)
	old, err := c.e.app.Sessions.New(r, sessionName)
	if err != nil {
		c.e.t.Fatal(err)
	}
	s, err := c.e.app.Sessions.Login(r, httptest.NewRecorder(), old, u)
	if err != nil {
		c.e.t.Fatal(err)
	}
	c.cookie, c.csrf = s.ID, session.CSRFToken(s)
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// expectAudited fails the test, saying what was not audited, when the trail holds no
// event of action.
func (e *env) expectAudited(action, what string) {
	e.t.Helper()
	if !slices.Contains(e.auditActions(), action) {
		e.t.Error(what)
	}
}

// auditActions lists the actions recorded so far, oldest first.
func (e *env) auditActions() []string {
	e.t.Helper()
	rows, err := e.db.Pool.Query(context.Background(), `SELECT action FROM audit_events ORDER BY id`)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// isLoginRedirect is a redirect to the login page, with or without the reason it shows.
func isLoginRedirect(resp *http.Response) bool {
	to := resp.Header.Get("Location")
	return resp.StatusCode == http.StatusSeeOther && (to == "/login" || strings.HasPrefix(to, "/login?why="))
}
