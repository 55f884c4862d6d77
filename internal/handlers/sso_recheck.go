package handlers

import (
	"errors"
	"net/http"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"kycportal/internal/session"
	"kycportal/internal/sso"
	"kycportal/internal/store"
)

// recheckProvider asks the identity provider, at each request of a session it signed in,
// whether it still grants it (sso.Service.Recheck), and returns the account as the claims
// of now leave it. Access the directory took away ends at this request: the user is sent to
// sign in with why. A provider that cannot be reached refuses the request and keeps the
// session (docs/deploy.md).
func (s *Server) recheckProvider(c echo.Context, sess *sessions.Session, u store.User) (store.User, error) {
	r := c.Request()
	u, grant, err := s.sso.Recheck(r.Context(), u, session.Grant(sess))
	switch {
	case errors.Is(err, sso.ErrRefused): // every session of the account was ended, and audited
		c.Set(keySignInWhy, whyAccessEnded)
		sess.Options.MaxAge = -1
		if err := s.sessions.Save(r, c.Response(), sess); err != nil {
			return u, err
		}
		return u, errSignIn
	case errors.Is(err, sso.ErrGrantEnded):
		c.Set(keySignInWhy, whyProviderEnded)
		if err := s.sessions.EndRefused(r, c.Response(), sess, err.Error()); err != nil {
			return u, err
		}
		return u, errSignIn
	case errors.Is(err, sso.ErrProvider):
		return u, echo.NewHTTPError(http.StatusServiceUnavailable, langOf(c).T("sso.unreachable")).SetInternal(err)
	case err != nil:
		return u, err
	}
	if grant != "" {
		return u, s.sessions.KeepGrant(r.Context(), sess, grant)
	}
	return u, nil
}
