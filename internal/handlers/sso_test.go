package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"kycportal/internal/app"
	"kycportal/internal/config"
	"kycportal/internal/oidctest"
	"kycportal/internal/store"
)

const ssoRedirect = "http://127.0.0.1/login/oidc/callback"

// ssoAgent is a directory user whose claims make them an agent of DXB-01 for AE and MY
// (oidctest.User says which claim carries what).
func ssoAgent() oidctest.User {
	return oidctest.User{ID: "u-amira", Username: "amira.sso", Password: "provider password 1",
		FirstName: "AE MY", LastName: "kyc-agents", Phone: "DXB-01", PreferredLanguage: "en"}
}

// ssoEnv serves the portal with single sign-on through a real provider holding users. A
// local supervisor makes DXB-01 a branch the portal knows.
func ssoEnv(t *testing.T, users ...oidctest.User) (*env, *oidctest.Provider) {
	t.Helper()
	op := oidctest.Start(t, users, ssoRedirect)
	cfg := config.OIDC{
		Issuer:         op.Issuer,
		Name:           "Test provider",
		ClientID:       oidctest.ClientID,
		ClientSecret:   oidctest.ClientSecret,
		RedirectURL:    ssoRedirect,
		Scopes:         []string{"openid", "profile", "phone"},
		RoleClaim:      "family_name",
		RoleValues:     map[string][]string{"agent": {"kyc-agents"}, "supervisor": {"kyc-supervisors"}},
		BranchClaim:    "phone_number",
		CountriesClaim: "given_name",
		UsernameClaim:  "preferred_username",
		Provision:      true,
	}
	e := newEnv(t, func(o *app.Options, _ *Deps) { o.OIDC = cfg })
	e.user(store.RoleSupervisor)
	return e, op
}

// ssoStart presses "Sign in with …" and returns where the portal sends the browser.
func (c *client) ssoStart() string {
	c.e.t.Helper()
	_, doc := c.page("/login")
	if !strings.Contains(doc.Find(`[data-testid="login-sso"]`).Text(), "Sign in with Test provider") {
		c.e.t.Fatal("the login page offers no single sign-on button")
	}
	resp := c.post("/login/oidc", nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		c.e.t.Fatalf("POST /login/oidc: status %d", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// ssoClient is a browser signed in through the provider as u.
func (e *env) ssoClient(op *oidctest.Provider, u oidctest.User) *client {
	e.t.Helper()
	c := e.client()
	resp := c.callback(op.SignIn(c.ssoStart(), u.Username, u.Password))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		e.t.Fatalf("single sign-on as %s: status %d, location %q", u.Username, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

// callback brings the provider's answer back to the portal.
func (c *client) callback(back *url.URL) *http.Response {
	c.e.t.Helper()
	return c.do(http.MethodGet, "/login/oidc/callback?"+back.RawQuery, nil)
}

func TestSSOSignInProvisionsAndFollowsTheClaims(t *testing.T) {
	t.Parallel()
	amira := ssoAgent()
	e, op := ssoEnv(t, amira)
	c := e.client()
	to := c.ssoStart()
	if u, _ := url.Parse(to); u.Query().Get("code_challenge_method") != "S256" || u.Query().Get("nonce") == "" {
		t.Errorf("authorization request without PKCE or nonce: %s", to)
	}
	resp := c.callback(op.SignIn(to, amira.Username, amira.Password))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("callback: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := c.page("/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("home after single sign-on: %d", resp.StatusCode)
	}
	u, err := store.UserByUsername(context.Background(), e.db.Pool, "amira.sso")
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != store.RoleAgent || u.Branch != "DXB-01" || !slices.Equal(u.Countries, []string{"AE", "MY"}) ||
		u.PasswordHash != "" {
		t.Errorf("provisioned account = %+v", u)
	}
	// The directory makes her a supervisor: her next request says so, and the trail too.
	amira.LastName = "kyc-supervisors"
	op.SetUsers([]oidctest.User{amira})
	if resp, doc := c.page("/"); resp.StatusCode != http.StatusOK ||
		!strings.Contains(doc.Find(`[data-testid="current-role"]`).Text(), "supervisor") {
		t.Errorf(
			"home after the directory changed: %d, role %q",
			resp.StatusCode,
			doc.Find(`[data-testid="current-role"]`).Text(),
		)
	}
	if u, _ = store.UserByUsername(context.Background(), e.db.Pool, "amira.sso"); u.Role != store.RoleSupervisor {
		t.Errorf("role after the directory changed = %q", u.Role)
	}
	actions := e.auditActions()
	for _, want := range []string{"user.sso_provisioned", "login.success", "user.sso_claims_changed"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit actions %v lack %s", actions, want)
		}
	}
	// Her account has no password: the local form cannot sign her in with anything.
	resp = c.post("/login", url.Values{"username": {"amira.sso"}, "password": {""}})
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther {
		t.Error("a single sign-on account signed in with an empty local password")
	}
}

func TestSSOReplayedStateIsRefused(t *testing.T) {
	t.Parallel()
	amira := ssoAgent()
	e, op := ssoEnv(t, amira)
	c := e.client()
	back := op.SignIn(c.ssoStart(), amira.Username, amira.Password)
	resp := c.callback(back)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first callback: %d", resp.StatusCode)
	}
	// The same answer again, in the same browser and in another that started its own sign-in.
	other := e.client()
	other.ssoStart()
	for name, cl := range map[string]*client{"same browser": c, "another browser": other} {
		resp := cl.callback(back)
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "expired or was already used") {
			t.Errorf("%s replays the callback: status %d", name, resp.StatusCode)
		}
	}
	if resp, _ := other.page("/"); !isLoginRedirect(resp) {
		t.Error("the replayed callback signed the other browser in")
	}
}

// TestSSORemovedGroupEndsAccessAtTheNextRequest: the directory takes the group away while
// she is signed in twice; the next request of either session is refused, both sessions end,
// the trail says why, and signing in again is refused too.
func TestSSORemovedGroupEndsAccessAtTheNextRequest(t *testing.T) {
	t.Parallel()
	amira := ssoAgent()
	e, op := ssoEnv(t, amira)
	open, other := e.ssoClient(op, amira), e.ssoClient(op, amira)
	if resp, _ := open.page("/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", resp.StatusCode)
	}
	amira.LastName = "former-staff"
	op.SetUsers([]oidctest.User{amira})
	resp := open.do(http.MethodGet, "/", nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?why="+whyAccessEnded {
		t.Fatalf(
			"the next request after the group was removed: status %d, location %q",
			resp.StatusCode,
			resp.Header.Get("Location"),
		)
	}
	if _, doc := open.page("/login?why=" + whyAccessEnded); !strings.Contains(
		doc.Find("main").Text(),
		"no longer grants you access",
	) {
		t.Error("the login page does not say why the session ended")
	}
	if resp, _ := other.page("/drafts"); !isLoginRedirect(resp) {
		t.Errorf("her other session still answers %d", resp.StatusCode)
	}
	var ended int
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE u.username = 'amira.sso'`).Scan(&ended); err != nil || ended != 0 {
		t.Errorf("%d sessions of hers left (%v)", ended, err)
	}
	e.expectAudited("login.sso_refused", "no login.sso_refused event")
	c := e.client()
	resp = c.callback(op.SignIn(c.ssoStart(), amira.Username, amira.Password))
	if body := readBody(t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "grants no role") {
		t.Errorf("sign-in without the group: status %d", resp.StatusCode)
	}
}

// TestSSOProviderOutageFailsClosed: with the provider down, a signed-in user's request is
// refused with a page saying so (no 500), and the session waits for the provider's return.
func TestSSOProviderOutageFailsClosed(t *testing.T) {
	t.Parallel()
	amira := ssoAgent()
	e, op := ssoEnv(t, amira)
	c := e.ssoClient(op, amira)
	c.page("/") // the session's CSRF token, for the logout below
	op.Stop()
	resp := c.do(http.MethodGet, "/drafts", nil)
	if body := readBody(t, resp); resp.StatusCode != http.StatusServiceUnavailable ||
		!strings.Contains(body, "identity provider cannot be reached") {
		t.Errorf("a request while the provider is down: status %d", resp.StatusCode)
	}
	var left int
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE user_id IS NOT NULL
		AND values ->> 'auth' = 'oidc'`).Scan(&left); err != nil || left != 1 {
		t.Errorf("sessions kept through the outage: %d (%v), want 1", left, err)
	}
	// Logging out needs no word from the provider.
	resp = c.post("/logout", nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout while the provider is down: status %d", resp.StatusCode)
	}
	if resp, _ := c.page("/"); !isLoginRedirect(resp) {
		t.Error("the session outlived the logout")
	}
}

func TestSSOBackchannelRefusesWhatIsNotALogoutToken(t *testing.T) {
	t.Parallel()
	amira := ssoAgent()
	e, op := ssoEnv(t, amira)
	c := e.ssoClient(op, amira)
	for name, token := range map[string]string{"garbage": "not.a.token", "none": ""} {
		resp := e.client().do(http.MethodPost, BackchannelLogoutPath, url.Values{"logout_token": {token}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, resp.StatusCode)
		}
	}
	if resp, _ := c.page("/"); resp.StatusCode != http.StatusOK {
		t.Errorf("a refused logout token ended the session: %d", resp.StatusCode)
	}
}

// TestSSOLogoutEndsHerSessionsEverywhere: logging out sends the browser to the provider's
// end-session endpoint with her ID token as hint; the provider then posts a back-channel
// logout token signed with its own key, and her session in another browser ends at once.
func TestSSOLogoutEndsHerSessionsEverywhere(t *testing.T) {
	t.Parallel()
	amira := ssoAgent()
	e, op := ssoEnv(t, amira)
	op.SendLogoutTo(e.srv.URL + BackchannelLogoutPath)
	c, other := e.ssoClient(op, amira), e.ssoClient(op, amira)
	c.page("/")
	resp := c.post("/logout", nil)
	resp.Body.Close()
	to := resp.Header.Get("Location")
	u, _ := url.Parse(to)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(to, op.Issuer+"end_session?") ||
		u.Query().Get("client_id") != oidctest.ClientID || u.Query().Get("id_token_hint") == "" {
		t.Fatalf("logout: status %d, location %q, want the provider's end_session_endpoint with a hint", resp.StatusCode, to)
	}
	if resp, _ := c.page("/"); !isLoginRedirect(resp) {
		t.Error("our session outlived the logout")
	}
	if resp, _ := other.page("/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("her other session before the provider's logout: %d", resp.StatusCode)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(to) // the browser at the provider
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp, _ := other.page("/"); !isLoginRedirect(resp) {
		t.Errorf("her other session after the provider's back-channel logout answers %d", resp.StatusCode)
	}
	e.expectAudited("session.provider_logout", "no session.provider_logout event")
}

func TestLocalLoginOffLeavesOnlyTheBreakGlassAdmin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent, agentPW := e.user(store.RoleAgent)
	admin, adminPW := e.user(store.RoleAdmin)
	e.app.Login.PasswordsOff, e.app.Login.BreakGlassAdmin = true, admin
	c := e.client()
	c.page("/login")
	resp := c.post("/login", url.Values{"username": {agent}, "password": {agentPW}})
	if body := readBody(t, resp); resp.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(body, "local passwords are off") {
		t.Errorf("agent with a local password: status %d", resp.StatusCode)
	}
	e.client().login(admin, adminPW)
}

// ssoCheckerCase is a case of DXB-01 awaiting approval, claimed by sara, a supervisor signed
// in through the provider, whose browser it returns with the case's address.
func ssoCheckerCase(t *testing.T, e *env, op *oidctest.Provider, sara oidctest.User) (*client, string, int64) {
	t.Helper()
	agent := e.agent("amal", "DXB-01", "AE")
	id := agent.completeDraft("784-1985-0000004-1")
	readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
	sup := e.ssoClient(op, sara)
	casePath := fmt.Sprintf("/approvals/%d", id)
	sup.page(casePath)
	readBody(t, sup.post(casePath+"/claim", nil))
	return sup, casePath, id
}

func ssoSupervisor(id, username string) oidctest.User {
	return oidctest.User{ID: id, Username: username, Password: "provider password of " + username,
		FirstName: "AE", LastName: "kyc-supervisors", Phone: "DXB-01", PreferredLanguage: "en"}
}

func (e *env) caseState(id int64) string {
	e.t.Helper()
	var state string
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT state FROM submissions WHERE draft_id = $1`, id).Scan(&state); err != nil {
		e.t.Fatal(err)
	}
	return state
}

// TestSSOCheckerStepsUpAtTheProvider: approving sends a checker signed in through the
// provider to sign in there again (prompt=login, max_age=0); the case is approved once the
// provider's ID token says this checker just authenticated, not when someone else did.
func TestSSOCheckerStepsUpAtTheProvider(t *testing.T) {
	t.Parallel()
	sara, omar := ssoSupervisor("u-sara", "sara.sso"), ssoSupervisor("u-omar", "omar.sso")
	e, op := ssoEnv(t, sara, omar)
	sup, casePath, id := ssoCheckerCase(t, e, op, sara)
	_, doc := sup.page(casePath)
	if !strings.Contains(doc.Find(`[data-testid="step-up-provider"]`).Text(), "confirm it is you at Test provider") ||
		doc.Find(`[data-testid="step-up"]`).Length() != 0 {
		t.Fatal("the approval form of a checker without an authenticator app does not send them to the provider")
	}
	approve := func() string {
		resp := sup.post(casePath+"/approve", nil)
		resp.Body.Close()
		to := resp.Header.Get("Location")
		u, _ := url.Parse(to)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(to, op.Issuer) ||
			u.Query().Get("prompt") != "login" || u.Query().Get("max_age") != "0" || u.Query().Get("code_challenge") == "" {
			t.Fatalf("approve: status %d, location %q; want the provider with prompt=login and max_age=0", resp.StatusCode, to)
		}
		return to
	}
	// Someone else signs in at the provider's page: refused, recorded, not approved.
	resp := sup.callback(op.SignIn(approve(), omar.Username, omar.Password))
	if body := readBody(t, resp); resp.StatusCode != http.StatusForbidden ||
		!strings.Contains(body, "did not confirm that it is you") {
		t.Errorf("step-up by another user: status %d", resp.StatusCode)
	}
	if state := e.caseState(id); state != "awaiting_approval" {
		t.Errorf("case after a refused step-up: %s", state)
	}
	e.expectAudited("submission.step_up_failed", "the refused step-up is not in the trail")
	// The checker gives up at the provider, which sends them back with an error.
	sup.page(casePath)
	to, _ := url.Parse(approve())
	resp = sup.do(
		http.MethodGet,
		"/login/oidc/callback?error=access_denied&state="+url.QueryEscape(to.Query().Get("state")),
		nil,
	)
	if body := readBody(t, resp); resp.StatusCode != http.StatusForbidden ||
		!strings.Contains(body, "did not confirm that it is you") {
		t.Errorf("step-up given up at the provider: status %d", resp.StatusCode)
	}
	sup.page(casePath)
	back := op.SignIn(approve(), sara.Username, sara.Password)
	resp = sup.callback(back)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != casePath {
		t.Fatalf("step-up by the checker: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if state := e.caseState(id); state == "awaiting_approval" {
		t.Error("the case was not approved after the checker signed in again")
	}
	resp = sup.callback(back) // the same answer again approves nothing more
	if body := readBody(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "already used") {
		t.Errorf("a replayed step-up answer: status %d", resp.StatusCode)
	}
}

// TestSSOCheckerStepsUpWithTheirAuthenticatorCode: a checker signed in through the provider
// who set up an authenticator app may approve with its code instead of signing in again.
func TestSSOCheckerStepsUpWithTheirAuthenticatorCode(t *testing.T) {
	t.Parallel()
	sara := ssoSupervisor("u-sara", "sara.sso")
	e, op := ssoEnv(t, sara)
	sup, casePath, id := ssoCheckerCase(t, e, op, sara)
	_, doc := sup.page("/account/totp")
	secret := doc.Find(`[data-testid="totp-secret"]`).Text()
	code, err := totp.GenerateCode(secret, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, sup.post("/account/totp", url.Values{"code": {code}}))
	if _, doc := sup.page(casePath); doc.Find(`input[name="code"][data-testid="step-up"]`).Length() != 1 ||
		doc.Find(`[data-testid="step-up-provider"]`).Length() != 1 {
		t.Fatal("the approval form does not offer the app's code beside the provider")
	}
	resp := sup.post(casePath+"/approve", url.Values{"code": {"000000"}})
	if body := readBody(t, resp); resp.StatusCode != http.StatusForbidden ||
		!strings.Contains(body, "That code is not right") {
		t.Fatalf("a wrong code: status %d", resp.StatusCode)
	}
	sup.page(casePath)
	resp = sup.post(casePath+"/approve", url.Values{"code": {code}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || e.caseState(id) == "awaiting_approval" {
		t.Fatalf("approve with the app's code: status %d, case %s", resp.StatusCode, e.caseState(id))
	}
}

// TestSSOCheckerCodesShareTheSignInThrottle: codes guessed at approval count and lock like
// passwords, so a session left open does not let anyone try the million codes.
func TestSSOCheckerCodesShareTheSignInThrottle(t *testing.T) {
	t.Parallel()
	sara := ssoSupervisor("u-sara", "sara.sso")
	e, op := ssoEnv(t, sara)
	sup, casePath, _ := ssoCheckerCase(t, e, op, sara)
	_, doc := sup.page("/account/totp")
	code, err := totp.GenerateCode(doc.Find(`[data-testid="totp-secret"]`).Text(), e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, sup.post("/account/totp", url.Values{"code": {code}}))
	var status int
	for range 5 {
		sup.page(casePath)
		resp := sup.post(casePath+"/approve", url.Values{"code": {"000000"}})
		resp.Body.Close()
		status = resp.StatusCode
	}
	if status != http.StatusTooManyRequests {
		t.Errorf("the fifth wrong code: status %d, want 429", status)
	}
	sup.page(casePath)
	resp := sup.post(casePath+"/approve", url.Values{"code": {code}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right code during the lock: status %d, want 429", resp.StatusCode)
	}
}
