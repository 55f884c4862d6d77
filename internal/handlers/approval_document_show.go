package handlers

import (
	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
)

// approvalDocumentShow serves a case's document (or its thumbnail) to a supervisor who
// may check the case; the view is audited as any document view.
func (s *Server) approvalDocumentShow(c echo.Context) error {
	id, err := s.caseParam(c)
	if err != nil {
		return err
	}
	return s.sendDocument(c, id)
}

// approvalDocumentView is the viewer of a case's document for its checker.
func (s *Server) approvalDocumentView(c echo.Context) error {
	id, err := s.caseParam(c)
	if err != nil {
		return err
	}
	return s.renderViewer(c, pages.Viewer{DraftID: id, Case: true}, "approvals")
}

// caseParam reads the route's case: a submitted draft the supervisor may see. A draft
// never submitted, or of another branch, is not found.
func (s *Server) caseParam(c echo.Context) (int64, error) {
	id, err := draftParam(c)
	if err != nil {
		return 0, err
	}
	if _, err := s.submissions.Of(c.Request().Context(), signedIn(c), id); err != nil {
		return 0, submissionFailure(err)
	}
	return id, nil
}
