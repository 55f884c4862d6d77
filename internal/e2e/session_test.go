package e2e

import (
	"net/http"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// TestIdleSessionUnderHtmx: with a 5 s idle timeout, an agent types into a draft and
// autosave keeps each value. Once the session has lapsed, the next autosave (an htmx
// request) is answered HX-Redirect and the browser goes to the login page, not a login
// form swapped into the draft; signed in again, the agent finds every saved value.
func TestIdleSessionUnderHtmx(t *testing.T) {
	p := Start(t, "PORTAL_SESSION_IDLE=5s")
	agent := p.NewUser("agent")
	page := p.Page(t)
	login(t, page, agent)
	draftURL := newDraft(t, p, page, "AE", "4", "784-1985-0000005-8")
	// A new session: its 5 s (exact to the minute the portal touches sessions at) start now.
	check(t, page.GetByTestId("logout").Click())
	login(t, page, agent)
	_, err := page.Goto(draftURL)
	check(t, err)
	if resp := autosave(t, page, draftURL, "first_name", "Layla"); resp.Status() != http.StatusOK {
		t.Fatalf("first autosave of a new session: %d", resp.Status())
	}

	// The agent goes on typing, each value saved, until the session lapses.
	var lastName string
	for i := 0; ; i++ {
		value := []string{"Haddad", "Hadad"}[i%2]
		resp := autosave(t, page, draftURL, "last_name", value)
		if resp.Status() == http.StatusUnauthorized {
			if got := resp.Headers()["hx-redirect"]; got != "/login" {
				t.Errorf("autosave after the idle timeout: HX-Redirect %q, want /login", got)
			}
			break
		}
		if resp.Status() != http.StatusOK || i == 50 {
			t.Fatalf("autosave %d: %d; want 200 until the session lapses, 401 once it has", i+1, resp.Status())
		}
		lastName = value
	}
	expectLoginPage(t, page)
	p.Capture(page, "idle-session-login")
	if n := countEvents(t, p.DSN, "session.expired"); n != 1 {
		t.Errorf("%d session.expired events, want 1", n)
	}

	login(t, page, agent)
	_, err = page.Goto(draftURL)
	check(t, err)
	expectValue(t, page, "first_name", "Layla")
	expectValue(t, page, "last_name", lastName)
}

// autosave types value into the field called name and returns the answer to the autosave
// that follows (htmx sends it once typing pauses).
func autosave(t *testing.T, page playwright.Page, draftURL, name, value string) playwright.Response {
	t.Helper()
	resp, err := page.ExpectResponse(draftURL, func() error { return page.Locator("#f-" + name).Fill(value) })
	check(t, err)
	return resp
}
