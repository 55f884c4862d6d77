package main

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kycportal/internal/session"
	"kycportal/internal/testdb"
)

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// browser keeps one session cookie across portal replicas, as a load balancer's client would.
type browser struct {
	t      *testing.T
	cookie string
}

func (b *browser) do(method, target string, form url.Values) (*http.Response, string) {
	b.t.Helper()
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
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.Name == session.CookieName {
			b.cookie = c.Value
		}
	}
	return resp, string(page)
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
	dsn := testdb.New(t)
	env := []string{"DATABASE_URL=" + dsn, "CDP_BASE_URL=sandbox", "PORTAL_AUDIT_HMAC_KEY=" + strings.Repeat("k", 32)}
	if out, code := portal(t, env, "replica pass phrase\n", "user", "add", "--username", "rana", "--role", "agent", "--branch", "B"); code != 0 {
		t.Fatal(out)
	}
	addrA, addrB := freeAddr(t), freeAddr(t)
	serveUntilHealthy(t, append(env, "PORTAL_ADDR="+addrA), addrA)
	serveUntilHealthy(t, append(env, "PORTAL_ADDR="+addrB), addrB)
	a, b := "http://"+addrA, "http://"+addrB

	br := &browser{t: t}
	_, page := br.do(http.MethodGet, a+"/login", nil)
	resp, _ := br.do(http.MethodPost, a+"/login", url.Values{"_csrf": {br.token(page)}, "username": {"rana"}, "password": {"replica pass phrase"}})
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
		if resp, _ := old.do(http.MethodGet, base+"/", nil); resp.Header.Get("Location") != "/login" {
			t.Errorf("%s after logout on B: %d %q", base, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}
