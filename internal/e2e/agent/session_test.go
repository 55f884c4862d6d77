package agent

import (
	"net/http"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/e2e"
)

// TestIdleSessionUnderHtmx: with a 20 s idle timeout, an agent starts a draft and types a
// first name, which autosave keeps. In a new session the agent goes on typing, each value
// saved, until the session lapses: the next autosave (an htmx request) is answered
// HX-Redirect and the browser goes to the login page, not a login form swapped into the
// draft. Signed in again, the agent finds every saved value.
func TestIdleSessionUnderHtmx(t *testing.T) {
	t.Parallel()
	p := e2e.Start(t, "PORTAL_SESSION_IDLE=20s")
	agent := p.NewUser("agent")
	page := p.SignedIn(t, agent)
	draftURL := e2e.NewDraft(t, p, page, "AE", "4", "784-1985-0000005-8")
	if resp := autosave(t, page, draftURL, "first_name", "Layla"); resp.Status() != http.StatusOK {
		t.Fatalf("autosave within the first session: %d", resp.Status())
	}
	e2e.Check(t, page.GetByTestId("logout").Click())
	e2e.ExpectLoginPage(t, page) // the sign-out's own way to the login page, ended before the next
	e2e.Login(t, page, agent)
	_, err := page.Goto(draftURL)
	e2e.Check(t, err)

	// However slow the machine, every autosave of this session is either saved (200) or,
	// once the session has lapsed, sent to sign in (401).
	var lastName string
	for i := 0; ; i++ {
		value := []string{"Haddad", "Hadad"}[i%2]
		resp := autosave(t, page, draftURL, "last_name", value)
		if resp.Status() == http.StatusUnauthorized {
			if got := resp.Headers()["hx-redirect"]; got != "/login?why=expired" {
				t.Errorf("autosave after the idle timeout: HX-Redirect %q, want /login?why=expired", got)
			}
			break
		}
		if resp.Status() != http.StatusOK || i == 100 {
			t.Fatalf("autosave %d: %d; want 200 until the session lapses, 401 once it has", i+1, resp.Status())
		}
		lastName = value
	}
	e2e.ExpectLoginPage(t, page)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("login-notice")).ToContainText("Your session ended"))
	p.Capture(page, "idle-session-login")
	if n := e2e.CountEvents(t, p.DSN, "session.expired"); n != 1 {
		t.Errorf("%d session.expired events, want 1", n)
	}

	e2e.Login(t, page, agent)
	_, err = page.Goto(draftURL)
	e2e.Check(t, err)
	e2e.ExpectValue(t, page, "first_name", "Layla")
	e2e.ExpectValue(t, page, "last_name", lastName)
}

// autosave types value into the field called name and returns the answer to the autosave
// that follows (htmx sends it once typing pauses).
func autosave(t *testing.T, page playwright.Page, draftURL, name, value string) playwright.Response {
	t.Helper()
	resp, err := page.ExpectResponse(draftURL, func() error { return page.Locator("#f-" + name).Fill(value) })
	e2e.Check(t, err)
	return resp
}
