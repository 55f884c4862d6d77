package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// worklistRenew starts the update case of an item's customer and opens it.
func (s *Server) worklistRenew(c echo.Context) error {
	id, err := workItemParam(c)
	if err != nil {
		return err
	}
	draftID, err := s.worklist.StartRenewal(c.Request().Context(), signedIn(c), id)
	if err != nil {
		return worklistFailure(err)
	}
	return c.Redirect(http.StatusSeeOther, "/drafts/"+strconv.FormatInt(draftID, 10))
}
