package access

import (
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/e2e"
	"kycportal/internal/oidctest"
)

// ssoPortal is a portal signing in through a provider of its own holding users, whose
// directory maps the claims of oidctest.User; local login is as local says.
func ssoPortal(t *testing.T, localLogin string, users ...oidctest.User) (*e2e.Portal, *oidctest.Provider) {
	t.Helper()
	addr, err := e2e.FreeAddr()
	e2e.Check(t, err)
	callback := "http://" + addr + "/login/oidc/callback"
	op := oidctest.Start(t, users, callback)
	p := e2e.Start(t, "PORTAL_ADDR="+addr, "PORTAL_OIDC_ISSUER="+op.Issuer, "PORTAL_OIDC_NAME=Bank ID",
		"PORTAL_OIDC_CLIENT_ID="+oidctest.ClientID, "PORTAL_OIDC_CLIENT_SECRET="+oidctest.ClientSecret,
		"PORTAL_OIDC_REDIRECT_URL="+callback, "PORTAL_OIDC_SCOPES=openid profile phone",
		"PORTAL_OIDC_ROLE_CLAIM=family_name", "PORTAL_OIDC_AGENT_VALUES=kyc-agents",
		"PORTAL_OIDC_SUPERVISOR_VALUES=kyc-supervisors",
		"PORTAL_OIDC_BRANCH_CLAIM=phone_number", "PORTAL_OIDC_COUNTRIES_CLAIM=given_name",
		"PORTAL_LOCAL_LOGIN="+localLogin, "PORTAL_BREAK_GLASS_ADMIN=admin1")
	for _, u := range users {
		p.AddSecret(u.Password)
	}
	return p, op
}

// atProvider fills the provider's own login page, found by its labels.
func atProvider(t *testing.T, page playwright.Page, u oidctest.User) {
	t.Helper()
	e2e.Check(t, page.GetByLabel("Username:").Fill(u.Username))
	e2e.Check(t, page.GetByLabel("Password:").Fill(u.Password))
	e2e.Check(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Login"}).Click())
}

// TestAgentSignsInThroughTheIdentityProvider: local passwords off, the agent signs in on the
// provider's own login page and lands on the home page with the role and branch of their
// directory entry (the claims mapping of oidctest.User), then signs out of both; signed in
// again, the directory takes her out of the group, and her next request ends her access.
func TestAgentSignsInThroughTheIdentityProvider(t *testing.T) {
	t.Parallel()
	amira := oidctest.User{ID: "u-amira", Username: "amira.sso", Password: "provider password 1",
		FirstName: "AE MY", LastName: "kyc-agents", Phone: "DXB", PreferredLanguage: "en"}
	p, op := ssoPortal(t, "false", amira)
	p.NewUser("admin") // admin1, of branch DXB: the branch the directory names is one the portal knows
	page := p.Page(t)

	_, err := page.Goto("/login")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("login-sso")).ToHaveText("Sign in with Bank ID"))
	p.Capture(page, "login-sso")
	e2e.Check(t, page.GetByTestId("login-sso").Click())
	atProvider(t, page, amira)

	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("home")).ToBeVisible())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("current-role")).ToHaveText("agent · branch DXB"))
	p.Capture(page, "home-sso")

	e2e.Check(t, page.GetByTestId("logout").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByText("signed out successfully")).ToBeVisible())
	_, err = page.Goto(p.URL + "/")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("login-sso")).ToBeVisible())

	// Signed in again, she is taken out of the group at the provider: her next request ends.
	e2e.Check(t, page.GetByTestId("login-sso").Click())
	atProvider(t, page, amira)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("home")).ToBeVisible())
	amira.LastName = "former-staff"
	op.SetUsers([]oidctest.User{amira})
	// Her next request is the Goto, or the open home page's inbox poll sent first, whose
	// redirect to the login page then aborts the Goto: either ends her access.
	if _, err = page.Goto(p.URL + "/search"); err != nil && !strings.Contains(err.Error(), "net::ERR_ABORTED") {
		t.Fatal(err)
	}
	e2e.Check(t, e2e.Expect.Locator(page.GetByText("no longer grants you access")).ToBeVisible())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("login-sso")).ToBeVisible())
	p.Capture(page, "login-sso-access-ended")
}

// TestCheckerStepsUpAtTheIdentityProvider: a supervisor signed in through the provider
// approves a case by signing in again on the provider's page, and is back on the case,
// approved.
func TestCheckerStepsUpAtTheIdentityProvider(t *testing.T) {
	t.Parallel()
	sara := oidctest.User{ID: "u-sara", Username: "sara.sso", Password: "provider password 2",
		FirstName: "AE", LastName: "kyc-supervisors", Phone: "DXB", PreferredLanguage: "en"}
	p, _ := ssoPortal(t, "true", sara)
	agent := p.NewUser("agent")
	page := p.SignedIn(t, agent)
	draftURL := e2e.BuildDraft(t, p, page, "AE", "4", "784-1985-0000005-8", layla,
		[]string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"})
	e2e.Submit(t, page, draftURL, "awaiting approval")

	checker := p.Page(t)
	_, err := checker.Goto("/login")
	e2e.Check(t, err)
	e2e.Check(t, checker.GetByTestId("login-sso").Click())
	atProvider(t, checker, sara)
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("home")).ToBeVisible())
	e2e.OpenCase(t, checker)
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("step-up-provider")).ToContainText("confirm it is you at Bank ID"))
	p.Capture(checker, "approval-step-up-sso")
	e2e.Check(t, checker.GetByTestId("approve").Click())
	atProvider(t, checker, sara) // the provider asks again, though she signed in a moment ago
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("approval-state")).Not().ToHaveText("awaiting approval"))
}
