package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/session"
)

// worklistApprove approves the "no change" confirmation of a review with the checker's
// step-up: the item leaves the worklist and the next review is due after the risk's interval.
func (s *Server) worklistApprove(c echo.Context) error {
	id, err := workItemParam(c)
	if err != nil {
		return err
	}
	u := signedIn(c)
	stepUp := s.worklist.StepUp(u, id, session.SignedInWithSSO(sessionOf(c)), c.FormValue("password"), c.FormValue("code"))
	if err := s.worklist.Approve(c.Request().Context(), u, id, stepUp); err != nil {
		return s.workItemRefused(c, id, err)
	}
	return c.Redirect(http.StatusSeeOther, workItemPath(id))
}

// worklistReturn sends the confirmation back to its agent with the checker's comment.
func (s *Server) worklistReturn(c echo.Context) error {
	id, err := workItemParam(c)
	if err != nil {
		return err
	}
	if err := s.worklist.Return(c.Request().Context(), signedIn(c), id, c.FormValue("comment")); err != nil {
		return s.workItemRefused(c, id, err)
	}
	return c.Redirect(http.StatusSeeOther, workItemPath(id))
}
