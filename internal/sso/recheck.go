package sso

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"kycportal/internal/auth"
	"kycportal/internal/store"
)

// Grant is what one of our sessions keeps of a sign-in through the provider, to ask the
// provider again at each request: the tokens, and the claims of the latest ID token that the
// mapping reads (a provider's userinfo answer may lack some: Entra ID's carries only the
// profile, its groups are in the ID token). It is kept sealed under PORTAL_SECRETS_KEY.
type Grant struct {
	IDToken  string    `json:"id_token"` // the latest, as id_token_hint at the end-session endpoint
	Access   string    `json:"access"`
	Refresh  string    `json:"refresh,omitempty"`
	Expiry   time.Time `json:"expiry"`
	IDClaims Claims    `json:"id_claims"`
}

// ErrGrantEnded says the provider no longer accepts the tokens a session keeps (it answered
// a refresh or the userinfo endpoint with a refusal), or that they expired with no refresh
// token to renew them: that session ends and its user signs in again.
var ErrGrantEnded = errors.New("the identity provider's grant of this session ended")

// newGrant keeps tok and, of the claims c, those the mapping reads.
func (s *Service) newGrant(tok *oauth2.Token, c Claims) Grant {
	kept := Claims{}
	for _, name := range []string{"iss", "sub", "sid", "name", s.cfg.UsernameClaim, s.cfg.RoleClaim, s.cfg.BranchClaim, s.cfg.CountriesClaim} {
		if v, ok := c[name]; ok {
			kept[name] = v
		}
	}
	raw, _ := tok.Extra("id_token").(string)
	return Grant{IDToken: raw, Access: tok.AccessToken, Refresh: tok.RefreshToken, Expiry: tok.Expiry, IDClaims: kept}
}

// seal encrypts g for the session of account userID.
func (s *Service) seal(userID int64, g Grant) (string, error) {
	b, err := json.Marshal(g) // #nosec G117 -- the provider's tokens, sealed before they are stored
	if err != nil {
		return "", err
	}
	return s.Secrets.Seal(userID, string(b))
}

func (s *Service) open(userID int64, sealed string) (Grant, error) {
	var g Grant
	if !auth.IsSealed(sealed) {
		return g, errors.New("sso: the session keeps no sealed grant")
	}
	plain, err := s.Secrets.Open(userID, sealed)
	if err != nil {
		return g, err
	}
	return g, json.Unmarshal([]byte(plain), &g)
}

// Recheck asks the provider whether it still grants the session of u that keeps sealed: the
// userinfo endpoint answers with what the directory says now, after a refresh of the access
// token when it has expired (the refreshed ID token's claims then replace the kept ones).
// The claims are mapped and applied as at sign-in, changes audited. It returns the grant to
// keep from now on ("" when unchanged) and the account as the claims left it.
//
// Claims that grant no role (or an account disabled) refuse as at sign-in: every session of
// u ends, audited (ErrRefused). Tokens the provider no longer accepts (a 4xx) end this
// session (ErrGrantEnded). A provider that cannot be reached (no answer, a 5xx) returns
// ErrProvider: the request is refused and the session kept, so that work resumes when the
// provider is back (docs/deploy.md).
func (s *Service) Recheck(ctx context.Context, u store.User, sealed string) (store.User, string, error) {
	g, err := s.open(u.ID, sealed)
	if err != nil { // a session from before grants were kept, or under another key
		return u, "", fmt.Errorf("%w: %v", ErrGrantEnded, err)
	}
	d, err := s.discover(ctx)
	if err != nil {
		return u, "", err
	}
	status := &lastStatus{base: s.client.Transport}
	ctx = oidc.ClientContext(ctx, &http.Client{Timeout: s.client.Timeout, Transport: status})
	tok, renewed, err := s.accessToken(ctx, d, &g, sealed)
	if err != nil {
		return u, "", err
	}
	info, err := d.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return u, "", recheckFailed(status.code, fmt.Errorf("userinfo: %v", err))
	}
	claims := Claims{}
	if err := info.Claims(&claims); err != nil {
		return u, "", fmt.Errorf("%w: userinfo: %v", ErrProvider, err)
	}
	if info.Subject != g.IDClaims.str("sub") {
		return u, "", fmt.Errorf("%w: userinfo is about another subject", ErrGrantEnded)
	}
	// The provider's answer of now wins over the claims of the latest ID token.
	for k, v := range g.IDClaims {
		if _, ok := claims[k]; !ok || k == "iss" {
			claims[k] = v
		}
	}
	u, _, err = s.SignIn(ctx, claims)
	if err != nil || !renewed {
		return u, "", err
	}
	g.Access = tok.AccessToken
	g.Refresh = cmp.Or(tok.RefreshToken, g.Refresh)
	g.Expiry = tok.Expiry
	sealed, err = s.seal(u.ID, g)
	return u, sealed, err
}

// accessToken is the access token of g, refreshed first when it has expired (renewed);
// sealed is g as the session keeps it.
func (s *Service) accessToken(
	ctx context.Context, d *discovered, g *Grant, sealed string,
) (*oauth2.Token, bool, error) {
	old := &oauth2.Token{AccessToken: g.Access, RefreshToken: g.Refresh, Expiry: g.Expiry, TokenType: "Bearer"}
	if old.Valid() {
		return old, false, nil
	}
	if old.RefreshToken == "" {
		return nil, false, fmt.Errorf("%w: the access token expired and the provider gave no refresh token", ErrGrantEnded)
	}
	// Requests of one session at once share one refresh: the provider may rotate refresh
	// tokens, and a second use of the old one would be refused.
	v, err, _ := s.refreshes.Do(sealed, func() (any, error) {
		status := &lastStatus{base: s.client.Transport}
		t, err := d.oauth.TokenSource(oidc.ClientContext(ctx, &http.Client{Timeout: s.client.Timeout, Transport: status}), old).
			Token()
		return refreshed{t, status.code}, err
	})
	r := v.(refreshed)
	if err != nil {
		return nil, false, recheckFailed(r.status, fmt.Errorf("token refresh: %v", err))
	}
	return r.token, true, s.refreshedClaims(ctx, d, r.token, g)
}

// refreshed is a refresh's answer, shared by the requests that waited for it.
type refreshed struct {
	token  *oauth2.Token
	status int // of the token endpoint's answer
}

// refreshedClaims checks the ID token a refresh may bring (go-oidc: signature, issuer,
// audience, expiry; no nonce in a refresh) and keeps its claims in g.
func (s *Service) refreshedClaims(ctx context.Context, d *discovered, tok *oauth2.Token, g *Grant) error {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil
	}
	idt, err := d.verifier.Verify(ctx, raw)
	if err != nil {
		return fmt.Errorf("%w: refreshed ID token: %v", ErrGrantEnded, err)
	}
	if idt.Subject != g.IDClaims.str("sub") {
		return fmt.Errorf("%w: the refreshed ID token is about another subject", ErrGrantEnded)
	}
	claims := Claims{}
	if err := idt.Claims(&claims); err != nil {
		return fmt.Errorf("%w: refreshed ID token: %v", ErrGrantEnded, err)
	}
	g.IDToken, g.IDClaims = raw, s.newGrant(tok, claims).IDClaims
	return nil
}

// LogoutURL is where to send the browser of user userID, whose session keeps sealed, so that
// the provider ends its own session too: its end-session endpoint, told who by the latest ID
// token (id_token_hint), so that it can end that user's sessions at every client (back-channel
// logout). "" when the provider has no end-session endpoint.
func (s *Service) LogoutURL(ctx context.Context, userID int64, sealed string) string {
	g, err := s.open(userID, sealed)
	if err != nil {
		return s.EndSessionURL(ctx, "")
	}
	return s.EndSessionURL(ctx, g.IDToken)
}

// recheckFailed tells a refusal by the provider (it answered 4xx: the token is no longer
// good) from an outage.
func recheckFailed(status int, err error) error {
	if status >= 400 && status < 500 {
		return fmt.Errorf("%w: %v", ErrGrantEnded, err)
	}
	return fmt.Errorf("%w: %v", ErrProvider, err)
}

// lastStatus remembers the status of the last answer a client received.
type lastStatus struct {
	base http.RoundTripper
	code int
}

func (l *lastStatus) RoundTrip(r *http.Request) (*http.Response, error) {
	base := l.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(r)
	if err == nil {
		l.code = resp.StatusCode
	}
	return resp, err
}
