package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
)

// searchShow is the search page: by ID for agents, among our own records for everyone.
func (s *Server) searchShow(c echo.Context) error {
	v := pages.Search{ID: s.idSearchForm(c), Records: s.recordsForm(c)}
	return render(c, http.StatusOK, pages.SearchPage(s.chromeT(c, "nav_search", "search"), v))
}

// searchIDTypes is the ID-type field for the country chosen, swapped in by htmx.
func (s *Server) searchIDTypes(c echo.Context) error {
	types := idTypesOf(s.newDraftForm(langOf(c), signedIn(c)).Countries, c.QueryParam("country"))
	if types == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return render(c, http.StatusOK, pages.IDTypeField(types, "", ""))
}
