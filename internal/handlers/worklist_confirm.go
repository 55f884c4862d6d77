package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
	"kycportal/internal/worklist"
)

// worklistConfirm records an agent's "no change" confirmation of a periodic review, which
// then waits for a checker.
func (s *Server) worklistConfirm(c echo.Context) error {
	id, err := workItemParam(c)
	if err != nil {
		return err
	}
	err = s.worklist.ConfirmNoChange(c.Request().Context(), signedIn(c), id, c.FormValue("note"))
	if err != nil {
		return s.workItemRefused(c, id, err)
	}
	return c.Redirect(http.StatusSeeOther, workItemPath(id))
}

// workItemRefused shows the item again with a refusal of the review's rules, or answers
// any other error as such.
func (s *Server) workItemRefused(c echo.Context, id int64, err error) error {
	var refusal *worklist.Refusal
	if !errors.As(err, &refusal) {
		return worklistFailure(err)
	}
	w, werr := s.workItemView(c, id)
	if werr != nil {
		return werr
	}
	status, msg := http.StatusConflict, langOf(c).T(refusal.Key)
	switch refusal {
	case worklist.ErrNoteLength, worklist.ErrCommentLength:
		status, w.Error = http.StatusUnprocessableEntity, msg
	case worklist.ErrOwnReview:
		status, w.Error = http.StatusForbidden, msg
	case worklist.ErrStepUp:
		status, w.StepUpError = http.StatusForbidden, msg
	default:
		w.Error = msg
	}
	return render(c, status, pages.WorkItemShow(s.chromeT(c, "review.page_title", "worklist"), w))
}
