package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// adminBranchShow is a branch's edit form.
func (s *Server) adminBranchShow(c echo.Context) error {
	b, err := s.branches.Get(c.Request().Context(), c.Param("code"))
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	return s.renderBranch(c, http.StatusOK, pages.BranchForm{Code: b.Code, Name: b.Name, Country: b.Country,
		TimeZone: b.TimeZone, Location: b.CDPLocationID, Channel: b.Channel, Active: b.Active})
}

// renderBranch shows the branch form with the countries of the packs.
func (s *Server) renderBranch(c echo.Context, status int, f pages.BranchForm) error {
	l := langOf(c)
	for _, p := range s.branches.Packs.Countries() {
		f.Countries = append(f.Countries, pages.Choice{Code: p.Country, Label: p.In(l.Code).Name})
	}
	title := l.T("admin.branch") + " " + f.Code
	if f.New {
		title = l.T("branch.new")
	}
	return render(c, status, pages.BranchPage(s.chrome(c, title, "branches"), f))
}
