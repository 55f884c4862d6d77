// Package sso signs users in through the bank's OpenID provider: the authorization code flow
// with PKCE (golang.org/x/oauth2), the ID and logout tokens checked by
// github.com/coreos/go-oidc, and the claims mapped to a role, a branch and countries
// (docs/deploy.md).
package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"kycportal/internal/config"
)

// ErrProvider says the provider could not be reached or answered something unusable.
var ErrProvider = errors.New("the identity provider could not complete the sign-in")

// Provider talks to one OpenID provider. Discovery happens at first use and is kept once it
// succeeds, so the portal starts while the provider is briefly down.
type Provider struct {
	cfg    config.OIDC
	client *http.Client

	mu   sync.Mutex
	disc *discovered
}

type discovered struct {
	provider   *oidc.Provider
	oauth      oauth2.Config
	verifier   *oidc.IDTokenVerifier
	endSession string // the end_session_endpoint, "" when the provider has none
}

// NewProvider prepares the provider of cfg.
func NewProvider(cfg config.OIDC) *Provider {
	return &Provider{cfg: cfg, client: &http.Client{Timeout: 10 * time.Second}}
}

// Origin is the scheme, host and port of the provider's issuer, where its authorization
// and end-session endpoints live.
func (p *Provider) Origin() string {
	u, err := url.Parse(p.cfg.Issuer)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Name is what the sign-in button calls the provider.
func (p *Provider) Name() string { return p.cfg.Name }

func (p *Provider) discover(ctx context.Context) (*discovered, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.disc != nil {
		return p.disc, nil
	}
	provider, err := oidc.NewProvider(p.context(ctx), p.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: discovery of %s: %v", ErrProvider, p.cfg.Issuer, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := provider.Claims(&extra); err != nil {
		return nil, fmt.Errorf("%w: discovery document: %v", ErrProvider, err)
	}
	p.disc = &discovered{
		provider: provider,
		oauth: oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret,
			Endpoint: provider.Endpoint(), RedirectURL: p.cfg.RedirectURL, Scopes: p.cfg.Scopes},
		verifier:   provider.Verifier(&oidc.Config{ClientID: p.cfg.ClientID}),
		endSession: extra.EndSession,
	}
	return p.disc, nil
}

// context carries our bounded HTTP client to go-oidc and oauth2.
func (p *Provider) context(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, p.client)
}

// Pending is what a sign-in in progress keeps in the browser's pre-login session: the state
// ties the callback to this browser, the nonce the ID token to this request, the verifier
// the code to this client (PKCE).
type Pending struct {
	State, Nonce, Verifier string
}

// Begin starts a sign-in: the address to send the browser to and what to keep until it comes back.
func (p *Provider) Begin(ctx context.Context) (string, Pending, error) {
	return p.begin(ctx)
}

// BeginStepUp is Begin for a user already signed in who must show it is them again: the
// provider is asked to authenticate them anew, whatever session it holds (prompt=login,
// max_age=0, which also makes auth_time a required claim of the ID token).
func (p *Provider) BeginStepUp(ctx context.Context) (string, Pending, error) {
	return p.begin(ctx, oauth2.SetAuthURLParam("prompt", "login"), oauth2.SetAuthURLParam("max_age", "0"))
}

func (p *Provider) begin(ctx context.Context, opts ...oauth2.AuthCodeOption) (string, Pending, error) {
	d, err := p.discover(ctx)
	if err != nil {
		return "", Pending{}, err
	}
	pending := Pending{State: rand.Text(), Nonce: rand.Text(), Verifier: oauth2.GenerateVerifier()}
	opts = append(opts, oidc.Nonce(pending.Nonce), oauth2.S256ChallengeOption(pending.Verifier))
	return d.oauth.AuthCodeURL(pending.State, opts...), pending, nil
}

// ErrToken says an ID or logout token failed its checks.
var ErrToken = errors.New("the identity provider's token was refused")

// Finish exchanges the code for tokens, checks the ID token and returns its claims, with
// those of the userinfo endpoint beneath them, and the tokens.
func (p *Provider) Finish(ctx context.Context, code string, pending Pending) (Claims, *oauth2.Token, error) {
	d, err := p.discover(ctx)
	if err != nil {
		return nil, nil, err
	}
	ctx = p.context(ctx)
	tok, err := d.oauth.Exchange(ctx, code, oauth2.VerifierOption(pending.Verifier))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: code exchange: %v", ErrProvider, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.VerifyIDToken(ctx, raw, pending.Nonce)
	if err != nil {
		return nil, nil, err
	}
	claims := Claims{}
	if d.provider.UserInfoEndpoint() == "" {
		return nil, nil, fmt.Errorf(
			"%w: the provider has no userinfo endpoint, where the portal re-reads the claims",
			ErrProvider,
		)
	}
	info, err := d.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: userinfo: %v", ErrProvider, err)
	}
	if info.Subject != idt.Subject {
		return nil, nil, fmt.Errorf("%w: userinfo is about another subject", ErrToken)
	}
	if err := info.Claims(&claims); err != nil {
		return nil, nil, fmt.Errorf("%w: userinfo: %v", ErrProvider, err)
	}
	delete(claims, "auth_time") // the step-up reads it from the signed ID token alone
	// The signed ID token's claims win over the userinfo answer's.
	if err := idt.Claims(&claims); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrToken, err)
	}
	claims["iss"], claims["sub"] = idt.Issuer, idt.Subject
	return claims, tok, nil
}

// VerifyIDToken checks raw with go-oidc (signature against the provider's published keys,
// issuer, audience, expiry), then that it answers this sign-in's nonce: go-oidc leaves the
// nonce to its caller.
func (p *Provider) VerifyIDToken(ctx context.Context, raw, nonce string) (*oidc.IDToken, error) {
	d, err := p.discover(ctx)
	if err != nil {
		return nil, err
	}
	if raw == "" {
		return nil, fmt.Errorf("%w: no ID token in the token response", ErrToken)
	}
	idt, err := d.verifier.Verify(p.context(ctx), raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrToken, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, fmt.Errorf("%w: the nonce is not this sign-in's", ErrToken)
	}
	return idt, nil
}

// EndSessionURL is where to send the browser so the provider ends its own session too, with
// idTokenHint (may be "") naming the user; "" when the provider publishes no
// end_session_endpoint (or cannot be reached now).
func (p *Provider) EndSessionURL(ctx context.Context, idTokenHint string) string {
	d, err := p.discover(ctx)
	if err != nil || d.endSession == "" {
		return ""
	}
	u, err := url.Parse(d.endSession)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("client_id", p.cfg.ClientID)
	if idTokenHint != "" {
		q.Set("id_token_hint", idTokenHint)
	}
	if p.cfg.PostLogoutURL != "" {
		q.Set("post_logout_redirect_uri", p.cfg.PostLogoutURL)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
