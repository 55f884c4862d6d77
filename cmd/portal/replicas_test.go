package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/session"
	"kycportal/internal/testdb"
)

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// browser keeps one session cookie across portal replicas, as a load balancer's client would.
type browser struct {
	t           *testing.T
	cookie      string
	loginCookie string // the sign-in form's cookie, which its token is bound to
	csrf        string // the session's form token, once login has read it
}

func (b *browser) do(method, target string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, page, err := b.send(method, target, form)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, page
}

// send is do for a goroutine, or for a portal that may be gone: the error is the caller's.
func (b *browser) send(method, target string, form url.Values) (*http.Response, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: session.CookieName, Value: b.cookie})
	}
	if b.loginCookie != "" {
		req.AddCookie(&http.Cookie{Name: "__Host-kyc_login", Value: b.loginCookie})
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		switch c.Name {
		case session.CookieName:
			b.cookie = c.Value
		case "__Host-kyc_login":
			b.loginCookie = c.Value
		}
	}
	return resp, string(page), nil
}

func (b *browser) token(page string) string {
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatal("no CSRF token on the page")
	}
	return m[1]
}

// TestTwoReplicasShareSessions runs two portals on one database, as behind a load balancer.
func TestTwoReplicasShareSessions(t *testing.T) {
	t.Parallel()
	dsn := testdb.New(t)
	env := []string{
		"DATABASE_URL=" + dsn,
		"CDP_BASE_URL=sandbox",
		"PORTAL_AUDIT_HMAC_KEY=" + strings.Repeat("k", 32),
		signingKeyEnv,
		documentsKeyEnv,
	}
	addBranch(t, env, "B")
	if out, code := portal(t, env, "replica pass phrase\n", "user", "add", "--username", "rana", "--role", "agent", "--branch", "B"); code != 0 {
		t.Fatal(out)
	}
	addrA, addrB := freeAddr(t), freeAddr(t)
	serveUntilHealthy(t, append(env, "PORTAL_ADDR="+addrA), addrA)
	serveUntilHealthy(t, append(env, "PORTAL_ADDR="+addrB), addrB)
	a, b := "http://"+addrA, "http://"+addrB

	br := &browser{t: t}
	_, page := br.do(http.MethodGet, a+"/login", nil)
	resp, _ := br.do(
		http.MethodPost,
		a+"/login",
		url.Values{"_csrf": {br.token(page)}, "username": {"rana"}, "password": {"replica pass phrase"}},
	)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on A: %d", resp.StatusCode)
	}
	resp, page = br.do(http.MethodGet, b+"/", nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `data-testid="current-user"`) {
		t.Fatalf("A's session on B: %d", resp.StatusCode)
	}
	stolen := br.cookie // what someone who copied the cookie would replay
	resp, _ = br.do(http.MethodPost, b+"/logout", url.Values{"_csrf": {br.token(page)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout on B: %d", resp.StatusCode)
	}
	old := &browser{t: t, cookie: stolen}
	for _, base := range []string{a, b} {
		// The login page may say the session ended (docs/architecture.md): a replayed
		// cookie learns nothing more than that.
		if resp, _ := old.do(http.MethodGet, base+"/", nil); !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s after logout on B: %d %q", base, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

// TestTwoReplicasSendEachSubmissionOnce: drafts submitted and approved half on each replica,
// both replicas working the one queue against one CDP: each customer is created exactly once.
func TestTwoReplicasSendEachSubmissionOnce(t *testing.T) {
	t.Parallel()
	const n, password = 8, "replica pass phrase"
	stub := startCDP(t, 20*time.Millisecond)
	dsn := testdb.New(t)
	env := stub.portalEnv(dsn)
	var bases [2]string
	for i := range bases {
		addr := freeAddr(t)
		serveUntilHealthy(t, append(env, "PORTAL_ADDR="+addr), addr)
		bases[i] = "http://" + addr
	}
	agent, supervisor := staff(t, env, bases[0], password)
	var ids []int64
	var numbers []string
	for i := range n {
		numbers = append(numbers, cdptest.EmiratesID(800+i))
		ids = append(ids, agent.completeDraft(bases[i%2], numbers[i]))
	}
	for i, id := range ids {
		supervisor.approve(bases[(i+1)%2], id, password)
	}
	conn := connect(t, dsn)
	waitFor(t, "every submission onboarded", func() bool { return onboarded(t, conn, ids) == n })
	onboards, created, notOnce := stub.counts(numbers)
	var workers int
	if err := conn.QueryRow(context.Background(), `SELECT count(DISTINCT attempted_by[1]) FROM river_job`).Scan(&workers); err != nil {
		t.Fatal(err)
	}
	t.Logf("submitted=%d onboarded=%d onboard_requests=%d created=%d not_created_once=%d replicas_that_sent=%d",
		n, onboarded(t, conn, ids), onboards, created, notOnce, workers)
	if created != n || notOnce != 0 || onboards != n {
		t.Errorf(
			"the CDP got %d onboards and created %d customers, %d not exactly once; want %d, %d, 0",
			onboards,
			created,
			notOnce,
			n,
			n,
		)
	}
}
