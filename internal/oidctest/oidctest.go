// Package oidctest runs a real OpenID provider for the tests: the example provider of
// github.com/zitadel/oidc (a maintained implementation, with its own login page), built once
// by scripts/test.sh into .tools/bin from ./provider, which reads its directory of users
// from a file at every look-up. Each test starts its own on a free port, with its own
// directory, so that a test can change what the directory says while a user is signed in
// (docs/deploy.md explains why, and how its users carry the claims).
package oidctest

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ClientID and ClientSecret are the example provider's confidential web client; OtherClientID
// is a second client of it with the same secret, for tokens meant for someone else.
const (
	ClientID      = "web"
	ClientSecret  = "secret"
	OtherClientID = "api"
)

// User is an account in the provider's directory, in the example provider's file format.
// The provider has no groups or custom attributes: the tests carry the role in LastName
// (claim family_name), the branch in Phone (phone_number) and the countries in FirstName
// (given_name).
type User struct {
	ID                string
	Username          string
	Password          string
	FirstName         string
	LastName          string
	Email             string
	EmailVerified     bool
	Phone             string
	PreferredLanguage string
}

// Provider is a running example provider.
type Provider struct {
	Issuer string // http://localhost:<port>/, as the provider names itself

	t      *testing.T
	users  string // the directory's file, read by the provider at every look-up
	logout string // holds where the provider posts back-channel logout tokens
	stop   func()
}

// SendLogoutTo makes the provider post a back-channel logout token to uri whenever a user
// signs out at its end-session endpoint.
func (p *Provider) SendLogoutTo(uri string) {
	p.t.Helper()
	if err := os.WriteFile(p.logout, []byte(uri), 0o600); err != nil {
		p.t.Fatal(err)
	}
}

// Stop ends the provider before the test does, as in an outage.
func (p *Provider) Stop() { p.stop() }

// Start runs the provider with users until t ends; redirectURIs are the client's allowed
// redirect addresses.
func Start(t *testing.T, users []User, redirectURIs ...string) *Provider {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	_ = l.Close()
	dir := t.TempDir()
	p := &Provider{Issuer: "http://localhost:" + port + "/", t: t, users: filepath.Join(dir, "users.json"),
		logout: filepath.Join(dir, "backchannel-logout")}
	p.SetUsers(users)
	log, err := os.OpenFile(
		filepath.Join(dir, "provider.log"),
		os.O_CREATE|os.O_APPEND|os.O_WRONLY,
		0o600,
	) // #nosec G304 -- the test's own temporary folder
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary(t)) // #nosec G204 -- the provider make test built
	cmd.Env = append(os.Environ(), "PORT="+port, "USERS_FILE="+p.users, "BACKCHANNEL_LOGOUT_FILE="+p.logout,
		"REDIRECT_URI="+strings.Join(redirectURIs, ","))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	p.stop = sync.OnceFunc(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		_ = log.Close()
	})
	t.Cleanup(p.stop)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			t.Fatalf("the OpenID provider exited at start; see %s", log.Name())
		case <-time.After(50 * time.Millisecond):
		}
		resp, err := http.Get(p.Issuer + ".well-known/openid-configuration")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
	}
	t.Fatalf("the OpenID provider did not serve its discovery document within 20s; see %s", log.Name())
	return nil
}

// SetUsers replaces the provider's directory, as when an administrator edits a user's
// groups: its next look-up (a sign-in, the userinfo endpoint, a token refresh) reads it.
// The file is replaced whole, so the provider never reads half of it.
func (p *Provider) SetUsers(users []User) {
	p.t.Helper()
	byID := map[string]User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	b, err := json.Marshal(byID) // #nosec G117 -- the test provider's own users file, with test passwords
	if err != nil {
		p.t.Fatal(err)
	}
	next := p.users + ".next"
	if err := os.WriteFile(next, b, 0o600); err != nil {
		p.t.Fatal(err)
	}
	if err := os.Rename(next, p.users); err != nil {
		p.t.Fatal(err)
	}
}

// binary is the provider built by scripts/test.sh (PORTAL_TEST_OIDC_PROVIDER names it).
func binary(t *testing.T) string {
	t.Helper()
	path := os.Getenv("PORTAL_TEST_OIDC_PROVIDER")
	if path == "" {
		path = filepath.Join(repoRoot(t), ".tools", "bin", "server")
	}
	if _, err := os.Stat(path); err != nil { // #nosec G703 -- the tools folder or the path make test exports
		t.Fatalf("no OpenID provider for the tests (%v): run `make test`, or "+
			"go build -o .tools/bin/server ./internal/oidctest/provider", err)
	}
	return path
}

func repoRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// SignIn plays the browser on the provider's own login page: from the authorization address
// the portal sent, through the page's form with username and password, to the redirect back
// to the portal, whose address it returns (with the code and state).
func (p *Provider) SignIn(authURL, username, password string) *url.URL {
	p.t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	next, form := authURL, url.Values(nil)
	for range 10 {
		var resp *http.Response
		var err error
		if form != nil {
			resp, err = noFollow.PostForm(next, form)
		} else {
			resp, err = noFollow.Get(next)
		}
		if err != nil {
			p.t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		form = nil
		loc, err := resp.Location()
		switch {
		case err == nil && !strings.HasPrefix(loc.String(), strings.TrimSuffix(p.Issuer, "/")):
			return loc // back to the portal
		case err == nil:
			next = loc.String()
		case resp.StatusCode == http.StatusOK && strings.Contains(string(body), `name="password"`):
			id := loginRequestID(string(body))
			next, form = p.Issuer+"login/username", url.Values{"id": {id}, "username": {username}, "password": {password}}
		default:
			p.t.Fatalf("the provider answered %d at %s:\n%s", resp.StatusCode, next, body)
		}
	}
	p.t.Fatal("the provider never sent the browser back")
	return nil
}

// loginRequestID reads the hidden auth request id of the provider's login page.
func loginRequestID(page string) string {
	const marker = `name="id" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		return ""
	}
	rest := page[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}
