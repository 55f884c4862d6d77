package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kycportal/internal/store"
)

// badTexts are the bytes the input gate refuses: NUL, invalid UTF-8, C0 and C1 controls, DEL.
var badTexts = []string{"\x00", "a\x00b", "\xff", "x\xfe\xff", "\x1b[31m", "a\x7f", "a\u0085b", "a\x01"}

// TestInputGateOnEveryRoute walks every route of the route table, as a role the matrix lets
// through with a valid session and token, and puts each bad text into each path parameter,
// a query value, a query key and a form value in turn: every request is the gate's 400, and
// no ERROR line is logged.
func TestInputGateOnEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	clients := e.matrixClients()
	walked := map[string]bool{}
	for _, row := range readMatrix(t) {
		if strings.Contains(row.request, "{other}") || walked[row.method+" "+row.route] {
			continue
		}
		walked[row.method+" "+row.route] = true
		c := clients[allowedRole(row)]
		for _, bad := range badTexts {
			for _, path := range badPaths(row.route, row.request, bad) {
				checkRefused(t, c, row.method, path, nil)
			}
			checkRefused(t, c, row.method, row.request+"?"+url.Values{"v": {bad}}.Encode(), nil)
			checkRefused(t, c, row.method, row.request+"?"+url.Values{bad: {"1"}}.Encode(), nil)
			if row.method == http.MethodPost {
				checkRefused(t, c, row.method, row.request, url.Values{"v": {"ok"}, "reason": {"x" + bad}})
			}
		}
	}
	if len(walked) != len(e.echo.Routes()) {
		t.Errorf("walked %d routes of %d", len(walked), len(e.echo.Routes()))
	}
	for _, line := range strings.Split(e.logs.String(), "\n") {
		if strings.Contains(line, `"level":"ERROR"`) {
			t.Errorf("logged: %s", line)
		}
	}
}

// TestInputGateReproductions are the requests a black-box probe once turned into 500s, each
// with the field its handler reads; text with tabs and line breaks still reaches a form.
func TestInputGateReproductions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent, admin := e.client(), e.client()
	name, pw := e.user(store.RoleAgent)
	agent.login(name, pw)
	name, pw = e.user(store.RoleAdmin)
	admin.login(name, pw)
	anon := e.client()
	anon.page("/login")
	cases := []struct {
		c            *client
		method, path string
		form         url.Values
	}{
		{anon, http.MethodPost, "/login", url.Values{"username": {"a\x00"}, "password": {"x"}}},
		{agent, http.MethodPost, "/drafts/1/discard", url.Values{"reason": {"\x00"}}},
		{agent, http.MethodPost, "/drafts/1", url.Values{"branch": {"x\x00"}}},
		{agent, http.MethodPost, "/search/records", url.Values{"after_name": {"\xff"}}},
		{admin, http.MethodPost, "/admin/users/1/disable", url.Values{"reason": {"\x00"}}},
		{admin, http.MethodPost, "/admin/users", url.Values{"display_name": {"\x00"}}},
		{admin, http.MethodPost, "/admin/users/1/sessions/%00/end", url.Values{"reason": {"ok"}}},
	}
	for _, tc := range cases {
		checkRefused(t, tc.c, tc.method, tc.path, tc.form)
	}
	resp := anon.post("/login", url.Values{"username": {"nobody"}, "password": {"line one\nline\ttwo"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a password with a tab and a line break: %d, want 401 (wrong credentials)", resp.StatusCode)
	}
}

func checkRefused(t *testing.T, c *client, method, path string, form url.Values) {
	t.Helper()
	if method == http.MethodPost {
		if form == nil {
			form = url.Values{}
		}
		form.Set("_csrf", c.csrf)
	}
	resp := c.do(method, path, form)
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "does not accept") {
		t.Errorf("%s %q form %q: %d, want the input gate's 400", method, path, form, resp.StatusCode)
	}
}

// badPaths is the request path with bad in each of the route's parameters in turn.
func badPaths(route, request, bad string) []string {
	pattern, segments := strings.Split(route, "/"), strings.Split(request, "/")
	var out []string
	for i, p := range pattern {
		if strings.HasPrefix(p, ":") || p == "*" {
			s := append([]string{}, segments...)
			s[i] = url.PathEscape(bad)
			out = append(out, strings.Join(s, "/"))
		}
	}
	return out
}
