package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
)

// adminBranchesList lists the branch registry.
func (s *Server) adminBranchesList(c echo.Context) error {
	list, err := s.branches.List(c.Request().Context())
	if err != nil {
		return err
	}
	rows := make([]pages.BranchRow, len(list))
	for i, b := range list {
		rows[i] = pages.BranchRow{Code: b.Code, Name: b.Name, Country: b.Country, TimeZone: b.TimeZone,
			Location: b.CDPLocationID, Channel: b.Channel, Active: b.Active}
	}
	return render(c, http.StatusOK, pages.BranchesPage(s.chromeT(c, "nav_branches", "branches"), rows))
}
