package config

import (
	"slices"
	"strings"
	"testing"
)

func TestOIDCSettings(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		"PORTAL_OIDC_ISSUER":            "https://login.bank.example/realms/staff",
		"PORTAL_OIDC_CLIENT_ID":         "kyc-portal",
		"PORTAL_OIDC_REDIRECT_URL":      "https://kyc.bank.example/login/oidc/callback",
		"PORTAL_OIDC_SCOPES":            "profile email",
		"PORTAL_OIDC_AGENT_VALUES":      "kyc-agents, kyc-agents-my",
		"PORTAL_OIDC_SUPERVISOR_VALUES": "kyc-checkers",
		"PORTAL_LOCAL_LOGIN":            "false",
		"PORTAL_BREAK_GLASS_ADMIN":      "breakglass",
	}))
	if err != nil {
		t.Fatal(err)
	}
	o := c.OIDC
	if !o.Enabled() || !slices.Equal(o.Scopes, []string{"openid", "profile", "email"}) || o.RoleClaim != "groups" ||
		!slices.Equal(o.RoleValues["agent"], []string{"kyc-agents", "kyc-agents-my"}) || !o.Provision ||
		c.LocalLogin || c.BreakGlassAdmin != "breakglass" {
		t.Errorf("config = %+v", c)
	}
}

func TestOIDCMistakesAreNamed(t *testing.T) {
	good := map[string]string{
		"PORTAL_OIDC_ISSUER":       "https://idp.example",
		"PORTAL_OIDC_CLIENT_ID":    "kyc",
		"PORTAL_OIDC_REDIRECT_URL": "https://kyc.example/login/oidc/callback",
		"PORTAL_OIDC_AGENT_VALUES": "agents",
	}
	for name, value := range map[string]string{
		"PORTAL_OIDC_ISSUER":       "http://idp.example",
		"PORTAL_OIDC_REDIRECT_URL": "/login/oidc/callback",
		"PORTAL_OIDC_CLIENT_ID":    "",
		"PORTAL_OIDC_AGENT_VALUES": "",
		"PORTAL_OIDC_PROVISION":    "sometimes",
	} {
		m := map[string]string{}
		for k, v := range good {
			m[k] = v
		}
		m[name] = value
		if _, err := FromEnv(env(m)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: err = %v, want one naming it", name, value, err)
		}
	}
	if _, err := FromEnv(env(map[string]string{"PORTAL_LOCAL_LOGIN": "false"})); err == nil {
		t.Error("local login off with no identity provider was accepted")
	}
	production := map[string]string{"DATABASE_URL": "postgres://portal@db/portal", "CDP_BASE_URL": "https://cdp.example"}
	for k, v := range good {
		production[k] = v
	}
	if _, err := FromEnv(env(production)); err == nil || !strings.Contains(err.Error(), "PORTAL_SECRETS_KEY") {
		t.Errorf("single sign-on in production with no secrets key: err = %v, want one naming PORTAL_SECRETS_KEY", err)
	}
	if _, err := FromEnv(env(map[string]string{"PORTAL_OIDC_ISSUER": "http://localhost:9998/", "PORTAL_OIDC_CLIENT_ID": "web",
		"PORTAL_OIDC_REDIRECT_URL": "http://127.0.0.1:8080/login/oidc/callback", "PORTAL_OIDC_AGENT_VALUES": "a"})); err != nil {
		t.Errorf("plain http on loopback refused: %v", err)
	}
}
