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

	"kycportal/internal/auth"
	"kycportal/internal/store"
)

// loginStatus posts one sign-in from c and returns the answer's status.
func loginStatus(t *testing.T, c *client, username, password string) int {
	t.Helper()
	if c.csrf == "" {
		c.page("/login")
	}
	resp := c.post("/login", url.Values{"username": {username}, "password": {password}})
	resp.Body.Close()
	return resp.StatusCode
}

// TestGuessesElsewhereNeverLockTheRightfulUser: five wrong passwords for a username from one
// address lock that username at that address only; its owner signs in from another.
func TestGuessesElsewhereNeverLockTheRightfulUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAdmin)
	guesser := e.clientFrom("127.0.0.50")
	for i := 1; i <= auth.FreeFailures; i++ {
		want := http.StatusUnauthorized
		if i == auth.FreeFailures {
			want = http.StatusTooManyRequests
		}
		if got := loginStatus(t, guesser, name, "a wrong guess "+fmt.Sprint(i)); got != want {
			t.Fatalf("guess %d: %d, want %d", i, got, want)
		}
	}
	if got := loginStatus(t, guesser, name, pw); got != http.StatusTooManyRequests {
		t.Errorf("the right password from the guessing address: %d, want 429", got)
	}
	if got := loginStatus(t, e.clientFrom("127.0.0.60"), name, pw); got != http.StatusSeeOther {
		t.Errorf("the owner from another address: %d, want 303", got)
	}
}

// TestThrottlingDecays: a count forgets one failure for every quiet DecayStep, so a lock
// does not grow forever; once the count is down, a wrong guess is just a wrong guess.
func TestThrottlingDecays(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, _ := e.user(store.RoleAgent)
	c := e.clientFrom("127.0.0.51")
	for i := 1; i <= auth.FreeFailures; i++ {
		loginStatus(t, c, name, "a wrong guess")
	}
	e.clock.Advance(time.Duration(auth.FreeFailures) * auth.DecayStep)
	if got := loginStatus(t, c, name, "a wrong guess"); got != http.StatusUnauthorized {
		t.Errorf("a wrong guess after %s of quiet: %d, want 401", time.Duration(auth.FreeFailures)*auth.DecayStep, got)
	}
}

// TestUsernameSlowdownNeverRefuses: guesses at one username spread over many addresses slow
// every later check of it (the wait grows with the count), and still its owner signs in.
func TestUsernameSlowdownNeverRefuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	guesses := auth.FreeUsernameFailures + 2
	for i := range guesses {
		if got := loginStatus(t, e.clientFrom(fmt.Sprintf("127.0.1.%d", i+1)), name, "a wrong guess"); got != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i+1, got)
		}
	}
	before := time.Duration(e.waited.Load())
	if before < auth.DelayFor(auth.FreeUsernameFailures) {
		t.Errorf(
			"guesses past %d waited %s in all, want at least %s",
			auth.FreeUsernameFailures,
			before,
			auth.DelayFor(auth.FreeUsernameFailures),
		)
	}
	if got := loginStatus(t, e.clientFrom("127.0.2.1"), name, pw); got != http.StatusSeeOther {
		t.Errorf("the owner after %d guesses from elsewhere: %d, want 303", guesses, got)
	}
	if waited := time.Duration(e.waited.Load()) - before; waited != auth.DelayFor(guesses) {
		t.Errorf("the owner waited %s, want %s", waited, auth.DelayFor(guesses))
	}
}

// TestPasswordChecksShareOneThrottle: wrong current passwords on the password page count as
// failed sign-ins of the user at that address, audited: the page locks, and so does sign-in.
func TestPasswordChecksShareOneThrottle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.login(name, pw)
	for i := 1; i <= auth.FreeFailures; i++ {
		resp := c.changePassword("not it "+fmt.Sprint(i), "a new and longer phrase")
		body := readBody(t, resp)
		want := http.StatusUnprocessableEntity
		if i == auth.FreeFailures {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("wrong current password %d: %d, want %d", i, resp.StatusCode, want)
		}
		if i == 1 && !strings.Contains(body, "current password is not right") {
			t.Error("the page does not say the current password is wrong")
		}
	}
	resp := c.changePassword(pw, "a new and longer phrase")
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right current password while locked: %d, want 429", resp.StatusCode)
	}
	if got := loginStatus(t, e.client(), name, pw); got != http.StatusTooManyRequests {
		t.Errorf("signing in from the same address: %d, want 429", got)
	}
	actions := e.auditActions()
	refused := 0
	for _, a := range actions {
		if a == "user.password_refused" {
			refused++
		}
	}
	if refused != auth.FreeFailures || !slices.Contains(actions, "login.locked") {
		t.Errorf("%d user.password_refused events (want %d) and login.locked in %v", refused, auth.FreeFailures, actions)
	}
}

// TestAdminUnlocks: an administrator's unlock (the page's action) forgets the account's
// failures at every address, audited with its reason; the address's own count stays.
func TestAdminUnlocks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	guesser := e.clientFrom("127.0.0.52")
	for range auth.FreeFailures {
		loginStatus(t, guesser, name, "a wrong guess")
	}
	adminName, adminPW := e.user(store.RoleAdmin)
	admin := e.client()
	admin.login(adminName, adminPW)
	var id int64
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT id FROM users WHERE username = $1`, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	admin.page(fmt.Sprintf("/admin/users/%d", id))
	resp := admin.post(fmt.Sprintf("/admin/users/%d/unlock", id), url.Values{"reason": {"called the help desk"}})
	if body := readBody(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Sign-in unlocked") {
		t.Fatalf("unlock: %d", resp.StatusCode)
	}
	if got := loginStatus(t, guesser, name, pw); got != http.StatusSeeOther {
		t.Errorf("the right password from the unlocked address: %d, want 303", got)
	}
	if reason, _, after := e.lastEvent("user.unlocked"); reason != "called the help desk" ||
		!strings.Contains(after, `"throttling_keys_cleared": 2`) {
		t.Errorf("user.unlocked recorded as %q %s", reason, after)
	}
	var left int
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM login_failures WHERE key = 'ip:127.0.0.52'`).Scan(&left); err != nil ||
		left != 1 {
		t.Errorf("the address's own count: %d rows (%v), want kept", left, err)
	}
}
