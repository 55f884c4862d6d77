package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kycportal/internal/cdp"
	"kycportal/internal/store"
)

// The shape follows Go's own csrf_test.go: every unsafe method from another site is
// refused before routing, and a same-origin request still needs the session's token.
func TestCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, _ := e.user(store.RoleAgent)
	unsafe := []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	cases := []struct {
		name    string
		methods []string
		token   string // "valid" uses the session's token
		header  bool   // send the token as X-CSRF-Token instead of _csrf
		extra   []string
		want    int
	}{
		{"cross-site fetch", unsafe, "valid", false, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"same-site fetch", unsafe, "valid", false, []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"mismatched origin", unsafe, "valid", false, []string{"Origin", "https://evil.example"}, 403},
		{"missing token", []string{http.MethodPost}, "", false, nil, 403},
		{"wrong token", []string{http.MethodPost}, "forged-token-value", false, nil, 403},
		{"wrong header token", []string{http.MethodPost}, "forged-token-value", true, nil, 403},
		{"same-origin with token", []string{http.MethodPost}, "valid", false, []string{"Sec-Fetch-Site", "same-origin"}, 303},
		{"htmx header token", []string{http.MethodPost}, "valid", true, []string{"HX-Request", "true"}, 303},
		{"no fetch metadata, token", []string{http.MethodPost}, "valid", false, nil, 303},
	}
	for _, tc := range cases {
		for _, method := range tc.methods {
			t.Run(tc.name+" "+method, func(t *testing.T) {
				c := e.client()
				c.signIn(name)
				token := tc.token
				if token == "valid" {
					token = c.csrf
				}
				form := url.Values{}
				extra := tc.extra
				if tc.header {
					extra = append(extra, "X-CSRF-Token", token)
				} else if token != "" {
					form.Set("_csrf", token)
				}
				resp := c.do(method, "/logout", form, extra...)
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Fatalf("status = %d, want %d", resp.StatusCode, tc.want)
				}
				// A refused logout leaves the session alive; an accepted one ends it.
				home := c.do(http.MethodGet, "/", nil)
				home.Body.Close()
				if signedIn := home.StatusCode == 200; signedIn != (tc.want == 403) {
					t.Errorf("after status %d the session is signed in = %v", resp.StatusCode, signedIn)
				}
			})
		}
	}
}

// A login form posted without the pre-login session's token is refused (login CSRF).
func TestLoginNeedsItsFormToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	resp := c.do(http.MethodPost, "/login", url.Values{"username": {name}, "password": {pw}})
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("login without a form token: status %d, want 403", resp.StatusCode)
	}
}

// TestCSRFOnEveryUnsafeRoute: every unsafe route of the matrix, sent by a role that may use
// it, is refused without the session's token and from another site. The CDP's callback is
// the one exception: no browser sends it, and its own signature stands in (TestAMLAlertClosureCallback).
func TestCSRFOnEveryUnsafeRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	clients := e.matrixClients()
	for _, row := range readMatrix(t) {
		// Server-to-server callbacks carry a signature or a signed token instead (their own tests).
		if row.method == http.MethodGet || row.route == cdp.CallbackPath || row.route == BackchannelLogoutPath {
			continue
		}
		c := clients[allowedRole(row)]
		for _, tc := range []struct {
			form  url.Values
			extra []string
			says  string
		}{
			{url.Values{}, nil, "did not come from the portal"},
			{url.Values{"_csrf": {c.csrf}}, []string{"Sec-Fetch-Site", "cross-site"}, "from other sites are refused"},
		} {
			resp := c.do(row.method, row.request, tc.form, tc.extra...)
			if body := readBody(t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, tc.says) {
				t.Errorf(
					"%s %s as %s %v: %d, want 403 saying %q",
					row.method,
					row.request,
					allowedRole(row),
					tc.extra,
					resp.StatusCode,
					tc.says,
				)
			}
		}
	}
}

// allowedRole is the first signed-in role the matrix does not refuse on a route, so that a
// refusal is the CSRF check's and not the role check's. (A request without a signed-in user
// is sent to sign in before any token is read.)
func allowedRole(row matrixRow) string {
	for _, role := range matrixRoles[1:] {
		if row.want[role] != http.StatusForbidden {
			return role
		}
	}
	return "anonymous"
}
