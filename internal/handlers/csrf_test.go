package handlers

import (
	"net/http"
	"net/url"
	"testing"

	"kycportal/internal/store"
)

// The shape follows Go's own csrf_test.go: every unsafe method from another site is
// refused before routing, and a same-origin request still needs the session's token.
func TestCSRF(t *testing.T) {
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
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
				c.login(name, pw)
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
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	resp := c.do(http.MethodPost, "/login", url.Values{"username": {name}, "password": {pw}})
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("login without a form token: status %d, want 403", resp.StatusCode)
	}
}
