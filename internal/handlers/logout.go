package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// logout ends the session on the server and asks the browser to forget what it cached.
func (s *Server) logout(c echo.Context) error {
	if err := s.sessions.Logout(c.Request(), c.Response(), sessionOf(c)); err != nil {
		return err
	}
	c.Response().Header().Set("Clear-Site-Data", `"cache", "storage"`)
	return c.Redirect(http.StatusSeeOther, "/login?why="+whySignedOut)
}
