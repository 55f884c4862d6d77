package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
)

// worklistList is the branch's worklist: expiries and reviews, the most urgent first.
func (s *Server) worklistList(c echo.Context) error {
	w, err := s.worklistView(c, signedIn(c))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.WorklistPage(s.chromeT(c, "nav_worklist", "worklist"), w))
}
