package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/oidctest"
)

// ssoPortal is a portal signing in through a provider of its own holding users, whose
// directory maps the claims of oidctest.User; local login is as local says.
func ssoPortal(t *testing.T, localLogin string, users ...oidctest.User) (*Portal, *oidctest.Provider) {
	t.Helper()
	addr := freeAddr(t)
	callback := "http://" + addr + "/login/oidc/callback"
	op := oidctest.Start(t, users, callback)
	p := Start(t, "PORTAL_ADDR="+addr, "PORTAL_OIDC_ISSUER="+op.Issuer, "PORTAL_OIDC_NAME=Bank ID",
		"PORTAL_OIDC_CLIENT_ID="+oidctest.ClientID, "PORTAL_OIDC_CLIENT_SECRET="+oidctest.ClientSecret,
		"PORTAL_OIDC_REDIRECT_URL="+callback, "PORTAL_OIDC_SCOPES=openid profile phone",
		"PORTAL_OIDC_ROLE_CLAIM=family_name", "PORTAL_OIDC_AGENT_VALUES=kyc-agents",
		"PORTAL_OIDC_SUPERVISOR_VALUES=kyc-supervisors",
		"PORTAL_OIDC_BRANCH_CLAIM=phone_number", "PORTAL_OIDC_COUNTRIES_CLAIM=given_name",
		"PORTAL_LOCAL_LOGIN="+localLogin, "PORTAL_BREAK_GLASS_ADMIN=admin1")
	for _, u := range users {
		p.secrets = append(p.secrets, u.Password)
	}
	return p, op
}

// atProvider fills the provider's own login page, found by its labels.
func atProvider(t *testing.T, page playwright.Page, u oidctest.User) {
	t.Helper()
	check(t, page.GetByLabel("Username:").Fill(u.Username))
	check(t, page.GetByLabel("Password:").Fill(u.Password))
	check(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Login"}).Click())
}

// TestAgentSignsInThroughTheIdentityProvider: local passwords off, the agent signs in on the
// provider's own login page and lands on the home page with the role and branch of their
// directory entry (the claims mapping of oidctest.User), then signs out of both; signed in
// again, the directory takes her out of the group, and her next request ends her access.
func TestAgentSignsInThroughTheIdentityProvider(t *testing.T) {
	amira := oidctest.User{ID: "u-amira", Username: "amira.sso", Password: "provider password 1",
		FirstName: "AE MY", LastName: "kyc-agents", Phone: "DXB", PreferredLanguage: "en"}
	p, op := ssoPortal(t, "false", amira)
	p.NewUser("admin") // admin1, of branch DXB: the branch the directory names is one the portal knows
	page := p.Page(t)

	_, err := page.Goto("/login")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("login-sso")).ToHaveText("Sign in with Bank ID"))
	p.Capture(page, "login-sso")
	check(t, page.GetByTestId("login-sso").Click())
	atProvider(t, page, amira)

	check(t, expect.Locator(page.GetByTestId("home")).ToBeVisible())
	check(t, expect.Locator(page.GetByTestId("current-role")).ToHaveText("agent · branch DXB"))
	p.Capture(page, "home-sso")

	check(t, page.GetByTestId("logout").Click())
	check(t, expect.Locator(page.GetByText("signed out successfully")).ToBeVisible())
	_, err = page.Goto(p.URL + "/")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("login-sso")).ToBeVisible())

	// Signed in again, she is taken out of the group at the provider: her next request ends.
	check(t, page.GetByTestId("login-sso").Click())
	atProvider(t, page, amira)
	check(t, expect.Locator(page.GetByTestId("home")).ToBeVisible())
	amira.LastName = "former-staff"
	op.SetUsers([]oidctest.User{amira})
	_, err = page.Goto(p.URL + "/search")
	check(t, err)
	check(t, expect.Locator(page.GetByText("no longer grants you access")).ToBeVisible())
	check(t, expect.Locator(page.GetByTestId("login-sso")).ToBeVisible())
	p.Capture(page, "login-sso-access-ended")
}

// TestCheckerStepsUpAtTheIdentityProvider: a supervisor signed in through the provider
// approves a case by signing in again on the provider's page, and is back on the case,
// approved.
func TestCheckerStepsUpAtTheIdentityProvider(t *testing.T) {
	sara := oidctest.User{ID: "u-sara", Username: "sara.sso", Password: "provider password 2",
		FirstName: "AE", LastName: "kyc-supervisors", Phone: "DXB", PreferredLanguage: "en"}
	p, _ := ssoPortal(t, "true", sara)
	agent := p.NewUser("agent")
	page := p.Page(t)
	login(t, page, agent)
	draftURL := buildDraft(t, p, page, "AE", "4", "784-1985-0000005-8", layla,
		[]string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"})
	submit(t, page, draftURL, "awaiting approval")

	checker := p.Page(t)
	_, err := checker.Goto("/login")
	check(t, err)
	check(t, checker.GetByTestId("login-sso").Click())
	atProvider(t, checker, sara)
	check(t, expect.Locator(checker.GetByTestId("home")).ToBeVisible())
	openCase(t, checker)
	check(t, expect.Locator(checker.GetByTestId("step-up-provider")).ToContainText("confirm it is you at Bank ID"))
	p.Capture(checker, "approval-step-up-sso")
	check(t, checker.GetByTestId("approve").Click())
	atProvider(t, checker, sara) // the provider asks again, though she signed in a moment ago
	check(t, expect.Locator(checker.GetByTestId("approval-state")).Not().ToHaveText("awaiting approval"))
}
