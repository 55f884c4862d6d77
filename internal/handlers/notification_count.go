package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views"
)

// notificationCount is the header's inbox link with the unread count, which every page asks
// for every 15 seconds (a passive request: it does not keep the session alive).
func (s *Server) notificationCount(c echo.Context) error {
	n, err := s.submissions.Unread(c.Request().Context(), signedIn(c))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.InboxCount(n))
}
