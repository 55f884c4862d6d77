package handlers

import (
	"errors"
	"maps"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/branches"
	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// adminBranchSave edits a branch (its code stays); the change is audited field by field,
// with the reason given.
func (s *Server) adminBranchSave(c echo.Context) error {
	f, b, reason, err := readBranchForm(c)
	if err != nil {
		return err
	}
	f.Code, b.Code = c.Param("code"), c.Param("code")
	if f.Errors = fieldErrors(reasonError(reason)); len(f.Errors) == 0 {
		err = s.branches.Update(c.Request().Context(), b, reason)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound)
	case err != nil:
		if f.Errors = branchErrors(err); len(f.Errors) == 0 {
			return err
		}
	}
	if len(f.Errors) > 0 {
		return s.renderBranch(c, http.StatusUnprocessableEntity, f)
	}
	f.Notice = "Branch saved."
	return s.renderBranch(c, http.StatusOK, f)
}

// readBranchForm reads a branch form: as posted, for the page, and as a record.
func readBranchForm(c echo.Context) (pages.BranchForm, store.Branch, string, error) {
	if err := parseForm(c); err != nil {
		return pages.BranchForm{}, store.Branch{}, "", err
	}
	form := c.Request().PostForm
	b := branches.Normalise(store.Branch{Code: form.Get("code"), Name: form.Get("name"), Country: form.Get("country"),
		TimeZone: form.Get("time_zone"), CDPLocationID: form.Get("cdp_location_id"), Channel: form.Get("channel"),
		Active: form.Get("active") == "yes"})
	f := pages.BranchForm{Code: b.Code, Name: b.Name, Country: b.Country, TimeZone: b.TimeZone,
		Location: b.CDPLocationID, Channel: b.Channel, Active: b.Active}
	return f, b, strings.TrimSpace(form.Get("reason")), nil
}

// branchErrors gathers the per-field refusals of the registry and of the reason.
func branchErrors(err error) map[string]string {
	out := fieldErrors(err)
	var bad branches.InvalidError
	if errors.As(err, &bad) {
		maps.Copy(out, bad)
	}
	return out
}
