package session

import (
	"net/http"

	"github.com/gorilla/sessions"

	"kycportal/internal/store"
)

// LoginSSO is Login for a user the identity provider signed in; sid is the provider's
// session ("" when it sends none).
func (m *Manager) LoginSSO(r *http.Request, w http.ResponseWriter, old *sessions.Session, user store.User, sid string) (*sessions.Session, error) {
	return m.login(r, w, old, user, func(rec *Record) { rec.SSO, rec.OIDCSID = true, sid })
}

// SignedInWithSSO tells whether s was signed in through the identity provider.
func SignedInWithSSO(s *sessions.Session) bool { return RecordOf(s).SSO }
