package e2e

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/playwright-community/playwright-go"
)

// SignedIn is a new page (Page) with u signed in on it.
func (p *Portal) SignedIn(t *testing.T, u User) playwright.Page {
	t.Helper()
	page := p.Page(t)
	Login(t, page, u)
	return page
}

// Login signs u in and waits for the home page.
func Login(t *testing.T, page playwright.Page, u User) {
	t.Helper()
	SignIn(t, page, u)
	Check(t, Expect.Locator(page.GetByTestId("home")).ToBeVisible())
}

// SignIn sends u's username and password from the login page.
func SignIn(t *testing.T, page playwright.Page, u User) {
	t.Helper()
	_, err := page.Goto("/login")
	Check(t, err)
	Check(t, page.GetByTestId("login-username").Fill(u.Username))
	Check(t, page.GetByTestId("login-password").Fill(u.Password))
	Check(t, page.GetByTestId("login-submit").Click())
}

// ExpectLoginPage asserts that page shows the login form and nothing of the home page.
func ExpectLoginPage(t *testing.T, page playwright.Page) {
	t.Helper()
	Check(t, Expect.Locator(page.GetByTestId("login-username")).ToBeVisible())
	Check(t, Expect.Locator(page.GetByTestId("home")).Not().ToBeAttached())
}

// ExpectLanguage expects the page in the language code, written in direction dir.
func ExpectLanguage(t *testing.T, page playwright.Page, code, dir string) {
	t.Helper()
	Check(t, Expect.Locator(page.Locator("html")).ToHaveAttribute("lang", code))
	Check(t, Expect.Locator(page.Locator("html")).ToHaveAttribute("dir", dir))
}

// Check stops the test on a failed action or assertion.
func Check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// CountEvents counts the audit events of action in the portal's database.
func CountEvents(t *testing.T, dsn, action string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	Check(t, err)
	defer conn.Close(ctx)
	var n int
	Check(t, conn.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n))
	return n
}
