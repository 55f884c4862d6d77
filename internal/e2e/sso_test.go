package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/oidctest"
)

// TestAgentSignsInThroughTheIdentityProvider: local passwords off, the agent signs in on the
// provider's own login page and lands on the home page with the role and branch of their
// directory entry (the claims mapping of oidctest.User), then signs out of both; signed in
// again, the directory takes her out of the group, and her next request ends her access.
func TestAgentSignsInThroughTheIdentityProvider(t *testing.T) {
	addr := freeAddr(t)
	callback := "http://" + addr + "/login/oidc/callback"
	amira := oidctest.User{ID: "u-amira", Username: "amira.sso", Password: "provider password 1",
		FirstName: "AE MY", LastName: "kyc-agents", Phone: "DXB", PreferredLanguage: "en"}
	op := oidctest.Start(t, []oidctest.User{amira}, callback)
	p := Start(t, "PORTAL_ADDR="+addr, "PORTAL_OIDC_ISSUER="+op.Issuer, "PORTAL_OIDC_NAME=Bank ID",
		"PORTAL_OIDC_CLIENT_ID="+oidctest.ClientID, "PORTAL_OIDC_CLIENT_SECRET="+oidctest.ClientSecret,
		"PORTAL_OIDC_REDIRECT_URL="+callback, "PORTAL_OIDC_SCOPES=openid profile phone",
		"PORTAL_OIDC_ROLE_CLAIM=family_name", "PORTAL_OIDC_AGENT_VALUES=kyc-agents",
		"PORTAL_OIDC_BRANCH_CLAIM=phone_number", "PORTAL_OIDC_COUNTRIES_CLAIM=given_name",
		"PORTAL_LOCAL_LOGIN=false", "PORTAL_BREAK_GLASS_ADMIN=admin1")
	p.NewUser("admin") // admin1, of branch DXB: the branch the directory names is one the portal knows
	p.secrets = append(p.secrets, amira.Password)
	page := p.Page(t)

	_, err := page.Goto("/login")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("login-sso")).ToHaveText("Sign in with Bank ID"))
	p.Capture(page, "login-sso")
	check(t, page.GetByTestId("login-sso").Click())

	// The provider's page, not ours: found by its labels.
	check(t, page.GetByLabel("Username:").Fill(amira.Username))
	check(t, page.GetByLabel("Password:").Fill(amira.Password))
	check(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Login"}).Click())

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
	check(t, page.GetByLabel("Username:").Fill(amira.Username))
	check(t, page.GetByLabel("Password:").Fill(amira.Password))
	check(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Login"}).Click())
	check(t, expect.Locator(page.GetByTestId("home")).ToBeVisible())
	amira.LastName = "former-staff"
	op.SetUsers([]oidctest.User{amira})
	_, err = page.Goto(p.URL + "/search")
	check(t, err)
	check(t, expect.Locator(page.GetByText("no longer grants you access")).ToBeVisible())
	check(t, expect.Locator(page.GetByTestId("login-sso")).ToBeVisible())
	p.Capture(page, "login-sso-access-ended")
}
