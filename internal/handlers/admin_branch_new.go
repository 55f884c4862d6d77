package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// adminBranchNew shows the form of a new branch.
func (s *Server) adminBranchNew(c echo.Context) error {
	return s.renderBranch(c, http.StatusOK, pages.BranchForm{New: true})
}

// adminBranchCreate registers a branch, audited with the reason given.
func (s *Server) adminBranchCreate(c echo.Context) error {
	f, b, reason, err := readBranchForm(c)
	if err != nil {
		return err
	}
	f.New = true
	if f.Errors = fieldErrors(reasonError(reason)); len(f.Errors) == 0 {
		err = s.branches.Add(c.Request().Context(), b, reason)
	}
	switch {
	case errors.Is(err, store.ErrConflict):
		f.Errors = map[string]string{"code": "a branch with this code exists already"}
	case err != nil:
		if f.Errors = branchErrors(err); len(f.Errors) == 0 {
			return err
		}
	}
	if len(f.Errors) > 0 {
		return s.renderBranch(c, http.StatusUnprocessableEntity, f)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/branches")
}
