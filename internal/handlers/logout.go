package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/session"
)

// logout ends the session on the server and asks the browser to forget what it cached.
// A user signed in through the identity provider goes on to the provider's end-session
// endpoint, when it has one, so that its session ends too.
func (s *Server) logout(c echo.Context) error {
	sess := sessionOf(c)
	viaProvider := session.SignedInWithSSO(sess)
	grant := session.Grant(sess)
	uid := session.UserID(sess)
	if err := s.sessions.Logout(c.Request(), c.Response(), sess); err != nil {
		return err
	}
	c.Response().Header().Set("Clear-Site-Data", `"cache", "storage"`)
	if viaProvider && s.sso != nil {
		if to := s.sso.LogoutURL(c.Request().Context(), uid, grant); to != "" {
			return c.Redirect(http.StatusSeeOther, to)
		}
	}
	return c.Redirect(http.StatusSeeOther, "/login?why="+whySignedOut)
}
