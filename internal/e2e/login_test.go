package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/pquerna/otp/totp"
)

func TestAgentLoginLogout(t *testing.T) {
	t.Parallel()
	p := Start(t)
	agent := p.NewUser("agent")
	page := p.Page(t)

	if _, err := page.Goto("/login"); err != nil {
		t.Fatal(err)
	}
	username := page.GetByTestId("login-username")
	password := page.GetByTestId("login-password")
	check(t, expect.Locator(page.GetByLabel("Username", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToHaveAttribute("data-testid", "login-username"))
	check(t, expect.Locator(page.GetByLabel("Password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToHaveAttribute("data-testid", "login-password"))
	check(t, expect.Locator(username).ToHaveAttribute("name", "username"))
	check(t, expect.Locator(password).ToHaveAttribute("name", "password"))
	p.Capture(page, "login")

	check(t, username.Fill(agent.Username))
	check(t, password.Fill(agent.Password))
	check(t, page.GetByTestId("login-submit").Click())
	check(t, expect.Locator(page.GetByTestId("home")).ToBeVisible())
	check(t, expect.Locator(page.GetByTestId("current-user")).ToHaveText(agent.DisplayName))
	p.Capture(page, "home")
	for _, path := range []string{"/search", "/drafts", "/notifications", "/worklist", "/account/password"} {
		_, err := page.Goto(path) // each page an agent reaches from the menu, shot and checked
		check(t, err)
		p.Capture(page, strings.ReplaceAll(strings.Trim(path, "/"), "/", "-"))
	}
	_, err := page.Goto("/")
	check(t, err)
	session := sessionCookie(t, page)

	check(t, page.GetByTestId("logout").Click())
	expectLoginPage(t, page)
	check(t, expect.Locator(page.GetByTestId("login-notice")).ToHaveText("You are signed out."))
	p.Capture(page, "logged-out")
	for _, c := range cookies(t, page) {
		if c.Name == session.Name && c.Value == session.Value {
			t.Errorf("session cookie %s kept its value after logout", c.Name)
		}
	}

	_, err = page.GoBack()
	check(t, err)
	expectLoginPage(t, page)
	p.Capture(page, "back")

	_, err = page.Reload()
	check(t, err)
	expectLoginPage(t, page)
	p.Capture(page, "reload")
}

// loginWithCode signs in a user with a second factor: the form asks for the code after the
// password, and takes the password again with it.
func loginWithCode(t *testing.T, p *Portal, page playwright.Page, u User, secret string) {
	t.Helper()
	signIn(t, page, u)
	check(t, expect.Locator(page.GetByTestId("login-otp")).ToBeFocused())
	p.Capture(page, "login-code")
	code, err := totp.GenerateCode(secret, time.Now())
	check(t, err)
	check(t, page.GetByTestId("login-password").Fill(u.Password))
	check(t, page.GetByTestId("login-otp").Fill(code))
	check(t, page.GetByTestId("login-submit").Click())
	check(t, expect.Locator(page.GetByTestId("home")).ToBeVisible())
}

// expectLoginPage asserts that page shows the login form and nothing of the home page.
func expectLoginPage(t *testing.T, page playwright.Page) {
	t.Helper()
	check(t, expect.Locator(page.GetByTestId("login-username")).ToBeVisible())
	check(t, expect.Locator(page.GetByTestId("home")).Not().ToBeAttached())
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
	check(t, err)
	return cs
}

// check stops the test on a failed action or assertion.
func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
