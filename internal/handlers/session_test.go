package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"kycportal/internal/store"
)

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.page("/login")
	resp := c.post("/login", map[string][]string{"username": {name}, "password": {pw}})
	resp.Body.Close()
	raw := resp.Header.Get("Set-Cookie")
	ck, err := http.ParseSetCookie(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ck.Name, "__Host-") || !ck.Secure || !ck.HttpOnly ||
		ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" {
		t.Errorf("session cookie %q lacks __Host-, Secure, HttpOnly, SameSite=Lax, Path=/ or has a Domain", raw)
	}
	if len(ck.Value) < 43 { // 32 random bytes in base64
		t.Errorf("session token %q is shorter than 256 bits", ck.Value)
	}
}

func TestLoginRotatesTheSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.page("/login")
	before, beforeCSRF := c.cookie, c.csrf
	c.login(name, pw)
	if c.cookie == before || c.csrf == beforeCSRF {
		t.Fatal("login kept the pre-login session id or CSRF token")
	}
	fixed := e.client()
	fixed.cookie = before
	resp := fixed.do(http.MethodGet, "/", nil)
	resp.Body.Close()
	if !isLoginRedirect(resp) {
		t.Errorf("the pre-login session id still works after login: status %d", resp.StatusCode)
	}
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.login(name, pw)
	e.clock.Advance(29 * time.Minute)
	if resp := c.do(http.MethodGet, "/", nil); resp.StatusCode != 200 {
		t.Fatalf("after 29 idle minutes: status %d, want 200", resp.StatusCode)
	}
	e.clock.Advance(31 * time.Minute)
	// An autosave carries the lapsed session's token: it is sent to sign in, not refused as
	// forged; so is any htmx request after it. The first says why.
	for i, method := range []string{http.MethodPost, http.MethodGet} {
		resp := c.do(method, "/account/password", url.Values{}, "HX-Request", "true", "X-CSRF-Token", c.csrf)
		resp.Body.Close()
		want := map[int]string{0: "/login?why=expired", 1: "/login"}[i]
		if resp.StatusCode != 401 || resp.Header.Get("HX-Redirect") != want {
			t.Fatalf("htmx %s after 31 idle minutes: status %d, HX-Redirect %q; want 401 and %s",
				method, resp.StatusCode, resp.Header.Get("HX-Redirect"), want)
		}
	}
	_, doc := c.page("/login?why=expired")
	if !strings.Contains(doc.Find(`[data-testid="login-notice"]`).Text(), "Your session ended") {
		t.Error("the login page does not say the session ended")
	}
	_, doc = c.page("/login?why=<script>")
	if doc.Find(`[data-testid="login-notice"]`).Length() != 0 {
		t.Error("the login page shows a notice for an address it does not know")
	}
	if !slices.Contains(e.auditActions(), "session.expired") {
		t.Errorf("audit actions = %v, want session.expired", e.auditActions())
	}
}

func TestAbsoluteTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.login(name, pw)
	for elapsed := time.Duration(0); elapsed < 12*time.Hour-20*time.Minute; elapsed += 20 * time.Minute {
		e.clock.Advance(20 * time.Minute)
		resp := c.do(http.MethodGet, "/", nil)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("active session refused after %s: status %d", elapsed+20*time.Minute, resp.StatusCode)
		}
	}
	e.clock.Advance(21 * time.Minute) // past 12 h since login, though active
	resp := c.do(http.MethodGet, "/", nil)
	resp.Body.Close()
	if !isLoginRedirect(resp) {
		t.Fatalf("session older than 12 h: status %d, want a redirect to /login", resp.StatusCode)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.login(name, pw)
	old := c.cookie
	resp := c.post("/logout", nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?why=signed-out" {
		t.Fatalf("logout: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := resp.Header.Get("Clear-Site-Data"); !strings.Contains(got, `"cache"`) ||
		!strings.Contains(got, `"storage"`) {
		t.Errorf("Clear-Site-Data = %q", got)
	}
	if c.cookie != "" {
		t.Errorf("the session cookie was not cleared")
	}
	replay := e.client()
	replay.cookie = old
	resp = replay.do(http.MethodGet, "/", nil)
	resp.Body.Close()
	if !isLoginRedirect(resp) {
		t.Errorf("replayed session after logout: status %d", resp.StatusCode)
	}
	if got := e.auditActions(); !slices.Contains(got, "logout") {
		t.Errorf("audit actions = %v, want logout", got)
	}
}

func TestDisablingAUserEndsAllTheirSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	first, second := e.client(), e.client()
	first.login(name, pw)
	second.login(name, pw)
	if err := e.app.Accounts.SetActive(context.Background(), name, false, "left the bank"); err != nil {
		t.Fatal(err)
	}
	for i, c := range []*client{first, second} {
		resp := c.do(http.MethodGet, "/", nil)
		resp.Body.Close()
		if to := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || to != "/login?why=disabled" {
			t.Errorf("session %d after disabling: status %d to %q, want 303 to /login?why=disabled", i+1, resp.StatusCode, to)
		}
		resp = c.do(http.MethodGet, "/", nil)
		resp.Body.Close()
		if resp.Header.Get("Location") != "/login" {
			t.Errorf(
				"session %d, the click after: to %q, want /login (the reason is told once)",
				i+1,
				resp.Header.Get("Location"),
			)
		}
	}
	_, doc := first.page("/login?why=disabled")
	if got := doc.Find(`[data-testid="login-notice"]`).Text(); !strings.Contains(got, "Your account was disabled") {
		t.Errorf("login page after disabling says %q", got)
	}
	var n int
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE user_id IS NOT NULL`).Scan(&n); err != nil ||
		n != 0 {
		t.Errorf("sessions left = %d (%v), want 0", n, err)
	}
	c := e.client()
	c.page("/login")
	resp := c.post("/login", map[string][]string{"username": {name}, "password": {pw}})
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("disabled user signing in: status %d, want 401", resp.StatusCode)
	}
}

// TestTheUserIsReadAtEveryRequest: a request reads its session's user with the session
// and keeps nothing of it for the next: a role taken away closes its pages at the next
// request, and a user disabled behind the portal's back (the row changed, their sessions
// not ended) is refused at their next request and their session ended.
func TestTheUserIsReadAtEveryRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.login(name, pw)
	status := func(path string) (int, string) {
		resp := c.do(http.MethodGet, path, nil)
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location")
	}
	if got, _ := status("/drafts/new"); got != http.StatusOK {
		t.Fatalf("an agent's new-draft page: %d", got)
	}
	if _, err := e.db.Pool.Exec(ctx, `UPDATE users SET role = 'supervisor' WHERE username = $1`, name); err != nil {
		t.Fatal(err)
	}
	if got, _ := status("/drafts/new"); got != http.StatusForbidden {
		t.Errorf("the new-draft page after the agent's role was taken away: %d, want 403", got)
	}
	if _, err := e.db.Pool.Exec(ctx, `UPDATE users SET role = 'agent', active = false WHERE username = $1`, name); err != nil {
		t.Fatal(err)
	}
	if got, to := status("/drafts/new"); got != http.StatusSeeOther || to != "/login?why=disabled" {
		t.Errorf("the next request of a disabled user: %d to %q, want 303 to /login?why=disabled", got, to)
	}
	var n int
	if err := e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE u.username = $1`, name).Scan(&n); err != nil || n != 0 {
		t.Errorf("the disabled user's sessions left: %d (%v), want 0", n, err)
	}
	if _, err := e.db.Pool.Exec(ctx, `UPDATE users SET active = true WHERE username = $1`, name); err != nil {
		t.Fatal(err)
	}
	if got, to := status("/drafts/new"); !(got == http.StatusSeeOther && strings.HasPrefix(to, "/login")) {
		t.Errorf("the ended session after the user was enabled again: %d to %q, want sent to sign in", got, to)
	}
}

// TestPasswordChangeEndsTheOtherSessions: two sessions A and B; B changes the password; A is
// signed out, B goes on under a new session id and token, and B's old cookie is dead.
func TestPasswordChangeEndsTheOtherSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	a, b := e.client(), e.client()
	a.login(name, pw)
	b.login(name, pw)
	oldCookie, oldToken := b.cookie, b.csrf
	resp := b.changePassword(pw, "a new and longer phrase")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || b.cookie == oldCookie || b.cookie == "" {
		t.Fatalf("change: %d, cookie renewed: %v", resp.StatusCode, b.cookie != oldCookie)
	}
	if resp := a.do(http.MethodGet, "/", nil); !isLoginRedirect(resp) {
		t.Errorf("the other session after the change: %d, want sent to sign in", resp.StatusCode)
	}
	if resp, _ := b.page("/"); resp.StatusCode != http.StatusOK || b.csrf == oldToken {
		t.Errorf("the changing session: %d, token renewed: %v", resp.StatusCode, b.csrf != oldToken)
	}
	stale := e.client()
	stale.cookie = oldCookie
	if resp := stale.do(http.MethodGet, "/", nil); !isLoginRedirect(resp) {
		t.Errorf("the changing session's old cookie: %d, want sent to sign in", resp.StatusCode)
	}
	var n int
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE u.username = $1`, name).Scan(&n); err != nil || n != 1 {
		t.Errorf("sessions of the user = %d (%v), want 1", n, err)
	}
}

// changePassword posts the password page's form, as loaded just before.
func (c *client) changePassword(current, next string) *http.Response {
	c.e.t.Helper()
	c.page("/account/password")
	return c.post("/account/password", url.Values{"current_password": {current}, "new_password": {next}})
}

// TestPasswordPolicyOnChange: the probe's weak passwords are refused on the password page,
// and so is any of the last five; the sixth back is allowed again.
func TestPasswordPolicyOnChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.login(name, pw)
	change := func(current, next string) int {
		t.Helper()
		resp := c.changePassword(current, next)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, weak := range []string{strings.Repeat(" ", 12), "a phrase\twith a tab", "aaaaaaaaaaaa", "123412341234", pw} {
		if got := change(pw, weak); got != http.StatusUnprocessableEntity {
			t.Errorf("new password %q: %d, want 422", weak, got)
		}
	}
	passwords := []string{pw}
	for i := 1; i <= 5; i++ {
		next := fmt.Sprintf("phrase number %d of six", i)
		if got := change(passwords[i-1], next); got != http.StatusSeeOther {
			t.Fatalf("change %d: %d", i, got)
		}
		passwords = append(passwords, next)
		if i == 4 {
			if got := change(next, pw); got != http.StatusUnprocessableEntity {
				t.Errorf("back to the first password after 4 changes: %d, want 422", got)
			}
		}
	}
	if got := change(passwords[5], pw); got != http.StatusSeeOther {
		t.Errorf("back to the first password after 5 changes: %d, want 303", got)
	}
}

// TestLoginFormWritesNothing: visitors of the sign-in page leave no session row; the form's
// token is signed and bound to the visitor's cookie, so a token without its cookie, with
// another visitor's, altered or expired is refused; signing in makes the one session.
func TestLoginFormWritesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	sessions := func() int {
		var n int
		if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var visitors []*client
	for range 20 {
		c := e.client()
		c.page("/login")
		visitors = append(visitors, c)
	}
	if n := sessions(); n != 0 {
		t.Errorf("%d session rows after 20 visits of the sign-in page, want 0", n)
	}
	a, b := visitors[0], visitors[1]
	login := url.Values{"username": {name}, "password": {pw}}
	refused := map[string]func() *http.Response{
		"no cookie": func() *http.Response {
			c := e.client()
			return c.post("/login", url.Values{"username": {name}, "password": {pw}, "_csrf": {a.csrf}})
		},
		"another visitor's cookie": func() *http.Response {
			c := e.client()
			c.loginCookie = b.loginCookie
			return c.post("/login", url.Values{"username": {name}, "password": {pw}, "_csrf": {a.csrf}})
		},
		"an altered token": func() *http.Response {
			return a.post("/login", url.Values{"username": {name}, "password": {pw}, "_csrf": {a.csrf + "x"}})
		},
		"a token past its hour": func() *http.Response {
			e.clock.Advance(loginTokenLifetime + time.Second)
			defer e.clock.Advance(-loginTokenLifetime - time.Second)
			return a.post("/login", login)
		},
	}
	for what, send := range refused {
		if resp := send(); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", what, resp.StatusCode)
		}
	}
	if resp := a.post("/login", login); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d, want 303", resp.StatusCode)
	}
	if n := sessions(); n != 1 {
		t.Errorf("%d session rows after one sign-in, want 1", n)
	}
	if a.loginCookie != "" {
		t.Error("the login cookie outlived the sign-in")
	}
}

// TestRemovedSessionSaysItEnded: a cookie naming a session that no longer exists (removed
// by the janitor once idle, or ended by a password reset) leads to a login page that says
// the session ended, once: the browser is told to drop the cookie.
func TestRemovedSessionSaysItEnded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.login(name, pw)
	if _, err := e.db.Pool.Exec(context.Background(), `DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"/login?why=ended", "/login"} {
		resp := c.do(http.MethodGet, "/", nil)
		resp.Body.Close()
		if to := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || to != want {
			t.Errorf("click %d after the session was removed: %d to %q, want 303 to %s", i+1, resp.StatusCode, to, want)
		}
	}
	_, doc := c.page("/login?why=ended")
	if got := doc.Find(`[data-testid="login-notice"]`).Text(); !strings.Contains(got, "Your session has ended") {
		t.Errorf("the login page says %q", got)
	}
}
