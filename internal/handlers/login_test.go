package handlers

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"kycportal/internal/app"
	"kycportal/internal/auth"
	"kycportal/internal/store"
)

func TestLoginRecordsSuccessWithActorAndSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleSupervisor)
	e.client().login(name, pw)
	var username, role, sessionRef, requestID, ip, outcome string
	err := e.db.Pool.QueryRow(context.Background(), `SELECT actor_username, actor_role, session_ref,
		request_id, client_ip, outcome FROM audit_events WHERE action = 'login.success'`).
		Scan(&username, &role, &sessionRef, &requestID, &ip, &outcome)
	if err != nil {
		t.Fatal(err)
	}
	if username != name || role != "supervisor" || sessionRef == "" || requestID == "" || ip != "127.0.0.1" ||
		outcome != "success" {
		t.Errorf("login.success row: user %q role %q session %q request %q ip %q outcome %q",
			username, role, sessionRef, requestID, ip, outcome)
	}
}

func TestWrongPasswordsLockTheUsername(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.page("/login")
	for i := 1; i <= auth.FreeFailures; i++ {
		resp := c.post("/login", url.Values{"username": {name}, "password": {"wrong password " + pw}})
		body := readBody(t, resp)
		want := http.StatusUnauthorized
		if i == auth.FreeFailures {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("failure %d: status %d, want %d", i, resp.StatusCode, want)
		}
		if strings.Contains(body, "wrong password "+pw) {
			t.Fatal("the login page echoes the password")
		}
	}
	resp := c.post("/login", url.Values{"username": {name}, "password": {pw}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password while locked: status %d, want 429", resp.StatusCode)
	}
	e.clock.Advance(auth.LockFor(auth.FreeFailures) + time.Second)
	c.login(name, pw)
	actions := e.auditActions()
	if !slices.Contains(actions, "login.failure") || !slices.Contains(actions, "login.locked") ||
		!slices.Contains(actions, "login.success") {
		t.Errorf("audit actions = %v", actions)
	}
}

func TestUnknownUserGetsTheSameAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, _ := e.user(store.RoleAgent)
	c := e.client()
	c.page("/login")
	known := readBody(t, c.post("/login", url.Values{"username": {name}, "password": {"not the password!"}}))
	unknown := readBody(t, c.post("/login", url.Values{"username": {"nobody-here"}, "password": {"not the password!"}}))
	msg := auth.ErrBadCredentials.Error()
	if !strings.Contains(known, msg) || !strings.Contains(unknown, msg) {
		t.Errorf("the two refusals differ or lack %q", msg)
	}
}

func TestSecondFactor(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *app.Options, _ *Deps) { o.RequireTOTP = true })
	admin, pw := e.user(store.RoleAdmin)
	c := e.client()
	c.page("/login")
	resp := c.post("/login", url.Values{"username": {admin}, "password": {pw}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin without a second factor: status %d, want 303", resp.StatusCode)
	}
	if resp, _ := c.page("/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/totp" {
		t.Fatalf(
			"home before enrolment: status %d, location %q; want the enrolment page",
			resp.StatusCode,
			resp.Header.Get("Location"),
		)
	}
	c.page("/account/totp")
	resp = c.post("/logout", nil)
	resp.Body.Close()
	otpURL, err := e.app.Accounts.EnrollTOTP(context.Background(), admin)
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := url.Parse(otpURL)
	c.page("/login")
	resp = c.post("/login", url.Values{"username": {admin}, "password": {pw}})
	if body := readBody(t, resp); resp.StatusCode != 200 || !strings.Contains(body, `name="otp"`) {
		t.Fatalf("password alone: status %d, want the code field", resp.StatusCode)
	}
	resp = c.post("/login", url.Values{"username": {admin}, "password": {pw}, "otp": {"000000"}})
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("wrong code: status %d, want 401", resp.StatusCode)
	}
	code, err := totp.GenerateCode(secret.Query().Get("secret"), e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp = c.post("/login", url.Values{"username": {admin}, "password": {pw}, "otp": {code}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("right code: status %d, want 303", resp.StatusCode)
	}
	agent, agentPW := e.user(store.RoleAgent) // agents are not required to have one
	e.client().login(agent, agentPW)
}

// TestFavicon: every page names the portal's icon, served from /static.
func TestFavicon(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	_, doc := c.page("/login")
	href, _ := doc.Find(`link[rel="icon"]`).Attr("href")
	resp := c.do(http.MethodGet, href, nil)
	body := readBody(t, resp)
	if href == "" || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" ||
		!strings.HasPrefix(body, "<svg") {
		t.Errorf("icon %q: %d %s", href, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
