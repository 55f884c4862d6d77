package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// notificationsRead marks the user's inbox read and shows it again.
func (s *Server) notificationsRead(c echo.Context) error {
	if err := s.submissions.MarkRead(c.Request().Context(), signedIn(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/notifications")
}
