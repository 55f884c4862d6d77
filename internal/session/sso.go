package session

import (
	"context"
	"net/http"

	"github.com/gorilla/sessions"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// LoginSSO is Login for a user the identity provider signed in; sid is the provider's
// session ("" when it sends none), grant the sealed tokens to ask the provider again.
func (m *Manager) LoginSSO(
	r *http.Request, w http.ResponseWriter, old *sessions.Session, user store.User, sid, grant string,
) (*sessions.Session, error) {
	return m.login(r, w, old, user, func(rec *Record) {
		rec.SSO = true
		rec.OIDCSID = sid
		rec.Grant = grant
	})
}

// SignedInWithSSO tells whether s was signed in through the identity provider.
func SignedInWithSSO(s *sessions.Session) bool { return RecordOf(s).SSO }

// Grant is the sealed grant of the provider that s keeps, "" when none.
func Grant(s *sessions.Session) string { return RecordOf(s).Grant }

// EndRefused ends s, whose tokens the identity provider no longer accepts, and records why.
func (m *Manager) EndRefused(r *http.Request, w http.ResponseWriter, s *sessions.Session, why string) error {
	return m.end(r, w, s, audit.Event{Action: audit.SSOGrantEnded, Outcome: audit.Denied, Reason: why})
}

// KeepGrant replaces the grant s keeps (after a token refresh), without counting as activity.
func (m *Manager) KeepGrant(ctx context.Context, s *sessions.Session, grant string) error {
	RecordOf(s).Grant = grant
	return store.SetSessionValue(ctx, m.DB.Pool, hashToken(s.ID), valueGrant, grant)
}
