package sso

import (
	"context"
	"fmt"
)

// backchannelEvent is the member of a logout token's events claim that makes it one
// (OpenID Connect Back-Channel Logout 1.0).
const backchannelEvent = "http://schemas.openid.net/event/backchannel-logout"

// Logout is what a verified logout token asks to end: the sessions of a subject, or of one
// provider session.
type Logout struct {
	Subject   string // "<issuer> <sub>", "" when the token names only a session
	SessionID string // sid, "" when the token names only a subject
}

// VerifyLogoutToken checks a back-channel logout token with go-oidc's verifier (signature
// against the provider's published keys, issuer, audience, expiry), then the rules that
// set a logout token apart from an ID token: the back-channel event, no nonce, a subject or
// a session.
func (p *Provider) VerifyLogoutToken(ctx context.Context, raw string) (Logout, error) {
	d, err := p.discover(ctx)
	if err != nil {
		return Logout{}, err
	}
	t, err := d.verifier.Verify(p.context(ctx), raw)
	if err != nil {
		return Logout{}, fmt.Errorf("%w: %v", ErrToken, err)
	}
	var claims struct {
		Events map[string]any `json:"events"`
		SID    string         `json:"sid"`
	}
	if err := t.Claims(&claims); err != nil {
		return Logout{}, fmt.Errorf("%w: %v", ErrToken, err)
	}
	if _, ok := claims.Events[backchannelEvent]; !ok {
		return Logout{}, fmt.Errorf("%w: not a logout token (no back-channel logout event)", ErrToken)
	}
	if t.Nonce != "" {
		return Logout{}, fmt.Errorf("%w: a logout token carries no nonce", ErrToken)
	}
	if t.Subject == "" && claims.SID == "" {
		return Logout{}, fmt.Errorf("%w: the logout token names neither a subject nor a session", ErrToken)
	}
	out := Logout{SessionID: claims.SID}
	if t.Subject != "" {
		out.Subject = t.Issuer + " " + t.Subject
	}
	return out, nil
}
