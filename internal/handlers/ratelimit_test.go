package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kycportal/internal/auth"
	"kycportal/internal/store"
)

// TestLoginLockedPageSaysWhen: the locked answer is a 429 page that says when to come back,
// in words and in Retry-After.
func TestLoginLockedPageSaysWhen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, _ := e.user(store.RoleAgent)
	c := e.client()
	c.page("/login")
	var resp *http.Response
	for range auth.FreeFailures {
		resp = c.post("/login", url.Values{"username": {name}, "password": {"not the password at all"}})
	}
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "30" ||
		!strings.Contains(body, "try again after 09:00:30 UTC") {
		t.Errorf(
			"locked: %d, Retry-After %q; want 429, 30 and the time in the page",
			resp.StatusCode,
			resp.Header.Get("Retry-After"),
		)
	}
}

// TestLoginThrottlesAnAddress: failures spread over many usernames from one address lock
// the address, so that guessing across accounts is slowed as much as guessing one; a right
// password from there waits too.
func TestLoginThrottlesAnAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.page("/login")
	for i := 1; i <= auth.FreeAddressFailures; i++ {
		resp := c.post("/login", url.Values{"username": {fmt.Sprintf("guess-%d", i)}, "password": {"a guessed password"}})
		resp.Body.Close()
		want := http.StatusUnauthorized
		if i == auth.FreeAddressFailures {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("failure %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
	resp := c.post("/login", url.Values{"username": {name}, "password": {pw}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a right password from the locked address: %d, want 429", resp.StatusCode)
	}
}
