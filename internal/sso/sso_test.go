package sso

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"kycportal/internal/config"
	"kycportal/internal/oidctest"
)

const redirect = "http://127.0.0.1/login/oidc/callback"

var agent = oidctest.User{ID: "u-amira", Username: "amira.sso", Password: "provider password 1",
	FirstName: "AE MY", LastName: "kyc-agents", Phone: "DXB-01", PreferredLanguage: "en"}

// testConfig maps the example provider's claims (see oidctest.User).
func testConfig(issuer string) config.OIDC {
	return config.OIDC{
		Issuer:       issuer,
		Name:         "Test provider",
		ClientID:     oidctest.ClientID,
		ClientSecret: oidctest.ClientSecret,
		RedirectURL:  redirect,
		Scopes:       []string{"openid", "profile", "phone"},
		RoleClaim:    "family_name",
		RoleValues: map[string][]string{
			"agent":      {"kyc-agents"},
			"supervisor": {"kyc-supervisors"},
			"admin":      {"kyc-admins"},
		},
		BranchClaim:    "phone_number",
		CountriesClaim: "given_name",
		UsernameClaim:  "preferred_username",
		Provision:      true,
	}
}

func TestMapReadsRoleBranchAndCountries(t *testing.T) {
	cfg := config.OIDC{
		UsernameClaim:  "preferred_username",
		RoleClaim:      "groups",
		BranchClaim:    "branch",
		CountriesClaim: "countries",
		RoleValues:     map[string][]string{"agent": {"kyc-agents"}, "supervisor": {"kyc-checkers"}},
	}
	base := func() Claims {
		return Claims{"iss": "https://idp", "sub": "42", "preferred_username": "Amira@Bank.AE", "name": "Amira K",
			"groups": []any{"staff", "kyc-agents"}, "branch": "DXB-01", "countries": []any{"my", "AE", "AE"}}
	}
	id, err := Map(cfg, base())
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "https://idp 42" || id.Username != "amira.bank.ae" || id.Role != "agent" || id.Branch != "DXB-01" ||
		!slices.Equal(id.Countries, []string{"AE", "MY"}) || id.DisplayName != "Amira K" {
		t.Errorf("identity = %+v", id)
	}
	c := base()
	c["groups"] = "kyc-agents kyc-checkers"
	if _, err := Map(cfg, c); !errors.Is(err, ErrClaims) {
		t.Errorf("two roles at once: err = %v, want ErrClaims", err)
	}
	c = base()
	c["groups"] = []any{"staff"}
	if id, err := Map(cfg, c); err != nil || id.Role != "" {
		t.Errorf("no role group: %+v, %v; want an empty role and no error", id, err)
	}
	c = base()
	delete(c, "branch")
	if _, err := Map(cfg, c); !errors.Is(err, ErrClaims) {
		t.Errorf("no branch: err = %v, want ErrClaims", err)
	}
}

// idToken runs a real sign-in at the provider for client and returns its raw ID token.
func idToken(t *testing.T, op *oidctest.Provider, client, nonce string) string {
	t.Helper()
	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, op.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	conf := oauth2.Config{ClientID: client, ClientSecret: oidctest.ClientSecret, Endpoint: provider.Endpoint(),
		RedirectURL: redirect, Scopes: []string{"openid"}}
	verifier := oauth2.GenerateVerifier()
	back := op.SignIn(
		conf.AuthCodeURL("st", oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)),
		agent.Username,
		agent.Password,
	)
	tok, err := conf.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	return raw
}

func TestIDTokenChecks(t *testing.T) {
	op := oidctest.Start(t, []oidctest.User{agent}, redirect)
	p := NewProvider(testConfig(op.Issuer))
	ctx := context.Background()
	good := idToken(t, op, oidctest.ClientID, "nonce-1")
	if _, err := p.VerifyIDToken(ctx, good, "nonce-1"); err != nil {
		t.Fatalf("the provider's own token for us: %v", err)
	}
	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := strings.Replace(string(payload), `"sub":"`+agent.ID+`"`, `"sub":"u-someone-else"`, 1)
	if forged == string(payload) {
		t.Fatalf("no sub claim to tamper with in %s", payload)
	}
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]
	for name, c := range map[string]struct{ raw, nonce string }{
		"tampered payload": {tampered, "nonce-1"},
		"wrong audience":   {idToken(t, op, oidctest.OtherClientID, "nonce-2"), "nonce-2"},
		"another nonce":    {good, "nonce-of-another-sign-in"},
		"no token":         {"", "nonce-1"},
	} {
		if _, err := p.VerifyIDToken(ctx, c.raw, c.nonce); !errors.Is(err, ErrToken) {
			t.Errorf("%s: err = %v, want ErrToken", name, err)
		}
	}
}

// The example provider cannot send back-channel logout tokens. The rules that make a token a
// logout token are checked here with go-oidc's verifier on a key of the test's own, the one
// part not from the provider (docs/deploy.md); its ID tokens are refused as logout tokens.
func TestLogoutTokenChecks(t *testing.T) {
	op := oidctest.Start(t, []oidctest.User{agent}, redirect)
	p := NewProvider(testConfig(op.Issuer))
	ctx := context.Background()
	if _, err := p.VerifyLogoutToken(ctx, idToken(t, op, oidctest.ClientID, "n")); !errors.Is(err, ErrToken) {
		t.Errorf("an ID token of the provider as a logout token: err = %v, want ErrToken", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	d, err := p.discover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d.verifier = oidc.NewVerifier(
		op.Issuer,
		&oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{&key.PublicKey}},
		&oidc.Config{ClientID: oidctest.ClientID},
	)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	event := map[string]any{backchannelEvent: map[string]any{}}
	sign := func(claims map[string]any) string {
		base := map[string]any{"iss": op.Issuer, "aud": oidctest.ClientID, "iat": time.Now().Unix(),
			"exp": time.Now().Add(2 * time.Minute).Unix(), "jti": rand.Text()}
		for k, v := range claims {
			if v == nil {
				delete(base, k)
			} else {
				base[k] = v
			}
		}
		raw, err := jwt.Signed(signer).Claims(base).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	l, err := p.VerifyLogoutToken(ctx, sign(map[string]any{"sub": "u-amira", "sid": "s-1", "events": event}))
	if err != nil || l.Subject != op.Issuer+" u-amira" || l.SessionID != "s-1" {
		t.Fatalf("a valid logout token: %+v, %v", l, err)
	}
	for name, claims := range map[string]map[string]any{
		"no event":           {"sub": "u-amira"},
		"a nonce":            {"sub": "u-amira", "events": event, "nonce": "n"},
		"no subject, no sid": {"events": event},
		"another audience":   {"sub": "u-amira", "events": event, "aud": oidctest.OtherClientID},
		"another issuer":     {"sub": "u-amira", "events": event, "iss": "http://localhost:1/"},
		"expired":            {"sub": "u-amira", "events": event, "exp": time.Now().Add(-time.Minute).Unix()},
		"no expiry":          {"sub": "u-amira", "events": event, "exp": nil},
	} {
		if _, err := p.VerifyLogoutToken(ctx, sign(claims)); !errors.Is(err, ErrToken) {
			t.Errorf("%s: err = %v, want ErrToken", name, err)
		}
	}
}
