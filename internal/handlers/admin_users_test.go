package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kycportal/internal/branches/branchtest"
	"kycportal/internal/store"
)

// adminEnv is an environment with a signed-in administrator.
func adminEnv(t *testing.T) (*env, *client, store.User) {
	t.Helper()
	e := newEnv(t)
	name, pw := e.user(store.RoleAdmin)
	admin := e.client()
	admin.login(name, pw)
	u, err := store.UserByUsername(context.Background(), e.db.Pool, name)
	if err != nil {
		t.Fatal(err)
	}
	return e, admin, u
}

func (e *env) userNamed(name string) store.User {
	e.t.Helper()
	u, err := store.UserByUsername(context.Background(), e.db.Pool, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// lastEvent returns the reason, before and after of the newest event of action.
func (e *env) lastEvent(action string) (reason, before, after string) {
	e.t.Helper()
	err := e.db.Pool.QueryRow(context.Background(), `SELECT reason, coalesce(before::text, ''), coalesce(after::text, '')
		FROM audit_events WHERE action = $1 ORDER BY id DESC LIMIT 1`, action).Scan(&reason, &before, &after)
	if err != nil {
		e.t.Fatalf("no %s event: %v", action, err)
	}
	return reason, before, after
}

func postDoc(t *testing.T, c *client, path string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	resp := c.post(path, form)
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

func TestAdminCreatesAnAccountThatMustChangeItsPassword(t *testing.T) {
	t.Parallel()
	e, admin, _ := adminEnv(t)
	branchtest.Ensure(t, e.db.Pool, "AUH-02")
	_, form := admin.page("/admin/users/new")
	if form.Find(`#branch option[value="AUH-02"]`).Length() != 1 || form.Find(`input[name="countries"]`).Length() != 4 {
		t.Fatalf(
			"the form offers branches %q and %d countries",
			form.Find(`#branch`).Text(),
			form.Find(`input[name="countries"]`).Length(),
		)
	}
	resp, doc := postDoc(t, admin, "/admin/users", url.Values{"username": {"Nadia.K"}, "display_name": {"Nadia K"},
		"role": {"agent"}, "branch": {"AUH-02"}, "countries": {"AE", "MY"}, "reason": {"new hire, ticket 42"}})
	password := doc.Find(`[data-testid="new-password"]`).Text()
	if resp.StatusCode != 200 || password == "" {
		t.Fatalf("create: status %d, password shown %q", resp.StatusCode, password)
	}
	u := e.userNamed("nadia.k")
	if u.Branch != "AUH-02" || strings.Join(u.Countries, ",") != "AE,MY" || !u.MustChangePassword {
		t.Errorf("created %+v", u)
	}
	// A reload reads the account's page: the form is not posted again.
	if got, _ := doc.Find(`[data-testid="user-detail"]`).Attr("data-page-url"); got != fmt.Sprintf(
		"/admin/users/%d",
		u.ID,
	) {
		t.Errorf("the created account's page names %q for a reload", got)
	}
	if reason, _, _ := e.lastEvent("user.created"); reason != "new hire, ticket 42" {
		t.Errorf("user.created reason = %q", reason)
	}

	agent := e.client()
	agent.page("/login")
	agent.post("/login", url.Values{"username": {"nadia.k"}, "password": {password}}).Body.Close()
	for _, path := range []string{"/", "/drafts"} {
		r := agent.do(http.MethodGet, path, nil)
		r.Body.Close()
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account/password" {
			t.Errorf("GET %s before the change: %d %q, want the password page", path, r.StatusCode, r.Header.Get("Location"))
		}
	}
	agent.page("/account/password")
	r := agent.post("/account/password", url.Values{"current_password": {password}, "new_password": {"password1234"}})
	if body := readBody(t, r); r.StatusCode != 422 || !strings.Contains(body, "most common") {
		t.Errorf("common new password: status %d", r.StatusCode)
	}
	r = agent.post(
		"/account/password",
		url.Values{"current_password": {password}, "new_password": {"nadia's own long phrase"}},
	)
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: status %d", r.StatusCode)
	}
	if home := agent.do(http.MethodGet, "/", nil); home.StatusCode != 200 {
		t.Errorf("home after the change: %d", home.StatusCode)
	}
	if e.userNamed("nadia.k").MustChangePassword {
		t.Error("must_change_password still set")
	}
}

func TestAdminEditsAProfileFieldByField(t *testing.T) {
	t.Parallel()
	e, admin, _ := adminEnv(t)
	name, _ := e.user(store.RoleAgent)
	u := e.userNamed(name)
	path := fmt.Sprintf("/admin/users/%d", u.ID)
	admin.page(path)
	branchtest.Ensure(t, e.db.Pool, "SHJ-03")
	resp, doc := postDoc(t, admin, path, url.Values{"display_name": {u.DisplayName}, "role": {"agent"},
		"branch": {"SHJ-03"}, "countries": {"AE", "PH"}, "reason": {"moved branch"}})
	if resp.StatusCode != 200 || doc.Find(`[data-testid="user-notice"]`).Length() != 1 {
		t.Fatalf("save: status %d", resp.StatusCode)
	}
	reason, before, after := e.lastEvent("user.updated")
	if reason != "moved branch" || before != `{"branch": "DXB-01", "countries": ["AE"]}` ||
		after != `{"branch": "SHJ-03", "countries": ["AE", "PH"]}` {
		t.Errorf("user.updated = %q %s -> %s", reason, before, after)
	}
	resp, doc = postDoc(
		t,
		admin,
		path,
		url.Values{"role": {"agent"}, "branch": {"SHJ-03"}, "countries": {"XYZ"}, "reason": {"typo"}},
	)
	if resp.StatusCode != 422 || doc.Find(`[data-testid="error-countries"]`).Length() != 1 {
		t.Errorf("bad country: status %d", resp.StatusCode)
	}
	resp, _ = postDoc(t, admin, path, url.Values{"role": {"supervisor"}, "branch": {"SHJ-03"}})
	if resp.StatusCode != 422 || e.userNamed(name).Role != "agent" {
		t.Errorf("change without a reason: status %d, role %s", resp.StatusCode, e.userNamed(name).Role)
	}
}

func TestAdminDisablesAnAgentWhoseSessionEndsAtOnce(t *testing.T) {
	t.Parallel()
	e, admin, me := adminEnv(t)
	name, pw := e.user(store.RoleAgent)
	agent := e.client()
	agent.login(name, pw)
	id := e.userNamed(name).ID
	admin.page(fmt.Sprintf("/admin/users/%d", id))
	resp, doc := postDoc(t, admin, fmt.Sprintf("/admin/users/%d/disable", id), url.Values{"reason": {"left the bank"}})
	if resp.StatusCode != 200 || doc.Find(`[data-testid="user-state"]`).Text() != "no" {
		t.Fatalf("disable: status %d", resp.StatusCode)
	}
	r := agent.do(http.MethodGet, "/", nil, "HX-Request", "true")
	r.Body.Close()
	if r.Header.Get("HX-Redirect") != "/login?why=disabled" { // the login page says why
		t.Errorf("the agent's open session: status %d, HX-Redirect %q", r.StatusCode, r.Header.Get("HX-Redirect"))
	}
	if reason, _, _ := e.lastEvent("user.disabled"); reason != "left the bank" {
		t.Errorf("user.disabled reason %q", reason)
	}
	postDoc(t, admin, fmt.Sprintf("/admin/users/%d/enable", id), url.Values{"reason": {"came back"}})
	agent.login(name, pw)

	resp, _ = postDoc(t, admin, fmt.Sprintf("/admin/users/%d/disable", me.ID), url.Values{"reason": {"oops"}})
	if resp.StatusCode != 422 || !e.userNamed(me.Username).Active {
		t.Errorf("an admin disabling themselves: status %d", resp.StatusCode)
	}
}

func TestAdminResetsPasswordAndSecondFactorAndEndsOneSession(t *testing.T) {
	t.Parallel()
	e, admin, _ := adminEnv(t)
	name, pw := e.user(store.RoleSupervisor)
	id := e.userNamed(name).ID
	first, second := e.client(), e.client()
	first.login(name, pw)
	second.login(name, pw)
	path := fmt.Sprintf("/admin/users/%d", id)
	_, doc := admin.page(path)
	refs := doc.Find(`[data-testid="session-row"] code`).Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	if len(refs) != 2 {
		t.Fatalf("sessions listed = %v, want 2", refs)
	}
	postDoc(t, admin, path+"/sessions/"+refs[0]+"/end", url.Values{"reason": {"lost laptop"}})
	alive := 0
	for _, c := range []*client{first, second} {
		r := c.do(http.MethodGet, "/", nil)
		r.Body.Close()
		if r.StatusCode == 200 {
			alive++
		}
	}
	if alive != 1 {
		t.Errorf("sessions alive after ending one = %d, want 1", alive)
	}

	if _, err := e.app.Accounts.EnrollTOTP(context.Background(), name); err != nil {
		t.Fatal(err)
	}
	postDoc(t, admin, path+"/reset-totp", url.Values{"reason": {"new phone"}})
	if e.userNamed(name).TOTPSecret != "" {
		t.Error("second factor still set")
	}
	_, doc = postDoc(t, admin, path+"/reset-password", url.Values{"reason": {"forgot it"}})
	newPW := doc.Find(`[data-testid="new-password"]`).Text()
	for _, c := range []*client{first, second} {
		if r := c.do(http.MethodGet, "/", nil); r.StatusCode == 200 {
			t.Error("a session survived the password reset")
		}
	}
	fresh := e.client()
	fresh.page("/login")
	r := fresh.post("/login", url.Values{"username": {name}, "password": {newPW}})
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther || !e.userNamed(name).MustChangePassword {
		t.Errorf("login with the reset password: %d", r.StatusCode)
	}
	for _, action := range []string{"session.ended", "user.totp_reset", "user.password_reset"} {
		e.lastEvent(action)
	}
	// Held on the password page: htmx is sent there, except from that page itself (its
	// header's inbox count), which would otherwise reload it for ever.
	for from, redirect := range map[string]string{"/": "/account/password", "/account/password": ""} {
		resp := fresh.do(http.MethodGet, "/notifications/count", nil, "HX-Request", "true", "HX-Current-URL", e.srv.URL+from)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("HX-Redirect") != redirect {
			t.Errorf("htmx request from %s before the new password: %d, HX-Redirect %q; want 403, %q", from,
				resp.StatusCode, resp.Header.Get("HX-Redirect"), redirect)
		}
	}
}

func TestAdminUserPagesAnswer404ForUnknownAccounts(t *testing.T) {
	t.Parallel()
	_, admin, _ := adminEnv(t)
	for _, path := range []string{"/admin/users/999999", "/admin/users/abc"} {
		if r := admin.do(http.MethodGet, path, nil); r.StatusCode != 404 {
			t.Errorf("GET %s: %d", path, r.StatusCode)
		}
	}
	if r := admin.post("/admin/users/999999/disable", url.Values{"reason": {"x"}}); r.StatusCode != 404 {
		t.Errorf("disable unknown: %d", r.StatusCode)
	}
}

// TestPagesAnsweringAPostNameTheirAddress: the account page shown after its creation, and a
// case shown again after a refused decision, name the address a reload should read; the same
// pages read by GET do not.
func TestPagesAnsweringAPostNameTheirAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.agent("amal", "DXB-01", "AE")
	checker := e.checkerOf("sara", "DXB-01")
	id := claimedCase(agent, checker, 4900)
	_, doc := postDoc(t, checker, fmt.Sprintf("/approvals/%d/approve", id), url.Values{"password": {"wrong"}})
	if got, _ := doc.Find(`[data-testid="approval"]`).Attr("data-page-url"); got != fmt.Sprintf("/approvals/%d", id) {
		t.Errorf("case after a refused approval names %q", got)
	}
	_, doc = checker.page(fmt.Sprintf("/approvals/%d", id))
	if _, ok := doc.Find(`[data-testid="approval"]`).Attr("data-page-url"); ok {
		t.Error("the case read by GET names an address to replace")
	}
}

// An account can only join an active registered branch, and onboard for countries with a
// pack: the form says so on the field, nothing is created.
func TestAdminUserFormRefusesUnknownBranchesAndCountries(t *testing.T) {
	t.Parallel()
	e, admin, _ := adminEnv(t)
	admin.page("/admin/users/new")
	resp, doc := postDoc(t, admin, "/admin/users", url.Values{"username": {"omar"}, "role": {"agent"},
		"branch": {"NOWHERE-1"}, "countries": {"AE"}, "reason": {"new hire"}})
	if resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(doc.Find(`#error-branch`).Text(), "not an active registered branch") {
		t.Errorf("unknown branch: %d %q", resp.StatusCode, doc.Find(".field-error").Text())
	}
	resp, doc = postDoc(t, admin, "/admin/users", url.Values{"username": {"omar"}, "role": {"agent"},
		"branch": {"DXB-01"}, "countries": {"AE", "FR"}, "reason": {"new hire"}})
	if resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(doc.Find(`#error-countries`).Text(), "pack") {
		t.Errorf("a country without a pack: %d %q", resp.StatusCode, doc.Find(`#error-countries`).Text())
	}
	if _, err := store.UserByUsername(context.Background(), e.db.Pool, "omar"); err == nil {
		t.Error("the account was created")
	}
}
