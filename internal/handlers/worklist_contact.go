package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/drafts"
	"kycportal/internal/views/pages"
)

// worklistContact records an attempt to reach an item's customer: called, visited or refused.
func (s *Server) worklistContact(c echo.Context) error {
	id, err := workItemParam(c)
	if err != nil {
		return err
	}
	u := signedIn(c)
	err = s.worklist.Contact(c.Request().Context(), u, id, c.FormValue("outcome"), c.FormValue("note"))
	var fe drafts.FieldErrors
	if errors.As(err, &fe) {
		w, err := s.worklistView(c, u)
		if err != nil {
			return err
		}
		w.Error = fe["outcome"] + fe["note"]
		return render(c, http.StatusUnprocessableEntity, pages.WorklistPage(s.chromeT(c, "nav_worklist", "worklist"), w))
	}
	if err != nil {
		return worklistFailure(err)
	}
	return c.Redirect(http.StatusSeeOther, "/worklist")
}
