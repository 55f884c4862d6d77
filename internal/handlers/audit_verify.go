package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// auditVerify checks the trail now: a supervisor their branch's events, an admin the whole
// trail. The outcome is kept for the banner and recorded in the trail.
func (s *Server) auditVerify(c echo.Context) error {
	if _, err := s.review.Verify(c.Request().Context(), signedIn(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/audit")
}
