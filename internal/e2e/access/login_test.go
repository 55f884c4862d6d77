package access

import (
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/pquerna/otp/totp"

	"kycportal/internal/e2e"
)

func TestAgentLoginLogout(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t)
	agent := p.NewUser("agent")
	page := p.Page(t)

	if _, err := page.Goto("/login"); err != nil {
		t.Fatal(err)
	}
	username := page.GetByTestId("login-username")
	password := page.GetByTestId("login-password")
	e2e.Check(t, e2e.Expect.Locator(page.GetByLabel("Username", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToHaveAttribute("data-testid", "login-username"))
	e2e.Check(t, e2e.Expect.Locator(page.GetByLabel("Password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToHaveAttribute("data-testid", "login-password"))
	e2e.Check(t, e2e.Expect.Locator(username).ToHaveAttribute("name", "username"))
	e2e.Check(t, e2e.Expect.Locator(password).ToHaveAttribute("name", "password"))
	p.Capture(page, "login")

	e2e.Check(t, username.Fill(agent.Username))
	e2e.Check(t, password.Fill(agent.Password))
	e2e.Check(t, page.GetByTestId("login-submit").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("home")).ToBeVisible())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("current-user")).ToHaveText(agent.DisplayName))
	p.Capture(page, "home")
	// A page at rest animates nothing: an endless animation, even of something invisible,
	// keeps an old branch PC drawing frames all day.
	_, err := page.WaitForFunction(`() => !document.querySelector(".htmx-request")`, nil)
	e2e.Check(t, err)
	running, err := page.Evaluate(`() => document.getAnimations().filter((a) => a.playState === "running")
		.map((a) => a.animationName || a.constructor.name).join(", ")`)
	e2e.Check(t, err)
	if running != "" {
		t.Errorf("animations running on the home page at rest: %s", running)
	}
	for _, path := range []string{"/search", "/drafts", "/notifications", "/worklist", "/account/password"} {
		_, err := page.Goto(path) // each page an agent reaches from the menu, shot and checked
		e2e.Check(t, err)
		p.Capture(page, strings.ReplaceAll(strings.Trim(path, "/"), "/", "-"))
	}
	_, err = page.Goto("/")
	e2e.Check(t, err)
	session := sessionCookie(t, page)

	e2e.Check(t, page.GetByTestId("logout").Click())
	e2e.ExpectLoginPage(t, page)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("login-notice")).ToHaveText("You are signed out."))
	p.Capture(page, "logged-out")
	for _, c := range cookies(t, page) {
		if c.Name == session.Name && c.Value == session.Value {
			t.Errorf("session cookie %s kept its value after logout", c.Name)
		}
	}

	_, err = page.GoBack()
	e2e.Check(t, err)
	e2e.ExpectLoginPage(t, page)
	p.Capture(page, "back")

	_, err = page.Reload()
	e2e.Check(t, err)
	e2e.ExpectLoginPage(t, page)
	p.Capture(page, "reload")
}

// loginWithCode signs in a user with a second factor: the form asks for the code after the
// password, and takes the password again with it.
func loginWithCode(t *testing.T, p *e2e.Portal, page playwright.Page, u e2e.User, secret string) {
	t.Helper()
	e2e.SignIn(t, page, u)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("login-otp")).ToBeFocused())
	p.Capture(page, "login-code")
	code, err := totp.GenerateCode(secret, time.Now())
	e2e.Check(t, err)
	e2e.Check(t, page.GetByTestId("login-password").Fill(u.Password))
	e2e.Check(t, page.GetByTestId("login-otp").Fill(code))
	e2e.Check(t, page.GetByTestId("login-submit").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("home")).ToBeVisible())
}

// sessionCookie returns the signed-in session's cookie, after checking its attributes.
func sessionCookie(t *testing.T, page playwright.Page) playwright.Cookie {
	t.Helper()
	for _, c := range cookies(t, page) {
		if !strings.HasPrefix(c.Name, "__Host-") {
			continue
		}
		sameSite := "unset"
		if c.SameSite != nil {
			sameSite = string(*c.SameSite)
		}
		if !c.HttpOnly || !c.Secure || sameSite != "Lax" || c.Path != "/" {
			t.Errorf("session cookie %s: HttpOnly=%v Secure=%v SameSite=%s Path=%q; want true, true, Lax, /",
				c.Name, c.HttpOnly, c.Secure, sameSite, c.Path)
		}
		return c
	}
	t.Fatalf("no __Host- session cookie after login; cookies: %+v", cookies(t, page))
	return playwright.Cookie{}
}

func cookies(t *testing.T, page playwright.Page) []playwright.Cookie {
	t.Helper()
	cs, err := page.Context().Cookies()
	e2e.Check(t, err)
	return cs
}
