package session

import (
	"context"
	"net/http"

	"github.com/gorilla/sessions"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// Keys of a session signed in through the identity provider.
const (
	keyMethod  = "auth"       // "oidc" for single sign-on
	keyOIDCSID = "oidc_sid"   // the provider's session, named by its back-channel logout tokens
	keyGrant   = "oidc_grant" // the provider's tokens, sealed (sso.Grant)
)

// LoginSSO is Login for a user the identity provider signed in; sid is the provider's
// session ("" when it sends none), grant the sealed tokens to ask the provider again.
func (m *Manager) LoginSSO(r *http.Request, w http.ResponseWriter, old *sessions.Session, user store.User, sid, grant string) (*sessions.Session, error) {
	values := map[string]string{keyMethod: "oidc", keyGrant: grant}
	if sid != "" {
		values[keyOIDCSID] = sid
	}
	return m.login(r, w, old, user, values)
}

// SignedInWithSSO tells whether s was signed in through the identity provider.
func SignedInWithSSO(s *sessions.Session) bool {
	v, _ := s.Values[keyMethod].(string)
	return v == "oidc"
}

// Grant is the sealed grant of the provider that s keeps, "" when none.
func Grant(s *sessions.Session) string {
	v, _ := s.Values[keyGrant].(string)
	return v
}

// EndRefused ends s, whose tokens the identity provider no longer accepts, and records why.
func (m *Manager) EndRefused(r *http.Request, w http.ResponseWriter, s *sessions.Session, why string) error {
	return m.end(r, w, s, audit.Event{Action: audit.SSOGrantEnded, Outcome: audit.Denied, Reason: why})
}

// KeepGrant replaces the grant s keeps (after a token refresh), without counting as activity.
func (m *Manager) KeepGrant(ctx context.Context, s *sessions.Session, grant string) error {
	s.Values[keyGrant] = grant
	return store.SetSessionValue(ctx, m.DB.Pool, hashToken(s.ID), keyGrant, grant)
}
