package session

import (
	"net/http"

	"github.com/gorilla/sessions"

	"kycportal/internal/store"
)

// Keys of a session signed in through the identity provider.
const (
	keyMethod  = "auth"     // "oidc" for single sign-on
	keyOIDCSID = "oidc_sid" // the provider's session, named by its back-channel logout tokens
)

// LoginSSO is Login for a user the identity provider signed in; sid is the provider's
// session ("" when it sends none).
func (m *Manager) LoginSSO(r *http.Request, w http.ResponseWriter, old *sessions.Session, user store.User, sid string) (*sessions.Session, error) {
	values := map[string]string{keyMethod: "oidc"}
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
