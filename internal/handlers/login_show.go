package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
)

// loginShow shows the sign-in form. It saves the pre-login session so that the form's CSRF
// token is bound to it; signing in replaces that session by a new one.
func (s *Server) loginShow(c echo.Context) error {
	if _, ok := userOf(c); ok {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	if err := s.sessions.Save(c.Request(), c.Response(), sessionOf(c)); err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.LoginPage(s.chrome(c, "Sign in", ""), pages.Login{}))
}
