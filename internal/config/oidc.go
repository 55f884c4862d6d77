package config

import (
	"net/url"
	"slices"
	"strings"
)

// OIDC configures single sign-on through the bank's OpenID provider (docs/deploy.md); an
// empty Issuer leaves it off.
type OIDC struct {
	Issuer        string   // PORTAL_OIDC_ISSUER: the provider's issuer URL, discovery is read from it
	Name          string   // PORTAL_OIDC_NAME: the button says "Sign in with <Name>"
	ClientID      string   // PORTAL_OIDC_CLIENT_ID
	ClientSecret  string   // PORTAL_OIDC_CLIENT_SECRET or _FILE; empty: a public client (PKCE alone)
	RedirectURL   string   // PORTAL_OIDC_REDIRECT_URL: our /login/oidc/callback as the browser reaches it
	PostLogoutURL string   // PORTAL_OIDC_POST_LOGOUT_URL: where the provider sends the browser after its logout
	Scopes        []string // PORTAL_OIDC_SCOPES, openid always included

	RoleClaim      string              // PORTAL_OIDC_ROLE_CLAIM: the claim listing the user's groups or roles
	RoleValues     map[string][]string // PORTAL_OIDC_{AGENT,SUPERVISOR,ADMIN}_VALUES: claim values giving each role
	BranchClaim    string              // PORTAL_OIDC_BRANCH_CLAIM
	CountriesClaim string              // PORTAL_OIDC_COUNTRIES_CLAIM
	UsernameClaim  string              // PORTAL_OIDC_USERNAME_CLAIM
	Provision      bool                // PORTAL_OIDC_PROVISION=jit (true) or existing: accounts made at first sign-in
}

// Enabled tells whether single sign-on is configured.
func (o OIDC) Enabled() bool { return o.Issuer != "" }

func (p *parser) oidc() OIDC {
	o := OIDC{
		Issuer:         p.str("PORTAL_OIDC_ISSUER", ""),
		Name:           p.str("PORTAL_OIDC_NAME", "single sign-on"),
		ClientID:       p.str("PORTAL_OIDC_CLIENT_ID", ""),
		ClientSecret:   p.secret("PORTAL_OIDC_CLIENT_SECRET"),
		RedirectURL:    p.str("PORTAL_OIDC_REDIRECT_URL", ""),
		PostLogoutURL:  p.str("PORTAL_OIDC_POST_LOGOUT_URL", ""),
		Scopes:         p.list("PORTAL_OIDC_SCOPES", "openid profile email"),
		RoleClaim:      p.str("PORTAL_OIDC_ROLE_CLAIM", "groups"),
		BranchClaim:    p.str("PORTAL_OIDC_BRANCH_CLAIM", "branch"),
		CountriesClaim: p.str("PORTAL_OIDC_COUNTRIES_CLAIM", "countries"),
		UsernameClaim:  p.str("PORTAL_OIDC_USERNAME_CLAIM", "preferred_username"),
		RoleValues: map[string][]string{
			"agent":      p.list("PORTAL_OIDC_AGENT_VALUES", ""),
			"supervisor": p.list("PORTAL_OIDC_SUPERVISOR_VALUES", ""),
			"admin":      p.list("PORTAL_OIDC_ADMIN_VALUES", ""),
		},
	}
	switch v := p.str("PORTAL_OIDC_PROVISION", "jit"); v {
	case "jit":
		o.Provision = true
	case "existing":
	default:
		p.fail("PORTAL_OIDC_PROVISION", "jit or existing, not "+v)
	}
	if !o.Enabled() {
		return o
	}
	if !slices.Contains(o.Scopes, "openid") {
		o.Scopes = append([]string{"openid"}, o.Scopes...)
	}
	p.httpsURL("PORTAL_OIDC_ISSUER", o.Issuer)
	p.httpsURL("PORTAL_OIDC_REDIRECT_URL", o.RedirectURL)
	if o.PostLogoutURL != "" {
		p.httpsURL("PORTAL_OIDC_POST_LOGOUT_URL", o.PostLogoutURL)
	}
	if o.ClientID == "" {
		p.fail("PORTAL_OIDC_CLIENT_ID", "required with PORTAL_OIDC_ISSUER")
	}
	if len(o.RoleValues["agent"])+len(o.RoleValues["supervisor"])+len(o.RoleValues["admin"]) == 0 {
		p.fail("PORTAL_OIDC_AGENT_VALUES", "name the claim values of at least one role (or SUPERVISOR, ADMIN)")
	}
	return o
}

// httpsURL accepts https, and plain http on the loopback interface only (the provider and
// the portal side by side in tests or development).
func (p *parser) httpsURL(name, v string) {
	u, err := url.Parse(v)
	switch {
	case v == "":
		p.fail(name, "required with PORTAL_OIDC_ISSUER")
	case err != nil || u.Host == "":
		p.fail(name, "not an absolute URL")
	case u.Scheme == "https":
	case u.Scheme == "http" && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1"):
	default:
		p.fail(name, "must be https:// (plain http only on localhost)")
	}
}

// list reads a list separated by commas or spaces.
func (p *parser) list(name, def string) []string {
	return strings.FieldsFunc(p.str(name, def), func(r rune) bool { return r == ',' || r == ' ' })
}
