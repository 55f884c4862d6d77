package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
)

// draftState answers the submission panel of a draft page, which asks every few seconds:
// 204 while the case is as the panel shows it, else the panel anew. Not audited as a view:
// the page's opening was.
func (s *Server) draftState(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	seen := c.QueryParam("seen")
	if len(seen) > 64 {
		return refusal(http.StatusBadRequest, "err.state_marker")
	}
	ctx := c.Request().Context()
	d, sub, err := s.submissions.Watch(ctx, signedIn(c), id)
	if err != nil {
		return draftFailure(err)
	}
	if caseVersion(sub) == seen {
		return c.NoContent(http.StatusNoContent)
	}
	docs, err := s.drafts.Documents(ctx, id)
	if err != nil {
		return err
	}
	issues, err := s.submissions.Issues(ctx, d, docs)
	if err != nil {
		return err
	}
	l := langOf(c)
	d.Pack = d.Pack.In(l.Code)
	v, err := s.submissionView(ctx, l, d, len(issues) == 0)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.SubmissionPanel(s.chrome(c, "", ""), v))
}
