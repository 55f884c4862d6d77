package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/session"
)

// loginSSOStart sends the browser to the identity provider, keeping the state, nonce and
// PKCE verifier of this sign-in in the pre-login session. It is a POST from the login page
// (CSRF-checked), so another site cannot start sign-ins in the user's browser.
func (s *Server) loginSSOStart(c echo.Context) error {
	if s.sso == nil {
		return echo.ErrNotFound
	}
	if _, ok := userOf(c); ok {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	to, pending, err := s.sso.Begin(c.Request().Context())
	if err != nil {
		return refusal(http.StatusBadGateway, "err.idp_down").SetInternal(err)
	}
	sess := sessionOf(c)
	session.RecordOf(sess).Pending = session.Pending{
		SSOState:    pending.State,
		SSONonce:    pending.Nonce,
		SSOVerifier: pending.Verifier,
	}
	if err := s.sessions.Save(c.Request(), c.Response(), sess); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, to)
}
